"""Global middleware: turn away requests that do not say who sent them, and drop repeated
deliveries of one event.

`Middleware` subclasses rather than plain functions: Bolt then calls them directly instead
of building keyword arguments for each request, which keeps acknowledgements fast.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

from cachetools import TTLCache
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot import payloads

logger = logging.getLogger(__name__)


NO_USER = "Sorry, I couldn't tell who asked. Please try again from Slack."


def register(app: App, *, first: Callable[[str], bool] | None = None) -> None:
    """Install the middleware on `app`; `first(event_id)` says whether an event is new to
    every process (see `bot.listeners.deliveries`)."""
    app.use(RequireUser())
    app.use(EventDeduplicator(first=first))


class RequireUser(Middleware):
    """A request must be of Slack's shape (`bot.payloads`: the HTTP guard checks it too,
    this is the check for Socket Mode), and a command must say who sent it (Slack's always
    do): every listener acts for that person. A command that does not gets a short answer;
    anything else malformed gets 400. Nothing runs for either."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if "command" in body:
            user = body.get("user_id")
            if isinstance(user, str) and user:
                return next()
            logger.warning("Refused a command that names no user")
            reply = {"response_type": "ephemeral", "text": NO_USER}
            return BoltResponse(status=200, body=json.dumps(reply),
                                headers={"content-type": "application/json"})  # fmt: skip
        problem = payloads.problem(body)
        if problem is None:
            return next()
        logger.warning("Refused %s", problem)
        return BoltResponse(status=400, body="")


class EventDeduplicator(Middleware):
    """Slack redelivers an event when an acknowledgement is slow, and Socket Mode reconnects can
    repeat envelopes: each `event_id` is handled once. This process remembers the last hour's
    (a repeat to the same process costs no store call); `first` asks the store, so that a
    copy delivered to another process is known too."""

    def __init__(
        self,
        ttl_seconds: float = 3600,
        size: int = 100_000,
        first: Callable[[str], bool] | None = None,
    ) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize=size, ttl=ttl_seconds)
        self._lock = threading.Lock()
        self._first = first

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with self._lock:
                repeated = event_id in self._seen
                self._seen[event_id] = True
            if not repeated and self._first is not None:
                repeated = not self._first(event_id)
            if repeated:
                logger.info("Ignoring a repeated delivery of event %s", event_id)
                return BoltResponse(status=200, body="")
        return next()

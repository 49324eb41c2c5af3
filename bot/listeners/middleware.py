"""Global middleware: drop repeated deliveries of one event.

A `Middleware` subclass rather than a plain function: Bolt then calls it directly instead of
building keyword arguments for each request, which keeps acknowledgements fast.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from cachetools import TTLCache
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    """Install the middleware on `app`."""
    app.use(EventDeduplicator())


class EventDeduplicator(Middleware):
    """Slack redelivers an event when an acknowledgement is slow, and Socket Mode reconnects can
    repeat envelopes: each `event_id` is handled once (remembered for an hour)."""

    def __init__(self, ttl_seconds: float = 3600, size: int = 100_000) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize=size, ttl=ttl_seconds)
        self._lock = threading.Lock()

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with self._lock:
                repeated = event_id in self._seen
                self._seen[event_id] = True
            if repeated:
                logger.info("Ignoring a repeated delivery of event %s", event_id)
                return BoltResponse(status=200, body="")
        return next()

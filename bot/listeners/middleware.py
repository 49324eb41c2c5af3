"""Global middleware: hand listeners their services; drop repeated deliveries of one event.

Both are `Middleware` subclasses rather than plain functions: Bolt then calls them directly
instead of building keyword arguments for each request, which keeps acknowledgements fast.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from cachetools import TTLCache
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.services import Services

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Install the middleware on `app`."""
    app.use(ProvideServices(services))
    app.use(EventDeduplicator())


class ProvideServices(Middleware):
    """Puts the `Services` into every request's context, where listeners find them."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["services"] = self._services
        return next()


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

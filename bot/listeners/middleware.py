"""Global middleware: hand listeners their services; drop repeated deliveries of one event."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from cachetools import TTLCache
from slack_bolt import App, BoltContext, BoltResponse

from bot.services import Services

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Install the middleware on `app`."""

    def provide_services(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["services"] = services
        return next()

    app.use(provide_services)
    app.use(EventDeduplicator())


class EventDeduplicator:
    """Slack redelivers an event when an acknowledgement is slow, and Socket Mode reconnects can
    repeat envelopes: each `event_id` is handled once (remembered for an hour)."""

    def __init__(self, ttl_seconds: float = 3600, size: int = 100_000) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize=size, ttl=ttl_seconds)
        self._lock = threading.Lock()

    def __call__(
        self, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with self._lock:
                repeated = event_id in self._seen
                self._seen[event_id] = True
            if repeated:
                logger.info("Ignoring a repeated delivery of event %s", event_id)
                return BoltResponse(status=200, body="")
        return next()

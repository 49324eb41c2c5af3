"""Which Slack events were handled: one document per `event_id` in the `deliveries` table, so
that an event delivered twice (a retry, or two processes each given a copy) is handled once,
whichever process gets it. Kept for two days, then pruned: Slack's retries come within
minutes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.store.engine import Engine, StoreError, Tx

logger = logging.getLogger(__name__)

TABLE = "deliveries"
KEEP_DAYS = 2
PRUNE_DAYS = 30  # how far back pruning looks, for a bot that was stopped for a while


def first_delivery(tx: Tx, event_id: str, today: date) -> bool:
    """Record the event as handled; False if it already was."""
    return tx.add(TABLE, event_id, {"day": today.isoformat()})


def prune(tx: Tx, today: date) -> int:
    """Forget the events of days older than `KEEP_DAYS`; returns how many."""
    gone = 0
    for back in range(KEEP_DAYS + 1, PRUNE_DAYS + 1):
        day = (today - timedelta(days=back)).isoformat()
        for key, _ in tx.find(TABLE, day=day):
            gone += tx.delete(TABLE, key)
    return gone


class Deliveries:
    """Asks the store whether an event is new. When the store cannot answer (a full disk, a
    database away), the event is treated as new: the process's own memory of recent events
    still stops repeats, and answering matters more than a rare double answer."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock
        self._pruned: date | None = None
        self._lock = threading.Lock()

    def first(self, event_id: str) -> bool:
        today = self._clock().date()
        try:
            new = self._engine.transaction(lambda tx: first_delivery(tx, event_id, today))
        except StoreError as error:
            logger.warning("Could not record event %s as handled: %s", event_id, error)
            return True
        self._prune(today)
        return new

    def _prune(self, today: date) -> None:
        with self._lock:
            if self._pruned == today:
                return
            self._pruned = today
        try:
            self._engine.transaction(lambda tx: prune(tx, today))
        except StoreError:
            logger.exception("Could not prune the record of handled events")

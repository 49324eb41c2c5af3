"""Everything the bot remembers, behind the `Store` interface (see `bot.store.legacy.model`)."""

from __future__ import annotations

from pathlib import Path

from bot.store.legacy.durable import TinyDBStore
from bot.store.legacy.memory import MemoryStore
from bot.store.legacy.model import (
    BROADCAST_KIND,
    NO_SEAT,
    SETTLED,
    Broadcast,
    BroadcastStatus,
    Card,
    Counts,
    Entry,
    EntryStatus,
    Feedback,
    Forgotten,
    Notice,
    Registered,
    Seat,
    Store,
    StoreError,
    Unregistered,
)

__all__ = [
    "BROADCAST_KIND",
    "NO_SEAT",
    "SETTLED",
    "Broadcast",
    "BroadcastStatus",
    "Card",
    "Counts",
    "Entry",
    "EntryStatus",
    "Feedback",
    "Forgotten",
    "Notice",
    "MemoryStore",
    "Registered",
    "Seat",
    "Store",
    "StoreError",
    "TinyDBStore",
    "Unregistered",
    "open_store",
]


def open_store(path: Path) -> Store:
    """The bot's durable store at `path` (`DATABASE_PATH`); StoreError if it cannot be opened."""
    return TinyDBStore(path)

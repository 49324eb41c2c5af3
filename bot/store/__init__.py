"""Everything the bot remembers, behind the `Store` interface (see `bot.store.model`)."""

from __future__ import annotations

from pathlib import Path

from bot.store.model import (
    NO_SEAT,
    Broadcast,
    BroadcastStatus,
    Card,
    Registered,
    Seat,
    Store,
    StoreError,
    Unregistered,
)
from bot.store.durable import TinyDBStore
from bot.store.memory import MemoryStore

__all__ = [
    "NO_SEAT",
    "Broadcast",
    "BroadcastStatus",
    "Card",
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

"""The records an earlier version's files hold: the same records the features keep now
(read by `bot.upgrade` only)."""

from __future__ import annotations

from bot.broadcasts.records import BROADCAST_KIND, Broadcast, BroadcastStatus
from bot.feedback.records import Feedback
from bot.outbox.records import SETTLED, Counts, Entry, EntryStatus, Notice, entry_key
from bot.privacy.records import Forgotten
from bot.registrations.records import (
    NO_SEAT,
    Card,
    Registered,
    Seat,
    SeatState,
    Unregistered,
)
from bot.store.engine import StoreError

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
    "Registered",
    "Seat",
    "SeatState",
    "StoreError",
    "Unregistered",
    "entry_key",
]

"""`Store`: every feature's records over one engine, one call per operation.

Each feature owns its records, the rules for changing them, and a class that runs each of
its operations as its own transaction (`PlacesRecords` in `bot.registrations.records`,
`OutboxRecords`, `PaceRecords`, `BroadcastRecords`, `FeedbackRecords`, `ReminderRecords`,
`CalendarRecords`, `SignInRecords`, `PrivacyRecords`); each feature's code takes its own
class, and so imports nothing from here. The engine (`bot.store`) knows none of them.
`Store` is all of them over one engine, as the app and the tools open it. Every method
takes keyword arguments only, and every change returns once it is durable.
"""

from __future__ import annotations

from pathlib import Path

from bot.broadcasts.records import BROADCAST_KIND, Broadcast, BroadcastRecords, BroadcastStatus
from bot.feedback import records as feedback_records
from bot.feedback.records import Feedback
from bot.outbox import records as outbox
from bot.outbox.pace import SendingRecords
from bot.outbox.records import SETTLED, Counts, Entry, EntryStatus, Notice
from bot.privacy.records import Forgotten, PrivacyRecords
from bot.registrations import records as places
from bot.registrations.records import NO_SEAT, Card, Registered, Seat, Unregistered
from bot.store.engine import Engine, StoreError, Tx
from bot.store.memory import MemoryEngine
from bot.store.snapshot import OldFormat
from bot.store.tinydb import TinyDBEngine
from bot.upgrade import upgrade_if_old

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
    "MemoryStore",
    "Notice",
    "Registered",
    "Seat",
    "Store",
    "StoreError",
    "TinyDBStore",
    "Unregistered",
]


class Store(PrivacyRecords, BroadcastRecords, SendingRecords):
    """Registrations, waitlists, session cards, broadcasts, the outbox and its pace, and
    each person's choices, calendar link and feedback, kept by `engine`: every feature's
    records (each feature's class gives its operations; see the module's docstring)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- the engine -----------------------------------------------------------------------

    def warm(self) -> None:
        """Ask once what requests ask, before serving: an engine in memory builds each index
        on its first use, which at half a million registrations takes a second that the
        first person to ask would otherwise wait."""

        def ask(tx: Tx) -> None:
            tx.count(places.PLACES, session="", state="registered")
            tx.count(places.PLACES, state="registered")  # the dashboard's places over time
            tx.count(places.PLACES, user="")
            tx.count(places.CARDS, session="")
            tx.count(outbox.TABLE, status="pending")
            tx.count(outbox.TABLE, kind="", subject="", status="pending")
            tx.count(outbox.TABLE, recipient="", status="pending")
            tx.count(outbox.TABLE, recipient="")
            tx.count(feedback_records.TABLE, user="")
            tx.count(feedback_records.TABLE, session="")

        self.engine.read(ask)

    def problem(self) -> str | None:
        """Why the store cannot take changes now (for a health check), or None."""
        return self.engine.problem()

    def close(self) -> None:
        """Finish pending writes and release files and connections."""
        self.engine.close()


class MemoryStore(Store):
    """A store in memory only, for the offline console and tests."""

    def __init__(self) -> None:
        super().__init__(MemoryEngine())


class TinyDBStore(Store):
    """A store in TinyDB files at `path` (see `bot.store.tinydb`); a database an earlier
    version wrote is converted first (`bot.upgrade`)."""

    def __init__(self, path: Path, *, compact_after: int | None = None) -> None:
        path = Path(path)
        options = {} if compact_after is None else {"compact_after": compact_after}
        upgrade_if_old(path)
        try:
            engine = TinyDBEngine(path, **options)
        except OldFormat:
            upgrade_if_old(path, old_snapshot=True)
            engine = TinyDBEngine(path, **options)
        super().__init__(engine)


STATEMENT_TIMEOUT = 5.0
"""Seconds a call to PostgreSQL may take in the running bot (a lock included): past Slack's
3 s acknowledgement already, so a stuck database frees the request's thread instead of
holding it. Backups and copies open the engine without it."""


def open_store(path: Path, url: str | None = None) -> Store:
    """The bot's store: PostgreSQL at `url` (`DATABASE_URL`) when given, else the TinyDB
    files at `path` (`DATABASE_PATH`). StoreError if it cannot be opened."""
    if url:
        from bot.store.postgres import PostgresEngine  # psycopg is loaded only when used

        return Store(PostgresEngine(url, statement_timeout=STATEMENT_TIMEOUT))
    return TinyDBStore(path)

"""`Store`: every feature's records over one engine, one call per operation.

Each feature owns its records and the rules for changing them (`bot.registrations.records`,
`bot.outbox.records`, `bot.broadcasts.records`, `bot.feedback.records`,
`bot.reminders.records`, `bot.calendar.records`, `bot.privacy.records`); the engine
(`bot.store`) knows none of them. This class runs each of those operations as its own
transaction, for the parts of the bot that do not compose transactions themselves. Every
method takes keyword arguments only, and every change returns once it is durable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.broadcasts import records as broadcasts
from bot.broadcasts.records import BROADCAST_KIND, Broadcast, BroadcastStatus
from bot.calendar import records as calendar
from bot.feedback import records as feedback_records
from bot.feedback.records import Feedback
from bot.outbox import pace
from bot.outbox import records as outbox
from bot.outbox.records import SETTLED, Counts, Entry, EntryStatus, Notice
from bot.privacy import records as privacy
from bot.privacy.records import Forgotten
from bot.registrations import records as places
from bot.registrations.records import NO_SEAT, Card, Registered, Seat, Unregistered
from bot.reminders import records as reminders
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


ENQUEUE_CHUNK = 500
"""Outbox entries added per transaction by `Store.enqueue`: each one short (a few
milliseconds), so requests are not held up behind thousands of inserts."""


def _now(at: datetime | None) -> datetime:
    return datetime.now(UTC) if at is None else at


class Store:
    """Registrations, waitlists, session cards, broadcasts, the outbox, and each person's
    choices, calendar link and feedback, kept by `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- places ---------------------------------------------------------------------------

    def register(
        self, *, user_id: str, session_id: str, capacity: int | None, at: datetime | None = None
    ) -> Registered:
        moment = _now(at)
        return self.engine.transaction(
            lambda tx: places.register(tx, user_id, session_id, capacity, moment)
        )

    def unregister(
        self,
        *,
        user_id: str,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> Unregistered:
        moment = _now(at)
        return self.engine.transaction(
            lambda tx: places.unregister(tx, user_id, session_id, capacity, moment, notice)
        )

    def fill(
        self,
        *,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> list[str]:
        moment = _now(at)
        return self.engine.transaction(
            lambda tx: places.fill(tx, session_id, capacity, moment, notice)
        )

    def seat(self, *, user_id: str, session_id: str) -> Seat:
        return self.engine.read(lambda tx: places.seat(tx, user_id, session_id))

    def seats_of(self, *, user_id: str) -> dict[str, Seat]:
        return self.engine.read(lambda tx: places.seats_of(tx, user_id))

    def registrants(self, *, session_id: str) -> list[str]:
        return self.engine.read(lambda tx: places.registrants(tx, session_id))

    def registered_at(self, *, session_id: str) -> dict[str, datetime]:
        return self.engine.read(lambda tx: places.registered_at(tx, session_id))

    def registered_since(self, *, user_id: str, session_id: str) -> datetime | None:
        return self.engine.read(lambda tx: places.registered_since(tx, user_id, session_id))

    def waitlist(self, *, session_id: str) -> list[str]:
        return self.engine.read(lambda tx: places.waiting_of(tx, session_id))

    def save_card(self, *, card: Card) -> None:
        self.engine.transaction(lambda tx: places.save_card(tx, card))

    def card_at(self, *, channel_id: str, message_ts: str) -> Card | None:
        return self.engine.read(lambda tx: places.card_at(tx, channel_id, message_ts))

    def cards_for(self, *, session_id: str) -> list[Card]:
        return self.engine.read(lambda tx: places.cards_for(tx, session_id))

    def programme_edition(self, *, digest: str, now: datetime) -> datetime:
        """When the programme with this digest came into force, the same in every process."""
        return self.engine.transaction(lambda tx: places.edition(tx, digest, now))

    # --- broadcasts -----------------------------------------------------------------------

    def save_broadcast(self, *, broadcast: Broadcast) -> None:
        broadcasts.to_doc(broadcast)  # refuse a malformed one before the transaction
        self.engine.transaction(lambda tx: broadcasts.save(tx, broadcast))

    def change_broadcast(
        self,
        *,
        broadcast_id: str,
        when: tuple[BroadcastStatus, ...],
        changes: dict[str, Any],
        entries: Sequence[Entry] = (),
    ) -> Broadcast | None:
        at = datetime.now(UTC)
        return self.engine.transaction(
            lambda tx: broadcasts.change(tx, broadcast_id, when, changes, entries, at)
        )

    def broadcast(self, *, broadcast_id: str) -> Broadcast | None:
        return self.engine.read(lambda tx: broadcasts.get(tx, broadcast_id))

    def broadcasts(self, *, limit: int | None = None) -> list[Broadcast]:
        return self.engine.read(lambda tx: broadcasts.newest(tx, limit))

    # --- the outbox -----------------------------------------------------------------------

    def enqueue(self, *, entries: Sequence[Entry]) -> list[Entry]:
        """Add entries (those already there are left out), `ENQUEUE_CHUNK` per transaction:
        a batch of thousands (a session's reminders) neither holds everyone else up nor
        waits whole before the first can be sent. Returns those added."""
        added: list[Entry] = []
        for start in range(0, len(entries), ENQUEUE_CHUNK):
            part = entries[start : start + ENQUEUE_CHUNK]
            added += self.engine.transaction(lambda tx, part=part: outbox.enqueue(tx, part))  # type: ignore[misc]
        return added

    def settle(
        self,
        *,
        key: str,
        status: EntryStatus,
        at: datetime,
        detail: str = "",
        posted: tuple[str, str] | None = None,
    ) -> bool:
        return self.engine.transaction(
            lambda tx: outbox.settle(tx, key, status, at, detail, posted)
        )

    def posted_message(self, *, kind: str, subject: str, recipient: str) -> tuple[str, str] | None:
        """Where the last message of `kind` about `subject` sent to `recipient` is."""
        return self.engine.read(lambda tx: outbox.posted_message(tx, kind, subject, recipient))

    def postpone(self, *, key: str, until: datetime, unsent: bool = False) -> bool:
        """Try a pending entry again at `until`; False if it is no longer pending."""
        return self.engine.transaction(lambda tx: outbox.postpone(tx, key, until, unsent=unsent))

    def attempt(self, *, key: str, at: datetime, until: datetime) -> bool:
        """A sender posts a pending entry now; False if it is no longer pending."""
        return self.engine.transaction(lambda tx: outbox.attempt(tx, key, at, until))

    def entry(self, *, key: str) -> Entry | None:
        return self.engine.read(lambda tx: outbox.entry(tx, key))

    def counts(self, *, kind: str, subject: str) -> Counts:
        return self.engine.read(lambda tx: outbox.counts(tx, kind, subject))

    def problems(self, *, since: datetime) -> list[Entry]:
        return self.engine.read(lambda tx: outbox.problems(tx, since))

    def backlog(self) -> int:
        return self.engine.read(outbox.backlog)

    def pending_to(self, *, recipient: str) -> int:
        return self.engine.read(lambda tx: outbox.pending_to(tx, recipient))

    def claim_entries(self, *, owner: str, now: datetime, lease: float, limit: int) -> list[Entry]:
        """Pending entries due at `now`, soonest deadline first, claimed by `owner`."""
        return outbox.claim(self.engine, owner=owner, now=now, lease=lease, limit=limit)

    def wait_entries(self, *, timeout: float) -> None:
        """Return when an entry may have become pending, or after `timeout` seconds."""
        self.engine.wait(outbox.TABLE, timeout)

    def take_turn(self, *, method: str, now: datetime, interval: float) -> datetime:
        """When this process may next call `method`, on the pace every process shares."""
        return self.engine.transaction(lambda tx: pace.take_turn(tx, method, now, interval))

    def pause_calls(self, *, method: str, until: datetime) -> None:
        """Hold every process's calls to `method` back until `until` (a 429)."""
        self.engine.transaction(lambda tx: pace.pause(tx, method, until))

    def call_succeeded(self, *, method: str, now: datetime) -> None:
        """Count a call that went through, for the rate every process measures."""
        self.engine.transaction(lambda tx: pace.succeeded(tx, method, now))

    def recent_calls(self, *, method: str, now: datetime) -> int:
        """How many calls to `method` went through in the last second, in every process."""
        return self.engine.read(lambda tx: pace.recent(tx, method, now))

    # --- each person's own choices, calendar link and feedback ----------------------------

    def set_reminders(self, *, user_id: str, offsets: tuple[int, ...] | None) -> None:
        self.engine.transaction(lambda tx: reminders.set_choice(tx, user_id, offsets))

    def reminders_of(self, *, user_id: str) -> tuple[int, ...] | None:
        return self.engine.read(lambda tx: reminders.choice_of(tx, user_id))

    def set_calendar_token(self, *, user_id: str, token: str | None) -> None:
        self.engine.transaction(lambda tx: calendar.set_token(tx, user_id, token))

    def calendar_token(self, *, user_id: str) -> str | None:
        return self.engine.read(lambda tx: calendar.token_of(tx, user_id))

    def calendar_owner(self, *, token: str) -> str | None:
        return self.engine.read(lambda tx: calendar.owner_of(tx, token))

    def save_feedback(self, *, feedback: Feedback) -> None:
        feedback_records.to_doc(feedback)  # refuse a malformed one before the transaction
        self.engine.transaction(lambda tx: feedback_records.save(tx, feedback))

    def feedback_of(self, *, user_id: str) -> dict[str, Feedback]:
        return self.engine.read(lambda tx: feedback_records.of_user(tx, user_id))

    def feedback_for(self, *, session_id: str) -> list[Feedback]:
        return self.engine.read(lambda tx: feedback_records.for_session(tx, session_id))

    def revise(self, *, fingerprints: Mapping[str, str]) -> dict[str, int]:
        # A feed read again and again writes nothing: look first, write only what changed.
        known = self.engine.read(lambda tx: calendar.unchanged(tx, fingerprints))
        if known is not None:
            return known
        return self.engine.transaction(lambda tx: calendar.revise(tx, fingerprints))

    def fingerprints(self, *, session_ids: Sequence[str]) -> dict[str, str]:
        return self.engine.read(lambda tx: calendar.fingerprints(tx, session_ids))

    def forget(
        self,
        *,
        user_id: str,
        capacities: Mapping[str, int | None],
        notices: Mapping[str, Notice],
        at: datetime,
    ) -> Forgotten:
        return self.engine.transaction(
            lambda tx: privacy.forget(tx, user_id, capacities, notices, at)
        )

    # --- the engine -----------------------------------------------------------------------

    def warm(self) -> None:
        """Ask once what requests ask, before serving: an engine in memory builds each index
        on its first use, which at half a million registrations takes a second that the
        first person to ask would otherwise wait."""

        def ask(tx: Tx) -> None:
            tx.count(places.PLACES, session="", state="registered")
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


def open_store(path: Path, url: str | None = None) -> Store:
    """The bot's store: PostgreSQL at `url` (`DATABASE_URL`) when given, else the TinyDB
    files at `path` (`DATABASE_PATH`). StoreError if it cannot be opened."""
    if url:
        from bot.store.postgres import PostgresEngine  # psycopg is loaded only when used

        return Store(PostgresEngine(url))
    return TinyDBStore(path)

"""The store in memory: the `Store` methods mapped onto one `State` behind a lock, operations
for changes and locked reads for lookups (`StateBackedStore`), and `MemoryStore`, which
keeps it in memory only, for the offline console and tests.

Backends differ only in how an operation is applied (`_apply`) and what makes the store
unusable (`_check_usable`): `TinyDBStore` (`bot.store.legacy.durable`) journals each one.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.store.legacy.model import (
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
    Unregistered,
)
from bot.store.legacy.ops import (
    Op,
    broadcast_change_op,
    broadcast_op,
    calendar_op,
    cancel_entries_op,
    card_op,
    enqueue_op,
    feedback_op,
    fill_op,
    forget_op,
    register_op,
    reminders_op,
    revise_op,
    settle_op,
    unregister_op,
)
from bot.store.legacy.state import Outcome, State


class StateBackedStore(Store):
    """A store whose data is a `State` guarded by `self._lock`."""

    def __init__(self, state: State | None = None) -> None:
        self._lock = threading.Lock()
        self._state = state if state is not None else State()
        # Outbox entries up to this position are durable, and may be sent.
        self._visible = self._state.entry_count()
        self._added = threading.Condition(self._lock)

    def _publish(self, upto: int) -> None:
        """Entries up to position `upto` are durable now; wake `wait_entries`. Under the lock."""
        if upto > self._visible:
            self._visible = upto
            self._added.notify_all()

    @abstractmethod
    def _apply(self, op: Op) -> Outcome:
        """Apply `op` to the state and return once it is durable."""

    def _check_usable(self) -> None:
        """Raise StoreError if the store can no longer be used; called under the lock."""

    def register(
        self, *, user_id: str, session_id: str, capacity: int | None, at: datetime | None = None
    ) -> Registered:
        op = register_op(user=user_id, session=session_id, capacity=capacity, at=_iso(at))
        outcome = self._apply(op)
        assert isinstance(outcome, Registered)
        return outcome

    def unregister(
        self,
        *,
        user_id: str,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> Unregistered:
        op = unregister_op(
            user=user_id, session=session_id, capacity=capacity, notice=notice, at=_iso(at)
        )
        outcome = self._apply(op)
        assert isinstance(outcome, Unregistered)
        return outcome

    def fill(
        self,
        *,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> list[str]:
        op = fill_op(session=session_id, capacity=capacity, notice=notice, at=_iso(at))
        outcome = self._apply(op)
        assert isinstance(outcome, list)
        return outcome  # type: ignore[return-value]

    def save_card(self, *, card: Card) -> None:
        self._apply(card_op(session=card.session_id, channel=card.channel_id, ts=card.message_ts))

    def save_broadcast(self, *, broadcast: Broadcast) -> None:
        self._apply(broadcast_op(broadcast))

    def change_broadcast(
        self,
        *,
        broadcast_id: str,
        when: tuple[BroadcastStatus, ...],
        changes: dict[str, Any],
        entries: Sequence[Entry] = (),
    ) -> Broadcast | None:
        op = broadcast_change_op(
            broadcast_id=broadcast_id,
            when=when,
            changes=changes,
            entries=list(entries),
            at=datetime.now(UTC),
        )
        outcome = self._apply(op)
        return outcome if isinstance(outcome, Broadcast) else None

    def enqueue(self, *, entries: Sequence[Entry]) -> list[Entry]:
        if not entries:
            return []
        outcome = self._apply(enqueue_op(list(entries)))
        return outcome if isinstance(outcome, list) else []  # type: ignore[return-value]

    def settle(self, *, key: str, status: EntryStatus, at: datetime, detail: str = "") -> bool:
        return self._apply(settle_op(key=key, status=status, at=at, detail=detail)) is True

    def cancel_entries(self, *, kind: str, subject: str, at: datetime) -> int:
        outcome = self._apply(cancel_entries_op(kind=kind, subject=subject, at=at))
        return outcome if isinstance(outcome, int) else 0

    def set_reminders(self, *, user_id: str, offsets: tuple[int, ...] | None) -> None:
        self._apply(reminders_op(user=user_id, offsets=offsets))

    def set_calendar_token(self, *, user_id: str, token: str | None) -> None:
        self._apply(calendar_op(user=user_id, token=token))

    def save_feedback(self, *, feedback: Feedback) -> None:
        self._apply(feedback_op(feedback))

    def revise(self, *, fingerprints: Mapping[str, str]) -> dict[str, int]:
        with self._lock:
            self._check_usable()
            new = any(self._state.fingerprint(s) != f for s, f in fingerprints.items())
        if new:  # journal only what changed: a feed read again and again writes nothing
            self._apply(revise_op(dict(fingerprints)))
        with self._lock:
            self._check_usable()
            return self._state.revisions(list(fingerprints))

    def fingerprints(self, *, session_ids: Sequence[str]) -> dict[str, str]:
        with self._lock:
            self._check_usable()
            known = ((s, self._state.fingerprint(s)) for s in session_ids)
            return {s: fingerprint for s, fingerprint in known if fingerprint is not None}

    def forget(
        self,
        *,
        user_id: str,
        capacities: Mapping[str, int | None],
        notices: Mapping[str, Notice],
        at: datetime,
    ) -> Forgotten:
        op = forget_op(user=user_id, capacities=dict(capacities), notices=dict(notices), at=at)
        outcome = self._apply(op)
        assert isinstance(outcome, Forgotten)
        return outcome

    def pending_to(self, *, recipient: str) -> int:
        with self._lock:
            self._check_usable()
            return self._state.pending_to(recipient)

    def reminders_of(self, *, user_id: str) -> tuple[int, ...] | None:
        with self._lock:
            self._check_usable()
            return self._state.reminders_of(user_id)

    def calendar_token(self, *, user_id: str) -> str | None:
        with self._lock:
            self._check_usable()
            return self._state.calendar_token(user_id)

    def calendar_owner(self, *, token: str) -> str | None:
        with self._lock:
            self._check_usable()
            return self._state.calendar_owner(token)

    def feedback_of(self, *, user_id: str) -> dict[str, Feedback]:
        with self._lock:
            self._check_usable()
            return self._state.feedback_of(user_id)

    def feedback_for(self, *, session_id: str) -> list[Feedback]:
        with self._lock:
            self._check_usable()
            return self._state.feedback_for(session_id)

    def entry(self, *, key: str) -> Entry | None:
        with self._lock:
            self._check_usable()
            return self._state.entry(key)

    def counts(self, *, kind: str, subject: str) -> Counts:
        with self._lock:
            self._check_usable()
            return self._state.counts(kind, subject)

    def problems(self, *, since: datetime) -> list[Entry]:
        with self._lock:
            self._check_usable()
            return self._state.problems(since)

    def backlog(self) -> int:
        with self._lock:
            self._check_usable()
            return self._state.backlog()

    def wait_entries(self, *, after: int, timeout: float) -> tuple[list[Entry], int]:
        with self._lock:
            self._check_usable()
            if self._visible <= after:
                self._added.wait(timeout)
                self._check_usable()
            upto = self._visible
            return self._state.pending_between(after, upto), max(after, upto)

    def seat(self, *, user_id: str, session_id: str) -> Seat:
        with self._lock:
            self._check_usable()
            return self._state.seat(user_id, session_id)

    def seats_of(self, *, user_id: str) -> dict[str, Seat]:
        with self._lock:
            self._check_usable()
            return self._state.seats_of(user_id)

    def registrants(self, *, session_id: str) -> list[str]:
        with self._lock:
            self._check_usable()
            return self._state.registrants(session_id)

    def registered_at(self, *, session_id: str) -> dict[str, datetime]:
        with self._lock:
            self._check_usable()
            times = self._state.registered_at(session_id)
        return {user: datetime.fromisoformat(at) for user, at in times.items()}

    def registered_since(self, *, user_id: str, session_id: str) -> datetime | None:
        with self._lock:
            self._check_usable()
            at = self._state.registered_since(user_id, session_id)
        return None if at is None else datetime.fromisoformat(at)

    def waitlist(self, *, session_id: str) -> list[str]:
        with self._lock:
            self._check_usable()
            return self._state.waitlist(session_id)

    def card_at(self, *, channel_id: str, message_ts: str) -> Card | None:
        with self._lock:
            self._check_usable()
            return self._state.card_at(channel_id, message_ts)

    def cards_for(self, *, session_id: str) -> list[Card]:
        with self._lock:
            self._check_usable()
            return self._state.cards_for(session_id)

    def broadcast(self, *, broadcast_id: str) -> Broadcast | None:
        with self._lock:
            self._check_usable()
            return self._state.broadcast(broadcast_id)

    def broadcasts(self, *, limit: int | None = None) -> list[Broadcast]:
        with self._lock:
            self._check_usable()
            return self._state.broadcasts(limit)


class MemoryStore(StateBackedStore):
    """The shared `State` behind one lock; a change is as durable as it gets on return.
    Nothing touches disk."""

    def _apply(self, op: Op) -> Outcome:
        with self._lock:
            outcome = self._state.apply(op)
            self._publish(self._state.entry_count())
            return outcome

    def close(self) -> None:
        """Nothing to release."""


def _iso(at: datetime | None) -> str | None:
    """A moment as the journal keeps it (UTC, ISO 8601), or None for "now"."""
    return None if at is None else at.astimezone(UTC).isoformat()

"""The `Store` methods mapped onto `State`: operations for changes, locked reads for lookups.

Backends differ only in how an operation is applied (`_apply`) and what makes the store
unusable (`_check_usable`).
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from datetime import datetime

from bot.store.base import Broadcast, Card, Registered, Seat, Store, Unregistered
from bot.store.ops import (
    Op,
    broadcast_op,
    card_op,
    claim_op,
    fill_op,
    register_op,
    unregister_op,
)
from bot.store.state import Outcome, State


class StateBackedStore(Store):
    """A store whose data is a `State` guarded by `self._lock`."""

    def __init__(self, state: State | None = None) -> None:
        self._lock = threading.Lock()
        self._state = state if state is not None else State()

    @abstractmethod
    def _apply(self, op: Op) -> Outcome:
        """Apply `op` to the state and return once it is durable."""

    def _check_usable(self) -> None:
        """Raise StoreError if the store can no longer be used; called under the lock."""

    def register(self, *, user_id: str, session_id: str, capacity: int | None) -> Registered:
        outcome = self._apply(register_op(user=user_id, session=session_id, capacity=capacity))
        assert isinstance(outcome, Registered)
        return outcome

    def unregister(self, *, user_id: str, session_id: str, capacity: int | None) -> Unregistered:
        outcome = self._apply(unregister_op(user=user_id, session=session_id, capacity=capacity))
        assert isinstance(outcome, Unregistered)
        return outcome

    def fill(self, *, session_id: str, capacity: int | None) -> list[str]:
        outcome = self._apply(fill_op(session=session_id, capacity=capacity))
        assert isinstance(outcome, list)
        return outcome

    def save_card(self, *, card: Card) -> None:
        self._apply(card_op(session=card.session_id, channel=card.channel_id, ts=card.message_ts))

    def save_broadcast(self, *, broadcast: Broadcast) -> None:
        self._apply(broadcast_op(broadcast))

    def claim(self, *, key: str) -> bool:
        return self._apply(claim_op(key=key)) is True

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

    def is_claimed(self, *, key: str) -> bool:
        with self._lock:
            self._check_usable()
            return self._state.is_claimed(key)

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

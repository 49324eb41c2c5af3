"""A store in memory only: for the offline console and for tests. Nothing touches disk."""

from __future__ import annotations

from bot.store.backed import StateBackedStore
from bot.store.ops import Op
from bot.store.state import Outcome


class MemoryStore(StateBackedStore):
    """The shared `State` behind one lock; a change is as durable as it gets on return."""

    def _apply(self, op: Op) -> Outcome:
        with self._lock:
            outcome = self._state.apply(op)
            self._publish(self._state.entry_count())
            return outcome

    def close(self) -> None:
        """Nothing to release."""

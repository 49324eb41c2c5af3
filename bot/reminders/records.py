"""Reminders' records: each person's choice of reminders, in the `choices` table under
their user id, when it is not the default."""

from __future__ import annotations

from bot.registrations.records import PlacesRecords
from bot.store.engine import Engine, Tx

TABLE = "choices"


def set_choice(tx: Tx, user: str, offsets: tuple[int, ...] | None) -> None:
    """None: every reminder the organisers plan (the default); `()`: none; otherwise only
    those whose offsets (in seconds) are listed."""
    if not isinstance(user, str) or not user:
        raise ValueError("reminders: user must be a non-empty string")
    if offsets is None:
        tx.delete(TABLE, user)
        return
    if not all(type(o) is int and o > 0 for o in offsets) or len(set(offsets)) != len(offsets):
        raise ValueError("reminders: offsets must be None or distinct positive seconds")
    tx.put(TABLE, user, {"offsets": list(offsets)})


def choice_of(tx: Tx, user: str) -> tuple[int, ...] | None:
    doc = tx.get(TABLE, user)
    return None if doc is None else tuple(doc["offsets"])


class ReminderRecords(PlacesRecords):
    """Each person's reminder choice over `engine`; with places (who is reminded) and the
    outbox (the reminders)."""

    engine: Engine

    def set_reminders(self, *, user_id: str, offsets: tuple[int, ...] | None) -> None:
        self.engine.transaction(lambda tx: set_choice(tx, user_id, offsets))

    def reminders_of(self, *, user_id: str) -> tuple[int, ...] | None:
        return self.engine.read(lambda tx: choice_of(tx, user_id))

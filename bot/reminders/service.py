"""Each person's choice of reminders, kept in the store. Free of Slack.

The outbox asks again at sending time (`Reminders.render`), so a choice made after a batch of
reminders was queued still counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.reminders.choices import Choice, normalise, seconds_of, toggle

if TYPE_CHECKING:
    from bot.reminders.records import ReminderRecords


class ReminderChoices:
    """Reads and changes people's reminder choices against the organisers' `offsets`."""

    def __init__(self, *, store: ReminderRecords, offsets: Sequence[timedelta]) -> None:
        self._store = store
        self.planned = seconds_of(offsets)
        """The organisers' offsets in seconds, longest first."""

    def of(self, *, user_id: str) -> Choice:
        """`user_id`'s choice (None: every reminder), only offsets still planned."""
        choice = self._store.reminders_of(user_id=user_id)
        return None if choice is None else normalise(choice, self.planned)

    def choose(self, *, user_id: str, choice: Choice) -> Choice:
        """Keep `choice` for `user_id` (durable on return), and return it as kept."""
        choice = None if choice is None else normalise(choice, self.planned)
        self._store.set_reminders(user_id=user_id, offsets=choice)
        return choice

    def toggle(self, *, user_id: str, seconds: int) -> Choice:
        """Turn the reminder `seconds` before on or off for `user_id`; returns the choice."""
        if seconds not in self.planned:
            raise ValueError(f"no reminder is planned {seconds} seconds before")
        choice = toggle(self.of(user_id=user_id), seconds, self.planned)
        return self.choose(user_id=user_id, choice=choice)

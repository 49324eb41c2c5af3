"""The console's store: in memory, with registration times read on the console's clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store import MemoryStore


class ConsoleStore(MemoryStore):
    """The store stamps each registration with the real time, but `--now` runs the console's
    clock at another moment: a reminder only goes to those who registered before it was due,
    so the times are shifted onto the console's clock (`shift`: its time minus the real
    time), or every registration made at a past moment would look too late."""

    def __init__(self, shift: timedelta) -> None:
        super().__init__()
        self._shift = shift

    def registered_at(self, *, session_id: str) -> dict[str, datetime]:
        times = super().registered_at(session_id=session_id)
        return {user: at + self._shift for user, at in times.items()}

"""Reminders in the console. The bot's scheduler runs on real time, but the console's clock may
be set in the past (`--now`): so the console plans the reminders on its own clock, and runs
each one as that clock passes its moment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.current import CurrentProgramme
from bot.reminders.jobs import Reminders
from bot.reminders.plan import job_id, plan_reminders


class DueReminders:
    """Runs the reminders that have fallen due on `clock` since the last look (the ones
    already missed when the console started are left, as no one has registered yet)."""

    def __init__(
        self,
        reminders: Reminders,
        current: CurrentProgramme,
        offsets: Sequence[timedelta],
        clock: Callable[[], datetime],
    ) -> None:
        self._reminders = reminders
        self._current = current
        self._offsets = tuple(offsets)
        self._clock = clock
        self._last = clock()
        self._done: set[str] = set()

    def run_due(self) -> int:
        """Run every reminder due by now; how many ran."""
        now = self._clock()
        planned, _ = plan_reminders(self._current.programme, self._offsets, now=self._last)
        due = [
            reminder
            for reminder in planned
            if not reminder.late
            and reminder.run_at <= now
            and job_id(reminder.session_id, reminder.offset) not in self._done
        ]
        for reminder in due:
            self._done.add(job_id(reminder.session_id, reminder.offset))
            self._reminders.run(reminder.session_id, reminder.offset)
        self._last = max(self._last, now)
        return len(due)

"""Reminders at work: the plan put on the scheduler, each batch put in the outbox at its
moment, and each reminder drawn when it is sent (so "starts in 15 minutes" is true then)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.blocks.formatting import Message
from bot.current import CurrentProgramme
from bot.dates import offset_words, says_when, starts_words
from bot.outbox.records import Entry
from bot.programme import Programme
from bot.reminders.choices import wants
from bot.reminders.messages import reminder_message, starting_soon_message
from bot.reminders.plan import JOB_PREFIX, due_time, job_id, plan_reminders
from bot.scheduler import Scheduler

if TYPE_CHECKING:
    from bot.reminders.records import ReminderRecords

logger = logging.getLogger(__name__)

REMINDER = "reminder"
STARTING_SOON = "starting_soon"
"""The outbox kinds: a registrant's reminder DM, and the channel's "starting soon" post."""


def reminder_version(offset: timedelta, due: datetime) -> str:
    """Which reminder of a session this is. The due time is part of it, so a session moved to
    a new time is reminded again."""
    return f"{int(offset.total_seconds())}:{int(due.timestamp())}"


class Reminders:
    """Schedules the reminder plan and turns each batch into outbox entries."""

    def __init__(
        self,
        *,
        store: ReminderRecords,
        current: CurrentProgramme,
        scheduler: Scheduler,
        offsets: Sequence[timedelta],
        channel: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._current = current
        self._scheduler = scheduler
        self._offsets = tuple(offsets)
        self._channel = channel  # for "starting soon"; None: not posted
        self._clock = clock

    def schedule(self) -> None:
        """Make the scheduler's reminder jobs those of the programme in force."""
        programme, now = self._current.programme, self._clock()
        reminders, skipped = plan_reminders(programme, self._offsets, now=now)
        recent = [item for item in skipped if now - item.due < timedelta(days=1)]
        for item in recent:
            logger.info("Reminder for %s, %s before: not sent (%s)",
                        item.session_id, offset_words(item.offset), item.reason)  # fmt: skip
        if len(skipped) > len(recent):
            logger.info("%d reminders of sessions long over were not planned",
                        len(skipped) - len(recent))  # fmt: skip
        for reminder in reminders:
            self._scheduler.at(
                job_id(reminder.session_id, reminder.offset),
                reminder.run_at,
                self.run,
                reminder.session_id,
                reminder.offset,
                reminder.late,
            )
        self._scheduler.keep_only(JOB_PREFIX, (job_id(r.session_id, r.offset) for r in reminders))
        logger.info("%d reminder batches scheduled", len(reminders))

    def programme_changed(self, old: Programme, new: Programme) -> None:
        """After a reload: plan again."""
        self.schedule()

    def run(self, session_id: str, offset: timedelta, late: bool = False) -> None:
        """The job: put a reminder for every registrant of `session_id` in the outbox."""
        programme, now = self._current.programme, self._clock()
        session = programme.by_id.get(session_id)
        if session is None or now >= session.start:
            logger.info("Reminders for %s, %s before: skipped, the session has gone or started",
                        session_id, offset_words(offset))  # fmt: skip
            return
        due = due_time(session.start, offset, programme.tz)
        registered = self._store.registered_at(session_id=session.id)
        # Whoever registered after the moment was told the time when they registered.
        people = [user for user, at in registered.items() if at <= due]
        version = reminder_version(offset, due)
        entries = [
            Entry(REMINDER, session.id, user, version, session.start, now) for user in people
        ]
        if offset == min(self._offsets) and self._channel:
            start = str(int(session.start.timestamp()))
            entries.append(Entry(STARTING_SOON, session.id, self._channel, start, session.start,
                                 now))  # fmt: skip
        added = self._store.enqueue(entries=entries)
        logger.info(
            "Reminders for %s, %s before%s: %d queued, %d already, %d registered later",
            session.id, offset_words(offset), " (late)" if late else "", len(added),
            len(entries) - len(added), len(registered) - len(people),
        )  # fmt: skip

    def render(self, entry: Entry, now: datetime) -> Message | None:
        """A reminder as it should read now; None if it no longer applies (the session moved
        or went, the person left it, or they no longer want this reminder)."""
        programme = self._current.programme
        session = programme.by_id.get(entry.subject)
        if session is None:
            return None
        seconds, _, _ = entry.version.partition(":")
        due = due_time(session.start, timedelta(seconds=int(seconds)), programme.tz)
        if entry.version != reminder_version(timedelta(seconds=int(seconds)), due):
            return None  # the session moved: the reminder for its new time replaces this one
        seat = self._store.seat(user_id=entry.recipient, session_id=session.id)
        if seat.state != "registered":
            return None
        # Asked now, not when the batch was queued: a choice changed since still counts.
        if not wants(self._store.reminders_of(user_id=entry.recipient), int(seconds)):
            return None
        starts = starts_words(session.start, now, programme.tz)
        dated = says_when(session.start, now)
        return reminder_message(session, programme.tz, starts=starts, dated=dated)

    def render_starting_soon(self, entry: Entry, now: datetime) -> Message | None:
        """The channel's "starting soon" post, with today's count of registrants."""
        programme = self._current.programme
        session = programme.by_id.get(entry.subject)
        if session is None or entry.version != str(int(session.start.timestamp())):
            return None
        registered, _ = self._store.place_counts(session_ids=[session.id])[session.id]
        starts = starts_words(session.start, now, programme.tz)
        return starting_soon_message(session, programme.tz, starts=starts, registered=registered)

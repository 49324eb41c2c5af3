"""The reminder plan: for every session and offset, when its reminder should go out.

A pure function of the programme, the offsets and `now`, so it is rebuilt from scratch at every
start and every programme reload; nothing about the plan is stored.

Rules:
- `due` is the session start minus the offset. Whole days count by the calendar in the event's
  timezone, at the same wall-clock time ("1 day before" Sunday 12:00 BST is Saturday 12:00 GMT,
  23 hours earlier, across the clocks going forward); the rest of the offset is an exact
  duration. A `timedelta` cannot tell `26h` from `1d2h`, so both mean one calendar day and then
  two exact hours. When the wall-clock time on the earlier day does not exist (the clocks jumped
  over it) or happens twice (the clocks went back over it), the earlier of the two readings is
  used: a reminder a little early is better than one a little late.
- `due` still ahead: planned for `due`. `due` passed but the session not started (the bot was
  down at the moment): planned for `now`, marked late. Session started: skipped.
- When several of one session's reminders are late at once, only the shortest offset's is sent;
  the others are skipped, so nobody gets "tomorrow" and "in 15 minutes" at the same moment.

Every datetime this module returns is in UTC; convert to event time only to show it. Python
compares and subtracts two datetimes with the same tzinfo by wall clock, and a London time in
the hour repeated in October compares unequal to every other zone (PEP 495), so local times
would be wrong around the clock changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import offset_words
from bot.programme import Programme

JOB_PREFIX = "reminder:"


@dataclass(frozen=True)
class Reminder:
    """One reminder to send to every registrant of a session."""

    session_id: str
    offset: timedelta  # as configured
    due: datetime  # UTC; when it should go out
    run_at: datetime  # UTC; `due`, or `now` for a missed moment (catch-up)
    late: bool  # `due` has passed but the session has not started yet


@dataclass(frozen=True)
class Skipped:
    """A reminder that will not be sent, and why (for the log)."""

    session_id: str
    offset: timedelta
    due: datetime
    reason: str


def job_id(session_id: str, offset: timedelta) -> str:
    """A stable id for one session's reminder, such as `reminder:opening-keynote:900`."""
    return f"{JOB_PREFIX}{session_id}:{offset // timedelta(seconds=1)}"


def due_time(start: datetime, offset: timedelta, tz: ZoneInfo) -> datetime:
    """`start` minus `offset`, in UTC: whole days by the calendar in `tz` at the same wall-clock
    time, the rest exact (see above)."""
    days = timedelta(days=offset.days)
    rest = offset - days
    moment = start.astimezone(UTC)
    if days:
        wall = start.astimezone(tz).replace(tzinfo=None) - days
        # For a normal time both folds give the same moment; in a gap or an overlap they
        # differ by the clock change, and the earlier one wins.
        readings = (wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1))
        moment = min(reading.astimezone(UTC) for reading in readings)
    return moment - rest


def plan_reminders(
    programme: Programme, offsets: Sequence[timedelta], *, now: datetime
) -> tuple[list[Reminder], list[Skipped]]:
    """The reminders to schedule (by run time, session id, longest offset first) and the ones
    skipped (by due time, session id, longest offset first)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if any(offset <= timedelta(0) for offset in offsets):
        raise ValueError("reminder offsets must be more than zero")
    tz = programme.tz
    now = now.astimezone(UTC)
    planned: list[Reminder] = []
    skipped: list[Skipped] = []
    for session in programme.sessions:
        late: list[tuple[timedelta, datetime]] = []
        start = session.start.astimezone(UTC)
        for offset in sorted(set(offsets), reverse=True):
            due = due_time(start, offset, tz)
            if start <= now:
                skipped.append(Skipped(session.id, offset, due, "the session had started"))
            elif due >= now:
                planned.append(Reminder(session.id, offset, due, run_at=due, late=False))
            else:
                late.append((offset, due))
        if late:
            *superseded, (shortest, shortest_due) = late  # longest first: the last is shortest
            planned.append(Reminder(session.id, shortest, shortest_due, run_at=now, late=True))
            reason = f"missed, and the {offset_words(shortest)} reminder is sent instead"
            skipped.extend(Skipped(session.id, o, d, reason) for o, d in superseded)
    planned.sort(key=lambda r: (r.run_at, r.session_id, -r.offset))
    skipped.sort(key=lambda s: (s.due, s.session_id, -s.offset))
    return planned, skipped

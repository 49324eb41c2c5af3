"""The feedback plan: when each session's registrants are asked how useful it was.

A pure function of the programme, the delay and `now`, rebuilt at every start and every
programme reload; nothing about the plan is stored (the outbox's one-time keys make a batch
run twice, or again after a restart, send nothing more).

Rules:
- `due` is the session's end plus the delay (an exact duration).
- `due` still ahead: planned for `due`. `due` passed but the question is still worth asking
  (before `due + WINDOW`, the DM's deadline): planned for `now`, marked late, so a moment
  missed while the bot was down is caught up. Later than that: not planned.
- No delay (FEEDBACK_DELAY=off): nothing is planned.

Every datetime returned is in UTC (see `bot.reminders.plan` on why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.programme import Programme

JOB_PREFIX = "feedback:"
WINDOW = timedelta(days=2)
"""How long after it is due the question is still worth sending (the outbox deadline)."""


@dataclass(frozen=True)
class Batch:
    """Asking every registrant of one session for feedback."""

    session_id: str
    due: datetime  # UTC; the session's end plus the delay
    run_at: datetime  # UTC; `due`, or `now` for a missed moment (catch-up)
    late: bool  # `due` has passed, but not `deadline`

    @property
    def deadline(self) -> datetime:
        """After this the question is no longer sent."""
        return self.due + WINDOW


def job_id(session_id: str) -> str:
    """A stable id for one session's feedback batch, such as `feedback:opening-keynote`."""
    return f"{JOB_PREFIX}{session_id}"


def due_time(end: datetime, delay: timedelta) -> datetime:
    """When a session ending at `end` is asked about, in UTC."""
    return end.astimezone(UTC) + delay


def plan_feedback(programme: Programme, delay: timedelta | None, *, now: datetime) -> list[Batch]:
    """The feedback batches to schedule, by run time then session id (none when `delay` is
    None). Sessions whose question would come too late are left out."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    if delay is None:
        return []
    if delay < timedelta(0):
        raise ValueError("the feedback delay cannot be negative")
    now = now.astimezone(UTC)
    planned = []
    for session in programme.sessions:
        due = due_time(session.end, delay)
        if due >= now:
            planned.append(Batch(session.id, due, run_at=due, late=False))
        elif now < due + WINDOW:
            planned.append(Batch(session.id, due, run_at=now, late=True))
    planned.sort(key=lambda b: (b.run_at, b.session_id))
    return planned

"""Feedback requests at work: the plan put on the scheduler, each session's batch put in the
outbox when it is due, and each request drawn when it is sent (so it goes only to people
still registered, for a session still in the programme, showing any answer already given)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.blocks.formatting import Message
from bot.current import CurrentProgramme
from bot.feedback.messages import feedback_message
from bot.feedback.plan import JOB_PREFIX, WINDOW, due_time, job_id, plan_feedback
from bot.feedback.records import FEEDBACK
from bot.outbox.records import Entry
from bot.programme import Programme
from bot.scheduler import Scheduler

if TYPE_CHECKING:
    from bot.feedback.records import FeedbackRecords

logger = logging.getLogger(__name__)


def feedback_version(end: datetime) -> str:
    """Which request about a session this is: its end, so each person is asked once per
    session (and again only if the session is moved to end at another time)."""
    return str(int(end.timestamp()))


class FeedbackJobs:
    """Schedules the feedback plan and turns each batch into outbox entries."""

    def __init__(
        self,
        *,
        store: FeedbackRecords,
        current: CurrentProgramme,
        scheduler: Scheduler,
        delay: timedelta | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._current = current
        self._scheduler = scheduler
        self._delay = delay  # None: FEEDBACK_DELAY=off, nobody is asked
        self._clock = clock

    def schedule(self) -> None:
        """Make the scheduler's feedback jobs those of the programme in force."""
        batches = plan_feedback(self._current.programme, self._delay, now=self._clock())
        for batch in batches:
            self._scheduler.at(job_id(batch.session_id), batch.run_at, self.run,
                               batch.session_id, batch.late)  # fmt: skip
        self._scheduler.keep_only(JOB_PREFIX, (job_id(b.session_id) for b in batches))
        if self._delay is None:
            logger.info("Feedback requests are off (FEEDBACK_DELAY=off)")
        else:
            late = sum(1 for b in batches if b.late)
            logger.info("%d feedback batches scheduled (%d late)", len(batches), late)

    def programme_changed(self, old: Programme, new: Programme) -> None:
        """After a reload: plan again."""
        self.schedule()

    def run(self, session_id: str, late: bool = False) -> None:
        """The job: put a feedback request for each person registered at the session's
        start in the outbox (once: a second run finds them there)."""
        if self._delay is None:
            return
        session, now = self._current.programme.by_id.get(session_id), self._clock()
        if session is None or now < session.end:
            logger.info("Feedback for %s: skipped, the session has gone or not ended",
                        session_id)  # fmt: skip
            return
        deadline = due_time(session.end, self._delay) + WINDOW
        if now >= deadline:
            logger.info("Feedback for %s: skipped, too long after the session", session_id)
            return
        registered = self._store.registered_at(session_id=session.id)
        # Whoever registered once it had started did not attend it all.
        people = [user for user, at in registered.items() if at <= session.start]
        version = feedback_version(session.end)
        entries = [Entry(FEEDBACK, session.id, user, version, deadline, now) for user in people]
        added = self._store.enqueue(entries=entries)
        logger.info(
            "Feedback for %s%s: %d queued, %d already, %d registered after the start",
            session.id, " (late)" if late else "", len(added), len(entries) - len(added),
            len(registered) - len(people),
        )  # fmt: skip

    def render(self, entry: Entry, now: datetime) -> Message | None:
        """The request as it should read now; None if it no longer applies (the session went
        or moved, or the person left it)."""
        session = self._current.programme.by_id.get(entry.subject)
        if session is None or entry.version != feedback_version(session.end):
            return None
        at = self._store.registered_since(user_id=entry.recipient, session_id=session.id)
        if at is None or at > session.start:
            return None
        answer = self._store.feedback_of(user_id=entry.recipient).get(session.id)
        return feedback_message(session, feedback=answer)

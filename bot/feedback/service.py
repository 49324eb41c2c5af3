"""Feedback at work, for the listeners: recording a rating, "didn't attend" and a reflection
(only from people registered for the session at its start), each person's CPD record, and the
organisers' summaries."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.current import CurrentProgramme
from bot.feedback.cpd import TEXT_LIMIT, CpdRow, cpd_hours, cpd_rows
from bot.feedback.records import FEEDBACK, Feedback
from bot.feedback.summary import SessionSummary, shared_reflections_csv, summarise
from bot.programme import Session

if TYPE_CHECKING:
    from bot.feedback.records import FeedbackRecords


class FeedbackService:
    """Records people's feedback and reads it back: their CPD record, the organisers' view."""

    def __init__(
        self, *, store: FeedbackRecords, current: CurrentProgramme, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._current = current
        self._clock = clock
        self._lock = threading.Lock()

    def session(self, session_id: str) -> Session | None:
        """The session in the programme in force, if it is still there."""
        return self._current.programme.by_id.get(session_id)

    def was_registered(self, *, user_id: str, session: Session) -> bool:
        """Whether `user_id` had a place in `session` when it started (and still has it)."""
        at = self._store.registered_since(user_id=user_id, session_id=session.id)
        return at is not None and at <= session.start

    def request_message(self, *, user_id: str, session_id: str) -> tuple[str, str] | None:
        """Where the DM asking `user_id` about the session is (its channel and ts), as the
        bot recorded it when Slack took it: the one message a reflection may redraw."""
        return self._store.posted_message(kind=FEEDBACK, subject=session_id, recipient=user_id)

    def of(self, *, user_id: str, session_id: str) -> Feedback | None:
        """`user_id`'s feedback on one session, if any."""
        return self._store.feedback_of(user_id=user_id).get(session_id)

    def rate(self, *, user_id: str, session_id: str, rating: int) -> Feedback:
        """Record a rating from 1 to 5 (which also says they attended), keeping the reflection."""
        if not 1 <= rating <= 5:
            raise ValueError(f"a rating is from 1 to 5, not {rating}")
        return self._save(user_id, session_id, rating=rating, attended=True)

    def absent(self, *, user_id: str, session_id: str) -> Feedback:
        """Record "didn't attend": no rating, and the session leaves their CPD record."""
        return self._save(user_id, session_id, rating=None, attended=False)

    def reflect(
        self, *, user_id: str, session_id: str, learnt: str, change: str, share: bool
    ) -> Feedback:
        """Record a reflection, keeping the rating. Writing one says they attended."""
        learnt, change = learnt.strip()[:TEXT_LIMIT], change.strip()[:TEXT_LIMIT]
        return self._save(user_id, session_id, learnt=learnt, change=change,
                          share=share and bool(learnt), attended=True)  # fmt: skip

    def _save(self, user_id: str, session_id: str, **changes: Any) -> Feedback:
        # One change at a time: two quick presses must not each keep half of the other.
        with self._lock:
            before = self.of(user_id=user_id, session_id=session_id)
            base = before or Feedback(user_id=user_id, session_id=session_id, at=self._clock())
            after = dataclasses.replace(base, at=self._clock(), **changes)
            self._store.save_feedback(feedback=after)
            return after

    def record(self, *, user_id: str) -> list[CpdRow]:
        """`user_id`'s CPD record: the sessions they attended, with their reflections."""
        registered = {
            session_id
            for session_id, seat in self._store.seats_of(user_id=user_id).items()
            if seat.state == "registered"
        }
        when = {}
        for session_id in registered:
            at = self._store.registered_since(user_id=user_id, session_id=session_id)
            if at is not None:
                when[session_id] = at
        return cpd_rows(
            self._current.programme,
            registered_at=when,
            feedback=self._store.feedback_of(user_id=user_id),
            now=self._clock(),
        )

    def hours(self, *, user_id: str) -> float:
        """`user_id`'s hours of CPD this week so far (for the Home tab)."""
        return cpd_hours(self.record(user_id=user_id))

    def summaries(self) -> list[SessionSummary]:
        """The organisers' summary of each session with answers."""
        return summarise(self._current.programme, self._everyone())

    def shared_csv(self) -> str:
        """The reflections shared with the organisers, anonymous, as CSV."""
        return shared_reflections_csv(self._current.programme, self._everyone())

    def _everyone(self) -> dict[str, list[Feedback]]:
        sessions = [session.id for session in self._current.programme.sessions]
        return self._store.feedback_by_session(session_ids=sessions)

    @property
    def event(self) -> str:
        """The event's name, for the CPD files."""
        return self._current.programme.event.name

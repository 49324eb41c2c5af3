"""The one path from a person's words to a reply, shared by commands, messages and mentions,
and from a pressed button back to the view it was pressed in."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.answering import Answer
from bot.answers.messages import PAGE_SIZE, answer_message
from bot.blocks.formatting import Message, from_slack_text
from bot.blocks.values import Origin
from bot.calendar import Calendar
from bot.current import CurrentProgramme
from bot.current.examples import Examples
from bot.feedback.cpd import hours_words
from bot.feedback.service import FeedbackService
from bot.programme import Session
from bot.registrations import Registrations
from bot.registrations.by_words import asked_to_register, change_by_words
from bot.registrations.messages import agenda_message, calendar_line, home_view
from bot.registrations.records import Seat
from bot.reminders.choices import ReminderChoices, describe
from bot.store.engine import StoreError

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_QUESTION = 500
UPCOMING = 3


class _Same(Generic[T]):
    """A value that is the same only as itself: answers and examples are not changed once
    made, and the same question in the same minute gets the very same answer. (Kept in the
    cache's key, the value lives as long as the entry, so its id is not reused meanwhile.)"""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


def _minute(timestamp: float) -> int:
    """The start of the minute `timestamp` (POSIX) falls in: times are shown to the minute,
    so an answer is drawn once a minute for everyone who stands the same, not every second."""
    return int(timestamp // 60 * 60)


@functools.lru_cache(maxsize=512)
def _drawn(
    answer: _Same[Answer],
    tz: ZoneInfo,
    *,
    seats: tuple[tuple[str, Seat], ...],
    counts: tuple[tuple[str, tuple[int, int]], ...],
    page: int,
    asked_at: int,
    now: int,
    notice: str | None,
    more: bool,
    examples: _Same[Examples],
) -> Message:
    """`answer_message`, drawn once for the same answer, standing and minute: many people
    ask the same few questions at once, and see the same places left. (The messages are
    read, never changed, by whoever sends them.)"""
    return answer_message(answer.value, tz, seats=dict(seats), counts=dict(counts), page=page,
                          asked_at=asked_at, now=now, notice=notice, more=more,
                          examples=examples.value)  # fmt: skip


class Replies:
    """Draws answers, agendas and the Home tab for one person, as they stand now."""

    def __init__(
        self,
        *,
        current: CurrentProgramme,
        registrations: Registrations,
        clock: Callable[[], datetime],
        calendar: Calendar | None = None,
        choices: ReminderChoices | None = None,
        feedback: FeedbackService | None = None,
    ) -> None:
        self._current = current
        self._registrations = registrations
        self.clock = clock
        self._calendar = calendar
        self._choices = choices
        self._feedback = feedback

    def to_question(self, slack_text: str, *, user_id: str) -> Message:
        """Answer `slack_text` (as Slack sent it) now, with buttons for `user_id`'s seats. A
        request to register ("sign me up for the keynote") is done as `/register` does it:
        the one session it clearly names is registered, else the choices are offered."""
        now = self.clock()
        question = from_slack_text(slack_text)[:MAX_QUESTION]
        wanted = asked_to_register(question)
        if wanted is not None:
            return change_by_words(
                wanted,
                user_id=user_id,
                register=True,
                replies=self,
                current=self._current,
                registrations=self._registrations,
            )
        answer = self._current.answerer.answer(question, now=now)
        return self.answer(answer, user_id=user_id, asked_at=now.timestamp())

    def redraw(self, origin: Origin, *, user_id: str, notice: str | None = None) -> Message:
        """The answer a button sat under, asked again as at the time it was first asked."""
        answer = self._current.answerer.answer(
            origin.query, now=datetime.fromtimestamp(origin.asked_at, UTC)
        )
        return self.answer(
            answer,
            user_id=user_id,
            asked_at=origin.asked_at,
            page=origin.page,
            notice=notice,
            more=origin.more,
        )

    def answer(
        self,
        answer: Answer,
        *,
        user_id: str,
        asked_at: float,
        page: int = 0,
        notice: str | None = None,
        more: bool = False,
    ) -> Message:
        """`answer` drawn for `user_id`: their seats on the buttons, how full each session
        is, and (`more`) the whole description of the session it is about; "what am I
        registered for?" is answered with their agenda."""
        if answer.kind == "mine":
            return self.agenda(user_id=user_id, notice=notice)
        # How full each session is, for the page shown only: a day of 2,000 sessions must not
        # cost 2,000 counts inside the acknowledgement.
        page = min(max(page, 0), max(0, (len(answer.sessions) - 1) // PAGE_SIZE))
        page_of = answer.sessions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        shown = [slot for s in page_of for slot in answer.slots.get(s.id, (s,)) if slot.capacity]
        seats, counts = self._standing(user_id, answer.sessions, shown)
        ids = [slot.id for s in page_of for slot in answer.slots.get(s.id, (s,))]
        return _drawn(
            _Same(answer),
            self._current.programme.tz,
            seats=tuple((i, seats[i]) for i in ids if i in seats),
            counts=tuple(sorted(counts.items())),
            page=page,
            asked_at=_minute(asked_at),
            now=_minute(self.clock().timestamp()),
            notice=notice,
            more=more,
            examples=_Same(self._current.examples),
        )

    def _standing(
        self, user_id: str, sessions: Sequence[Session], shown: Sequence[Session]
    ) -> tuple[dict[str, Seat], dict[str, tuple[int, int]]]:
        """The person's seats and how full the sessions shown are; when the store cannot be
        read (its database away), none: the answer about the programme still goes out."""
        registrations = self._registrations
        try:
            seats = registrations.seats(user_id=user_id) if sessions else {}
            return seats, registrations.counts_of([s.id for s in shown])
        except StoreError as error:
            logger.warning("Answering without places: the store cannot be read (%s)", error)
            return {}, {}

    def agenda(self, *, user_id: str, notice: str | None = None) -> Message:
        """`/mysessions`: the person's sessions by day (and their calendar link, if served)."""
        agenda = self._registrations.agenda(user_id=user_id)
        link = self._calendar.link(user_id) if self._calendar else None
        return agenda_message(
            agenda,
            self._current.programme.tz,
            examples=self._current.examples,
            notice=notice,
            calendar_link=link,
        )

    def publish_home(self, client: WebClient, *, user_id: str, notice: str | None = None) -> None:
        """Publish `user_id`'s Home tab as they stand now."""
        programme, now = self._current.programme, self.clock()
        upcoming = [s for s in programme.sessions if s.start > now][:UPCOMING]
        view = home_view(
            self._registrations.agenda(user_id=user_id),
            upcoming,
            self._registrations.seats(user_id=user_id),
            programme.tz,
            examples=self._current.examples,
            notice=notice,
            yours=self._your_week(user_id),
        )
        client.views_publish(user_id=user_id, view=view)

    def _your_week(self, user_id: str) -> list[str]:
        """The Home tab's lines on the person's calendar, reminders and CPD hours."""
        lines = []
        if self._calendar is not None:
            link = self._calendar.link(user_id)
            lines.append(
                calendar_line(link)
                if link
                else ":calendar: `/mysessions calendar` sends your sessions to your calendar."
            )
        if self._choices is not None:
            choice = self._choices.of(user_id=user_id)
            lines.append(
                f":bell: {describe(choice, self._choices.planned)} `/reminders` to change."
            )
        if self._feedback is not None:
            hours = self._feedback.hours(user_id=user_id)
            lines.append(
                f":mortar_board: {hours_words(hours)} of CPD so far: `/cpd` shows your record."
            )
        return lines

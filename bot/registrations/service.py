"""Register and unregister people, and read their agenda. Free of Slack and of storage details.

This is the one path for every registration change, whichever way it came (command, button
or reaction): the change is on disk when a call returns, with the news for whoever it moved
off the waitlist already in the outbox, and the session's cards are told to refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from bot.current import CurrentProgramme
from bot.outbox.records import Notice
from bot.programme import Programme, Session
from bot.registrations.records import NO_SEAT, Seat

if TYPE_CHECKING:
    from bot.registrations.records import PlacesRecords

PROMOTION = "promotion"
"""The outbox kind of "a place came free: you're registered"."""

ChangeKind = Literal[
    "ended",
    "registered",
    "waitlisted",
    "already_registered",
    "already_waitlisted",
    "unregistered",
    "left_waitlist",
    "not_registered",
]


@dataclass(frozen=True)
class Change:
    """What a register or unregister did. `promoted` is someone moved off the waitlist into
    the place just freed; they need telling too."""

    kind: ChangeKind
    session: Session
    seat: Seat
    promoted: str | None = None

    @property
    def changed(self) -> bool:
        return self.kind in ("registered", "waitlisted", "unregistered", "left_waitlist")


@dataclass(frozen=True)
class Agenda:
    """One person's sessions, by start time, with the pairs that overlap."""

    entries: tuple[tuple[Session, Seat], ...]
    overlaps: tuple[tuple[Session, Session], ...]


def promotion_notice(session: Session) -> Notice:
    """The outbox entry for someone moved off `session`'s waitlist: worth sending until it
    starts."""
    return Notice(kind=PROMOTION, subject=session.id, deadline=session.start)


class Registrations:
    """Registrations for the programme in force, kept in `store`. `changed(session)` is called
    after each change (to refresh the session's cards)."""

    def __init__(
        self,
        *,
        store: PlacesRecords,
        current: CurrentProgramme,
        clock: Callable[[], datetime],
        changed: Callable[[Session], None] = lambda session: None,
    ) -> None:
        self._store = store
        self._current = current
        self._clock = clock
        self._changed = changed

    @property
    def programme(self) -> Programme:
        """The programme in force."""
        return self._current.programme

    def register(self, *, user_id: str, session: Session) -> Change:
        """Register `user_id`, or put them on the waitlist when the session is full; nothing
        changes for a session that has ended."""
        if self._clock() >= session.end:
            return Change(kind="ended", session=session, seat=NO_SEAT)
        result = self._store.register(
            user_id=user_id, session_id=session.id, capacity=session.capacity, at=self._clock()
        )
        if result.seat.state == "registered":
            kind: ChangeKind = "registered" if result.changed else "already_registered"
        else:
            kind = "waitlisted" if result.changed else "already_waitlisted"
        if result.changed:
            self._changed(session)
        return Change(kind=kind, session=session, seat=result.seat)

    def unregister(self, *, user_id: str, session: Session) -> Change:
        """Take `user_id` off the session or its waitlist; whoever takes the place is told."""
        result = self._store.unregister(
            user_id=user_id,
            session_id=session.id,
            capacity=session.capacity,
            notice=promotion_notice(session),
            at=self._clock(),
        )
        kinds: dict[str, ChangeKind] = {
            "registered": "unregistered",
            "waitlisted": "left_waitlist",
            "none": "not_registered",
        }
        change = Change(
            kind=kinds[result.previous.state],
            session=session,
            seat=NO_SEAT,
            promoted=result.promoted,
        )
        if change.changed:
            self._changed(session)
        return change

    def fill(self, *, session: Session) -> list[str]:
        """After `session` was given more places: move people off its waitlist, first in line
        first, each told through the outbox. Returns those moved."""
        promoted = self._store.fill(
            session_id=session.id,
            capacity=session.capacity,
            notice=promotion_notice(session),
            at=self._clock(),
        )
        if promoted:
            self._changed(session)
        return promoted

    def seat(self, *, user_id: str, session_id: str) -> Seat:
        """Where `user_id` stands for one session."""
        return self._store.seat(user_id=user_id, session_id=session_id)

    def seats(self, *, user_id: str) -> dict[str, Seat]:
        """The person's seat for every session they hold one for."""
        return self._store.seats_of(user_id=user_id)

    def counts(self, *, session_id: str) -> tuple[int, int]:
        """(registered, waiting) for the session."""
        return self._store.place_counts(session_ids=[session_id])[session_id]

    def counts_of(self, session_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """(registered, waiting) for each session, in one read."""
        return self._store.place_counts(session_ids=session_ids)

    def registrants(self, *, session_id: str) -> list[str]:
        """Who is registered, in the order they registered."""
        return self._store.registrants(session_id=session_id)

    def attendance(self, session_ids: Sequence[str]) -> dict[str, tuple[list[str], int]]:
        """Each session's registrants, in order, and how many wait, as one consistent view."""
        return self._store.attendance(session_ids=session_ids)

    def holders(self, *, session_id: str) -> list[str]:
        """Everyone registered or waiting for the session."""
        registered = self._store.registrants(session_id=session_id)
        return registered + self._store.waitlist(session_id=session_id)

    def agenda(self, *, user_id: str) -> Agenda:
        """The person's sessions in time order, and which of them overlap."""
        seats = self._store.seats_of(user_id=user_id)
        entries = tuple(
            (session, seats[session.id])
            for session in self._current.programme.sessions
            if session.id in seats
        )
        registered = [session for session, seat in entries if seat.state == "registered"]
        overlaps = tuple(
            (first, second)
            for index, first in enumerate(registered)
            for second in registered[index + 1 :]
            if second.start < first.end
        )
        return Agenda(entries=entries, overlaps=overlaps)

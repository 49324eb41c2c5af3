"""Register and unregister people, and read their agenda. Free of Slack and of storage details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.programme import Programme, Session
from bot.store import NO_SEAT, Seat, Store

ChangeKind = Literal[
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


class Registrations:
    """Registrations for one programme, kept in `store`."""

    def __init__(self, *, store: Store, programme: Programme) -> None:
        self.store = store
        self.programme = programme

    def register(self, *, user_id: str, session: Session) -> Change:
        """Register `user_id`, or put them on the waitlist when the session is full."""
        result = self.store.register(
            user_id=user_id, session_id=session.id, capacity=session.capacity
        )
        if result.seat.state == "registered":
            kind: ChangeKind = "registered" if result.changed else "already_registered"
        else:
            kind = "waitlisted" if result.changed else "already_waitlisted"
        return Change(kind=kind, session=session, seat=result.seat)

    def unregister(self, *, user_id: str, session: Session) -> Change:
        """Take `user_id` off the session or its waitlist."""
        result = self.store.unregister(
            user_id=user_id, session_id=session.id, capacity=session.capacity
        )
        kinds: dict[str, ChangeKind] = {
            "registered": "unregistered",
            "waitlisted": "left_waitlist",
            "none": "not_registered",
        }
        return Change(
            kind=kinds[result.previous.state],
            session=session,
            seat=NO_SEAT,
            promoted=result.promoted,
        )

    def seats(self, *, user_id: str) -> dict[str, Seat]:
        """The person's seat for every session they hold one for."""
        return self.store.seats_of(user_id=user_id)

    def counts(self, *, session: Session) -> tuple[int, int]:
        """(registered, waiting) for the session."""
        registered = len(self.store.registrants(session_id=session.id))
        return registered, len(self.store.waitlist(session_id=session.id))

    def agenda(self, *, user_id: str) -> Agenda:
        """The person's sessions in time order, and which of them overlap."""
        seats = self.store.seats_of(user_id=user_id)
        entries = tuple(
            (session, seats[session.id])
            for session in self.programme.sessions
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

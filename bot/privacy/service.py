"""What the bot keeps about one person, and forgetting it. Free of Slack.

Forgetting is one durable step in the store (`PrivacyRecords.forget`): the person's places go to the
first on each waitlist (told through the outbox, as when anyone leaves), their waitlist
places, reminder choice, calendar link and feedback are deleted, and messages waiting to be
sent to them are cancelled. The outbox keeps only counts of what was sent, not to whom.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.current import CurrentProgramme
from bot.privacy.records import Forgotten
from bot.programme import Session
from bot.registrations.service import promotion_notice

if TYPE_CHECKING:
    from bot.privacy.records import PrivacyRecords


@dataclass(frozen=True)
class Held:
    """A session someone holds a place (or a waitlist place) for, by id and title."""

    session_id: str
    title: str


@dataclass(frozen=True)
class Kept:
    """Everything the bot keeps about one person: the sessions they are `registered` and
    `waiting` for, their `reminders` choice (None: never chosen), how many sessions they gave
    `feedback` on and how many of those have a reflection, whether they have a `calendar`
    link, how many messages are `pending` to them in the outbox, and how many browsers
    are `signed_in` to the organisers' dashboard as them."""

    registered: tuple[Held, ...] = ()
    waiting: tuple[Held, ...] = ()
    reminders: tuple[int, ...] | None = None
    feedback: int = 0
    reflections: int = 0
    calendar: bool = False
    pending: int = 0
    signed_in: int = 0

    @property
    def nothing(self) -> bool:
        return self == Kept()


@dataclass(frozen=True)
class Erased:
    """What forgetting did: what was `kept` just before, and what the store `forgotten`."""

    kept: Kept
    forgotten: Forgotten


class Privacy:
    """Lists and deletes what the bot keeps about a person. `changed(session)` is called for
    each session whose places changed (to refresh its cards)."""

    def __init__(
        self,
        *,
        store: PrivacyRecords,
        current: CurrentProgramme,
        clock: Callable[[], datetime],
        changed: Callable[[Session], None] = lambda session: None,
    ) -> None:
        self._store = store
        self._current = current
        self._clock = clock
        self._changed = changed

    def kept(self, *, user_id: str) -> Kept:
        """What the bot keeps about `user_id` now."""
        store = self._store
        seats = store.seats_of(user_id=user_id)
        feedback = store.feedback_of(user_id=user_id)
        return Kept(
            registered=self._held(s for s, seat in seats.items() if seat.state == "registered"),
            waiting=self._held(s for s, seat in seats.items() if seat.state == "waitlisted"),
            reminders=store.reminders_of(user_id=user_id),
            feedback=len(feedback),
            reflections=sum(1 for f in feedback.values() if f.learnt.strip() or f.change.strip()),
            calendar=store.calendar_token(user_id=user_id) is not None,
            pending=store.pending_to(recipient=user_id),
            signed_in=store.signed_in(user_id=user_id),
        )

    def forget(self, *, user_id: str) -> Erased:
        """Delete everything kept about `user_id`, durably; whoever their places go to is told
        through the outbox. Forgetting someone already forgotten changes nothing."""
        kept = self.kept(user_id=user_id)
        programme = self._current.programme
        seats = self._store.seats_of(user_id=user_id)
        # A session no longer in the programme has no places to give: nobody is moved up.
        sessions = {s: programme.by_id.get(s) for s in seats}
        forgotten = self._store.forget(
            user_id=user_id,
            capacities={
                s: session.capacity if session else None for s, session in sessions.items()
            },
            notices={s: promotion_notice(session) for s, session in sessions.items() if session},
            at=self._clock(),
        )
        for session_id in dict.fromkeys((*forgotten.registered, *forgotten.waiting)):
            session = programme.by_id.get(session_id) or self._current.removed(session_id)
            if session is not None:
                self._changed(session)
        return Erased(kept=kept, forgotten=forgotten)

    def _held(self, session_ids: Iterable[str]) -> tuple[Held, ...]:
        """The sessions by id, in programme order (those no longer in it last), titled."""
        programme = self._current.programme
        order = {session.id: n for n, session in enumerate(programme.sessions)}
        held = []
        for session_id in sorted(session_ids, key=lambda s: (order.get(s, len(order)), s)):
            session = programme.by_id.get(session_id) or self._current.removed(session_id)
            held.append(Held(session_id, session.title if session else session_id))
        return tuple(held)

"""Forgetting a person: every feature's records about them deleted in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.calendar import records as calendar
from bot.feedback import records as feedback
from bot.outbox import records as outbox
from bot.outbox.records import Notice
from bot.registrations import records as places
from bot.reminders import records as reminders
from bot.signin import records as signins
from bot.store.engine import Engine, Tx


@dataclass(frozen=True)
class Forgotten:
    """What `forget` removed: the sessions the person was registered for and waiting for,
    who was moved up into each place freed (session id -> user id), and how many pending
    outbox entries to them were cancelled."""

    registered: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    promoted: dict[str, str] = field(default_factory=dict)
    cancelled: int = 0


def forget(
    tx: Tx,
    user: str,
    capacities: Mapping[str, int | None],
    notices: Mapping[str, Notice],
    at: datetime,
) -> Forgotten:
    """Delete everything kept about `user`: their places (each freed place goes to the first
    on its waitlist, with `notices[session]` for them; `capacities` by session id), waitlist
    places, choices, calendar token, feedback and signed-in browsers. Their pending outbox
    entries are cancelled, and every entry ever addressed to them keeps its status but no
    longer names them. The engine is asked to let no earlier copy of these records stay on
    disk."""
    registered, waiting, promoted = [], [], {}
    for session in places.sessions_of(tx, user):
        outcome = places.unregister(
            tx, user, session, capacities.get(session), at, notices.get(session)
        )
        if outcome.previous.state == "waitlisted":
            waiting.append(session)
            continue
        registered.append(session)
        if outcome.promoted:
            promoted[session] = outcome.promoted
    reminders.set_choice(tx, user, None)
    calendar.set_token(tx, user, None)
    feedback.forget(tx, user)
    signins.forget(tx, user)
    cancelled = outbox.unaddress(tx, user, at)
    tx.scrub()
    return Forgotten(tuple(registered), tuple(waiting), promoted, cancelled)


class PrivacyRecords(
    calendar.CalendarRecords,
    feedback.FeedbackRecords,
    reminders.ReminderRecords,
    signins.SignInRecords,
):
    """Forgetting a person over `engine`, in one transaction; with every feature's records
    that say what is kept about them."""

    engine: Engine

    def forget(
        self,
        *,
        user_id: str,
        capacities: Mapping[str, int | None],
        notices: Mapping[str, Notice],
        at: datetime,
    ) -> Forgotten:
        return self.engine.transaction(lambda tx: forget(tx, user_id, capacities, notices, at))

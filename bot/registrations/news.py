"""What registrants are told unasked, through the outbox: a place came free (promotion), and
their session moved, changed place or link, or was cancelled (after a programme reload)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime

from bot.blocks.formatting import Message
from bot.blocks.registrations import promoted_message
from bot.blocks.reminders import change_news
from bot.current import CurrentProgramme
from bot.programme import Programme, Session
from bot.programme.diff import SessionChange, programme_changes
from bot.registrations.service import Registrations
from bot.store import Entry, Store

logger = logging.getLogger(__name__)

CHANGE = "change"
"""The outbox kind of news of a changed or cancelled session."""


def change_version(change: SessionChange) -> str:
    """Which change this is: the new time, place and link (or "cancelled")."""
    after = change.after
    what = (
        "cancelled"
        if after is None
        else f"{after.start}|{after.end}|{after.location}|{after.join_url}"
    )
    return hashlib.sha256(what.encode()).hexdigest()[:16]


class News:
    """Draws promotion messages at sending time, and turns a reload into change news."""

    def __init__(
        self,
        *,
        store: Store,
        current: CurrentProgramme,
        registrations: Registrations,
        touch: Callable[[Session], None],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._current = current
        self._registrations = registrations
        self._touch = touch
        self._clock = clock

    def render_promotion(self, entry: Entry, now: datetime) -> Message | None:
        """ "A place came free", if the session is still on and the person still has the place."""
        programme = self._current.programme
        session = programme.by_id.get(entry.subject)
        seat = self._registrations.seat(user_id=entry.recipient, session_id=entry.subject)
        if session is None or seat.state != "registered":
            return None
        return promoted_message(session, programme.tz)

    def programme_changed(self, old: Programme, new: Programme) -> None:
        """After a reload: tell the holders of each changed or cancelled session once, refresh
        its cards, and let a session given more places take people off its waitlist."""
        changes = programme_changes(old, new)
        for change in changes:
            self._tell(change, new)
        for session in new.sessions:
            before = old.by_id.get(session.id)
            if before is None or before.capacity is None or session.capacity == before.capacity:
                continue
            if session.capacity is not None and session.capacity < before.capacity:
                continue  # fewer places: nobody already registered loses theirs
            promoted = self._registrations.fill(session=session)
            if promoted:
                logger.info("%s has more places: %d moved off the waitlist", session.id,
                            len(promoted))  # fmt: skip

    def _tell(self, change: SessionChange, programme: Programme) -> None:
        before = change.before
        people = self._registrations.holders(session_id=before.id)
        message = change_news(change, programme.tz).as_kwargs()
        deadline = (change.after or before).start
        now, version = self._clock(), change_version(change)
        entries = [
            Entry(CHANGE, before.id, person, version, deadline, now, message=message)
            for person in people
        ]
        added = self._store.enqueue(entries=entries)
        logger.info("%s %s: telling %d people", before.id,
                    "was cancelled" if change.cancelled else "changed", len(added))  # fmt: skip
        self._touch(before)

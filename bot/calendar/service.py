"""Each person's calendar: their registered sessions as an iCalendar file, and a private,
revocable feed URL for it (`PUBLIC_URL/calendar/<token>.ics`). Free of Slack.

The token is the only key to a feed: random (256 bits), one per person, made when first
needed, and replaced by `reset` (the old URL then finds nothing). A feed names sessions
only: no user id, name or token is ever written into it.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.calendar.feed import FeedEntry, calendar_file, fingerprint, last_seen
from bot.current import CurrentProgramme
from bot.programme import Session

if TYPE_CHECKING:
    from bot.calendar.records import CalendarRecords

TOKEN_BYTES = 32
# What `secrets.token_urlsafe` makes; anything else is refused before the store is asked.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")
FILENAME = "sessions.ics"


class Calendar:
    """People's calendars for the programme in force. `url` is where feeds are served
    (`PUBLIC_URL/calendar`), or None when they are not (then only files are offered)."""

    def __init__(
        self,
        *,
        store: CalendarRecords,
        current: CurrentProgramme,
        url: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._current = current
        self.url = url
        self._clock = clock
        self._lock = threading.Lock()  # two first requests at once must not make two tokens

    @property
    def event_name(self) -> str:
        return self._current.programme.event.name

    def link(self, user_id: str) -> str | None:
        """`user_id`'s feed URL (made on first need), or None when feeds are not served."""
        if self.url is None:
            return None
        with self._lock:
            token = self._store.calendar_token(user_id=user_id)
            if token is None:
                token = self._new_token(user_id)
        return self._address(token)

    def reset(self, user_id: str) -> str | None:
        """Give `user_id` a new feed URL, so the old one stops working; None when feeds are
        not served."""
        if self.url is None:
            return None
        with self._lock:
            token = self._new_token(user_id)
        return self._address(token)

    def feed(self, token: str) -> bytes | None:
        """The iCalendar file behind a feed token, or None for a token that is nobody's (or
        not shaped like one)."""
        if not TOKEN_SHAPE.fullmatch(token):
            return None
        owner = self._store.calendar_owner(token=token)
        return None if owner is None else self.file(owner)

    def file(self, user_id: str) -> bytes:
        """`user_id`'s registered sessions as an iCalendar file."""
        entries = self.entries(user_id)
        tz = self._current.programme.tz
        return calendar_file(name=self.event_name, tz=tz, entries=entries, stamp=self._clock())

    def sessions(self, user_id: str) -> list[tuple[Session, bool]]:
        """The sessions `user_id` holds a place for (not a waitlist place), by start, each
        with whether it has been cancelled (removed from the programme) since."""
        programme = self._current.programme
        found: list[tuple[Session, bool]] = []
        unknown = []
        for session_id, seat in self._store.seats_of(user_id=user_id).items():
            if seat.state != "registered":
                continue
            session = programme.by_id.get(session_id) or self._current.removed(session_id)
            if session is not None:
                found.append((session, session_id not in programme.by_id))
            else:
                unknown.append(session_id)
        # Cancelled before a restart: as a feed last showed it, if one ever did.
        for session_id, shown in self._store.fingerprints(session_ids=unknown).items():
            gone = last_seen(session_id, shown)
            if gone is not None:
                found.append((gone, True))
        return sorted(found, key=lambda pair: (pair[0].start, pair[0].id))

    def entries(self, user_id: str) -> list[FeedEntry]:
        """`sessions`, each with its revision number, raised whenever it changed."""
        held = self.sessions(user_id)
        prints = {session.id: fingerprint(session, cancelled=gone) for session, gone in held}
        sequences = self._store.revise(fingerprints=prints) if prints else {}
        return [
            FeedEntry(session=session, sequence=sequences[session.id], cancelled=gone)
            for session, gone in held
        ]

    def _new_token(self, user_id: str) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self._store.set_calendar_token(user_id=user_id, token=token)
        return token

    def _address(self, token: str) -> str:
        return f"{self.url}/{token}.ics"

"""What registrants are told unasked, through the outbox: a place came free (promotion), and
their session moved, changed place or link, or was cancelled (after a programme reload)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.blocks.formatting import Message, escape, truncate
from bot.blocks.kit import section
from bot.current import CurrentProgramme
from bot.dates import time_range
from bot.outbox.records import Entry
from bot.programme import Programme, Session
from bot.programme.diff import SessionChange, programme_changes
from bot.registrations.messages import promoted_message
from bot.registrations.service import Registrations
from bot.registrations.sessions import where_to_join
from bot.wording import counted

if TYPE_CHECKING:
    from bot.registrations.records import PlacesRecords

logger = logging.getLogger(__name__)

CHANGE = "change"
"""The outbox kind of news of a changed or cancelled session."""


def change_version(what: str, edition: datetime) -> str:
    """Which news this is: what it says (the new time, place and link, "cancelled" or
    "restored") in which version of the programme (when it was loaded). Each version's news
    is told, even when a session goes back to what it was before (Hall A, B, A, B...)."""
    digest = hashlib.sha256(what.encode()).hexdigest()[:16]
    return f"{digest}@{edition.isoformat()}"


def _what(change: SessionChange) -> str:
    after = change.after
    if after is None:
        return "cancelled"
    return f"{after.start}|{after.end}|{after.location}|{after.join_url}"


class News:
    """Draws promotion messages at sending time, and turns a reload into change news."""

    def __init__(
        self,
        *,
        store: PlacesRecords,
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
        # Every process that reloads the file calls this: the same version of the programme
        # must give the same news versions, so that the outbox keeps each message once.
        digest = hashlib.sha256(new.model_dump_json().encode()).hexdigest()
        edition = self._store.programme_edition(digest=digest, now=self._clock())
        for change in programme_changes(old, new):
            self._tell(change, new, edition)
        for session in new.sessions:
            if session.id not in old.by_id:
                self._restored(session, new, edition)
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

    def render_change(self, entry: Entry, now: datetime) -> Message | None:
        """News of a change, drawn from the facts kept with the entry (the session before and
        after, as the programme gave them): what it said when the change was found."""
        about, tz = entry.about or {}, self._current.programme.tz
        try:
            if "restored" in about:
                return restored_news(Session.model_validate(about["restored"]), tz)
            before = Session.model_validate(about["before"])
            after = about.get("after")
            after_session = None if after is None else Session.model_validate(after)
        except (KeyError, ValidationError):
            logger.warning("News %s has no change to tell; not sent", entry.key)
            return None
        return change_news(SessionChange(before=before, after=after_session), tz)

    def _tell(self, change: SessionChange, programme: Programme, edition: datetime) -> None:
        before, after = change.before, change.after
        about = {"before": _facts(before), "after": None if after is None else _facts(after)}
        version = change_version(_what(change), edition)
        added = self._enqueue(before, about, version, deadline=(after or before).start)
        logger.info("%s %s: telling %s", before.id, "was cancelled" if change.cancelled
                    else "changed", counted(added, "person", "people"))  # fmt: skip
        self._touch(before)

    def _restored(self, session: Session, programme: Programme, edition: datetime) -> None:
        """A session back in the programme: whoever still holds a place is told it is on."""
        version = change_version("restored", edition)
        added = self._enqueue(session, {"restored": _facts(session)}, version,
                              deadline=session.start)  # fmt: skip
        if added:
            logger.info(
                "%s is back in the programme: telling %s",
                session.id,
                counted(added, "person", "people"),
            )
            self._touch(session)

    def _enqueue(
        self, session: Session, about: dict[str, Any], version: str, *, deadline: datetime
    ) -> int:
        people = self._registrations.holders(session_id=session.id)
        now = self._clock()
        entries = [
            Entry(CHANGE, session.id, person, version, deadline, now, about=about)
            for person in people
        ]
        return len(self._store.enqueue(entries=entries))


def _facts(session: Session) -> dict[str, Any]:
    """A session as the programme gave it, to draw news of it later (not a Slack message)."""
    return session.model_dump(mode="json")


# --- the messages ----------------------------------------------------------------------------


def change_news(change: SessionChange, tz: ZoneInfo) -> Message:
    """Telling a registrant what changed ("Time: 12:30 → 13:00"), or that it is cancelled."""
    before, after = change.before, change.after
    title = escape(truncate(before.title, 200))
    if after is None:
        when = time_range(before.start.astimezone(tz), before.end.astimezone(tz))
        line = f":no_entry: *{title}* ({when}) has been cancelled. Sorry."
        return Message(text=line.replace("*", ""), blocks=[section(line)])
    lines = [f":pencil2: *{title}* has changed:"]
    if change.moved:
        old = time_range(before.start.astimezone(tz), before.end.astimezone(tz))
        new = time_range(after.start.astimezone(tz), after.end.astimezone(tz))
        lines.append(f"Time: {old} → {new}")
    if change.relocated:
        old_place, new_place = before.location or "none", after.location or "none"
        lines.append(f"Place: {escape(old_place)} → {escape(new_place)}")
    if change.relinked:
        link = f"<{escape(after.join_url)}|new link>" if after.join_url else "no link now"
        lines.append(f"Joining link: {link}")
    text = "\n".join(lines)
    return Message(text=text.replace("*", ""), blocks=[section(text)])


def restored_news(session: Session, tz: ZoneInfo) -> Message:
    """Telling a registrant that a cancelled session is back in the programme."""
    title = escape(truncate(session.title, 200))
    when = time_range(session.start.astimezone(tz), session.end.astimezone(tz))
    where = where_to_join(session)
    line = f":leftwards_arrow_with_hook: *{title}* is back on: {when}. {where}".strip()
    return Message(text=line.replace("*", ""), blocks=[section(line)])

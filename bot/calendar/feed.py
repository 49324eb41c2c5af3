"""One person's sessions as an iCalendar file (RFC 5545), built with `icalendar`. Pure.

Each session is one VEVENT whose UID is the session's id (the same for everyone, and never
anyone's name), with its times in the event's timezone (TZID, and the VTIMEZONE it needs),
and a SEQUENCE that the caller raises each time the session changes, so that calendar apps
replace the copy they hold. A session cancelled since the person registered stays in the
feed, marked cancelled, so their calendar drops it rather than keeping a stale copy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.programme import Session, mrkdwn

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//Sessions bot//Sessions//EN"
UID_DOMAIN = "socialworkweek-bot"
REFRESH = timedelta(hours=1)  # a hint: Google Calendar re-reads on its own schedule anyway
DESCRIPTION_LIMIT = 600
CANCELLED = "Cancelled: "


@dataclass(frozen=True)
class FeedEntry:
    """One session in a person's calendar: its revision number (SEQUENCE), and whether it
    has been removed from the programme since they registered."""

    session: Session
    sequence: int
    cancelled: bool = False


def uid(session: Session) -> str:
    """The event's UID: the session's, the same in every feed and every version of it."""
    return f"{session.id}@{UID_DOMAIN}"


def fingerprint(session: Session, *, cancelled: bool = False) -> str:
    """What a calendar app shows of the session (title, times, place, link, whether it is
    cancelled), as compact JSON: when it changes, the event's SEQUENCE must go up. The store
    keeps the last one, so a session cancelled before a restart can still be shown as it was
    (see `last_seen`)."""
    shown = {
        "title": session.title,
        "start": session.start.astimezone(UTC).isoformat(),
        "end": session.end.astimezone(UTC).isoformat(),
        "location": session.location,
        "join_url": session.join_url,
        "cancelled": cancelled,
    }
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def last_seen(session_id: str, fingerprint: str) -> Session | None:
    """The session as a feed last showed it, from its `fingerprint`; None if unreadable."""
    try:
        shown = json.loads(fingerprint)
        fields = {name: shown[name] for name in ("title", "start", "end", "location", "join_url")}
        return Session.model_validate({"id": session_id, **fields})
    except (ValueError, KeyError, TypeError, ValidationError):
        return None


def calendar_file(
    *, name: str, tz: ZoneInfo, entries: Sequence[FeedEntry], stamp: datetime
) -> bytes:
    """The iCalendar file for `entries`, named `name` (the event's), times in `tz`; `stamp`
    (aware) is when it was drawn (DTSTAMP)."""
    # Imported here: a tenth of the bot's start-up, for the few who read a feed.
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", f"Your sessions at {name}")
    calendar.add("x-wr-timezone", tz.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for entry in entries:
        calendar.add_component(_event(entry, tz, stamp))
    if entries:
        first = min(entry.session.start.astimezone(tz).year for entry in entries)
        last = max(entry.session.end.astimezone(tz).year for entry in entries)
        calendar.add_missing_timezones(date(first, 1, 1), date(last + 1, 1, 1))
    return calendar.to_ical()


def _event(entry: FeedEntry, tz: ZoneInfo, stamp: datetime) -> Event:
    from icalendar import Event

    session = entry.session
    event = Event()
    event.add("uid", uid(session))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", session.start.astimezone(tz))
    event.add("dtend", session.end.astimezone(tz))
    event.add("sequence", entry.sequence)
    event.add("summary", (CANCELLED if entry.cancelled else "") + session.title)
    event.add("description", description(session, cancelled=entry.cancelled))
    where = session.location or session.join_url
    if where:
        event.add("location", where)
    if session.join_url:
        event.add("url", session.join_url)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    return event


def description(session: Session, *, cancelled: bool = False) -> str:
    """A few lines: who leads it, who hosts it, what it is about (shortened), how to join."""
    lines = ["This session has been cancelled."] if cancelled else []
    if session.speakers:
        lines.append("With " + "; ".join(_speaker(s.name, s.role, s.organisation)
                                          for s in session.speakers))  # fmt: skip
    if session.host:
        lines.append(f"Hosted by {session.host}")
    if session.description:
        lines.append(_shortened(mrkdwn.plain(session.description).strip(), DESCRIPTION_LIMIT))
    if session.join_url:
        lines.append(f"Join online: {session.join_url}")
    return "\n\n".join(lines)


def _speaker(name: str, role: str | None, organisation: str | None) -> str:
    detail = ", ".join(part for part in (role, organisation) if part)
    return f"{name} ({detail})" if detail else name


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

"""Block Kit for one session: its details, how full it is, and its Register buttons. Pure."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.blocks import ids
from bot.blocks.formatting import (
    escape,
    slack_time_range,
    truncate,
)
from bot.blocks.kit import SECTION_LIMIT, Block, actions, button, section
from bot.blocks.values import Origin, button_value
from bot.dates import short_moment
from bot.programme import Session, mrkdwn
from bot.programme.links import google_link, outlook_link
from bot.registrations.records import NO_SEAT, Seat

MAX_SLOTS = 5  # times listed, and buttons, for a session held several times
DESCRIPTION_LIMIT = 1200  # of a session's card in a channel
# Of the one session an answer is about: what a phone shows without scrolling far. The rest
# is behind "Read more", which shows it all, in sections of its own.
SHORT_DESCRIPTION = 300
_NEARLY_SHORT = 40  # a description this much longer is shown whole: no "Read more" for a word
MAX_DESCRIPTION_SECTIONS = 4


def session_details(
    session: Session,
    tz: ZoneInfo,
    *,
    full: bool = False,
    slots: Sequence[Session] = (),
    standing: str | None = None,
    standings: Mapping[str, str | None] | None = None,
    description: int = DESCRIPTION_LIMIT,
) -> str:
    """The mrkdwn describing one session; `full` adds the host and at most `description`
    characters of the description (none: 0). A session held in several `slots` lists each
    of those times, with its entry in `standings` (by slot id); `standing` says how full the
    session is, or that it is over. Last, unless it is over, "Add to calendar" links (for its
    first slot listed); the description is shortened to keep the whole within a section's
    limit."""
    if not slots and standings is None:
        return _one_time(session, tz, full, standing, description)
    return _details(
        session,
        tz,
        full=full,
        slots=slots,
        standing=standing,
        standings=standings,
        description=description,
    )


@functools.lru_cache(maxsize=8192)
def _one_time(
    session: Session, tz: ZoneInfo, full: bool, standing: str | None, description: int
) -> str:
    """A session held once: the same text for everyone while its standing stays the same
    (sessions are immutable), so it is drawn once, not on every request."""
    return _details(
        session,
        tz,
        full=full,
        slots=(),
        standing=standing,
        standings=None,
        description=description,
    )


def _details(
    session: Session,
    tz: ZoneInfo,
    *,
    full: bool,
    slots: Sequence[Session],
    standing: str | None,
    standings: Mapping[str, str | None] | None,
    description: int,
) -> str:
    times = [_time(slot, tz, (standings or {}).get(slot.id)) for slot in slots[:MAX_SLOTS]]
    if len(slots) > MAX_SLOTS:
        times.append(f"and {len(slots) - MAX_SLOTS} more times")
    times = times or [slack_time_range(session.start.astimezone(tz), session.end.astimezone(tz))]
    if session.type:
        times[0] += f" · {escape(session.type.capitalize())}"
    lines = [f"*{escape(truncate(session.title, 300))}*", *times]
    if standing:
        lines.append(f"_{standing}_")
    if session.speakers:
        lines.append("With " + escape(truncate(speaker_list(session), 600)))
    place = [escape(truncate(session.location, 200))] if session.location else []
    if session.join_url:
        place.append(f"<{escape(session.join_url)}|Join online>")
    if place:
        lines.append(" · ".join(place))
    if full and session.host:
        lines.append(f"Hosted by {escape(truncate(session.host, 200))}")
    links = calendar_links(slots[0] if slots else session) if standing != PAST else None
    if links and len("\n".join([*lines, links])) > SECTION_LIMIT:
        links = None  # rather than a link cut in half
    if full and session.description and description > 0:
        room = SECTION_LIMIT - len("\n".join([*lines, *([links] if links else [])])) - 1
        shown = _description_within(session.description, min(description, room))
        if shown:
            lines.append(shown)
    if links:
        lines.append(links)
    return "\n".join(lines)


@functools.lru_cache(maxsize=4096)
def calendar_links(session: Session) -> str:
    """The line "Add to calendar: Google · Outlook", each a link prefilled with `session`.
    Kept per session (a session is immutable; a new programme version makes new ones): the
    links are the dearest part of a reply to build, and the same for every request."""
    google, outlook = escape(google_link(session)), escape(outlook_link(session))
    return f"Add to calendar: <{google}|Google> · <{outlook}|Outlook>"


def _description_within(text: str, room: int) -> str:
    """The description (mrkdwn) shortened so that, made safe, it fits `room` characters ("" when
    nothing fits); ended between words, never inside a link."""
    limit = room
    while limit > 1:
        shown = mrkdwn.safe(mrkdwn.cut_at_word(text, limit))
        if len(shown) <= room:
            return shown
        limit -= len(shown) - room
    return ""


def more_to_read(session: Session) -> bool:
    """Whether a session's description is too long to show whole in an answer: it shows
    `SHORT_DESCRIPTION` characters of it, and "Read more"."""
    return len(mrkdwn.safe(session.description or "")) > SHORT_DESCRIPTION + _NEARLY_SHORT


def description_blocks(session: Session) -> list[Block]:
    """A session's whole description as sections of its own, each within Slack's limit (at
    most `MAX_DESCRIPTION_SECTIONS` of them: a longer one ends with "…")."""
    shown: list[Block] = []
    rest = (session.description or "").strip()
    while rest:
        if len(shown) == MAX_DESCRIPTION_SECTIONS - 1:
            shown.append(section(_description_within(rest, SECTION_LIMIT)))
            break
        piece = _first_piece(rest)
        shown.append(section(mrkdwn.safe(piece)))
        rest = rest[len(piece) :].strip()
    return shown


def _first_piece(text: str) -> str:
    """The first piece of `text` (mrkdwn) that, made safe, fits a section."""
    limit = SECTION_LIMIT
    while True:
        piece = mrkdwn.pieces(text, limit)[0]
        over = len(mrkdwn.safe(piece)) - SECTION_LIMIT
        if over <= 0 or limit <= 1:
            return piece
        limit = max(1, limit - over)


def _time(slot: Session, tz: ZoneInfo, note: str | None) -> str:
    when = slack_time_range(slot.start.astimezone(tz), slot.end.astimezone(tz))
    return f"{when} · _{note}_" if note else when


PAST = "Already taken place"


def standing(session: Session, counts: tuple[int, int] | None, *, now: float = 0) -> str | None:
    """How the session stands: over, how many places are left, or full (with its waitlist);
    nothing to say when it has no capacity. `now` is a POSIX timestamp (0: any time)."""
    if now and session.end.timestamp() <= now:
        return PAST
    if not session.capacity or counts is None:
        return None
    registered, waiting = counts
    left = session.capacity - registered
    if left > 0:
        return f"{left} of {session.capacity} places left"
    return f"Full · {waiting} on the waitlist" if waiting else "Full · no waitlist yet"


def session_section(
    session: Session, tz: ZoneInfo, *, seat: Seat, value: str, full: bool = False
) -> Block:
    """A session's details with a Register or Unregister button, as the person stands now."""
    block = section(session_details(session, tz, full=full))
    block["accessory"] = seat_button(seat, value)
    return block


def seat_button(seat: Seat, value: str, when: str | None = None, number: int = 0) -> Block:
    """Register, or Unregister / Leave waitlist as the person stands; `when` names the slot,
    `number` tells it from the other slots' buttons in its block."""
    if seat.state == "none":
        label, action = "Register", ids.SESSION_REGISTER
    else:
        label = "Unregister" if seat.state == "registered" else "Leave waitlist"
        action = ids.SESSION_UNREGISTER
    if when:
        label, action = f"{label} · {when}", ids.numbered(action, number)
    return button(label, action_id=action, value=value)


def session_entry(
    session: Session,
    tz: ZoneInfo,
    *,
    origin: Origin,
    seats: Mapping[str, Seat],
    counts: Mapping[str, tuple[int, int]],
    slots: Sequence[Session] = (),
    full: bool = False,
    now: float = 0,
) -> list[Block]:
    """One entry of an answer: the session with its button, or a session held several times
    with its times still to come listed (each with its places) and a button for each
    (at `now`, a POSIX timestamp; 0 for any time). `full`, for the one session an answer is
    about: its host and the start of its description, with "Read more" for the rest; once
    that was pressed (`origin.more`), all of it, below."""
    hidden = full and more_to_read(session)
    description = SHORT_DESCRIPTION if hidden else SHORT_DESCRIPTION + _NEARLY_SHORT
    if hidden and origin.more:
        description = 0  # all of it, below
    whole = description_blocks(session) if hidden and origin.more else []
    more = [read_more_button(origin)] if hidden and not origin.more else []
    if not slots:
        status = standing(session, counts.get(session.id), now=now)
        details = session_details(session, tz, full=full, standing=status, description=description)
        block = section(details)
        if status != PAST:
            value = button_value(origin, session.id)
            block["accessory"] = seat_button(seats.get(session.id, NO_SEAT), value)
        return [block, *whole, *([actions(*more)] if more else [])]
    to_come = [slot for slot in slots if not now or slot.end.timestamp() > now]
    standings = {slot.id: standing(slot, counts.get(slot.id)) for slot in to_come}
    details = session_details(
        session,
        tz,
        full=full,
        slots=to_come or slots,
        standing=None if to_come else PAST,
        standings=standings,
        description=description,
    )
    buttons = [
        seat_button(
            seats.get(slot.id, NO_SEAT),
            button_value(origin, slot.id),
            when=short_moment(slot.start.astimezone(tz)),
            number=number,
        )
        for number, slot in enumerate(to_come[:MAX_SLOTS], start=1)
    ]
    buttons += more
    return [section(details), *whole, *([actions(*buttons)] if buttons else [])]


def read_more_button(origin: Origin) -> Block:
    """ "Read more": the answer `origin` names drawn again, its one session's description all
    shown."""
    value = button_value(replace(origin, more=True))
    return button("Read more", action_id=ids.SESSION_MORE, value=value)


def speaker_list(session: Session) -> str:
    return "; ".join(_speaker(s.name, s.role, s.organisation) for s in session.speakers)


def _speaker(name: str, role: str | None, organisation: str | None) -> str:
    detail = ", ".join(part for part in (role, organisation) if part)
    return f"{name} ({detail})" if detail else name


def where_to_join(session: Session) -> str:
    """Where to go: the joining link of an online session, else its place (escaped)."""
    if session.join_url:
        return f"Join: {session.join_url}"
    return escape(session.location or "")

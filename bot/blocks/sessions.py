"""Block Kit for sessions: one session with its button, and a whole answer with paging. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.answering import Answer
from bot.blocks import ids
from bot.blocks.formatting import (
    Message,
    escape,
    slack_time_range,
    truncate,
)
from bot.blocks.guide import help_message, week_message
from bot.blocks.kit import Block, actions, button, context, header, section
from bot.blocks.values import Origin, button_value
from bot.programme import Session
from bot.store import NO_SEAT, Seat
from bot.wording import short_day, short_moment, time_range

PAGE_SIZE = 10
MAX_SLOTS = 5  # times listed, and buttons, for a session held several times
HINT = "Try `/sessions wednesday`, `/sessions racism`, `/sessions now` or `/sessions help`."
_TEXT_LIMIT = 3000


def session_details(
    session: Session,
    tz: ZoneInfo,
    *,
    full: bool = False,
    slots: Sequence[Session] = (),
    standing: str | None = None,
) -> str:
    """The mrkdwn describing one session; `full` adds the description and host. A session
    held in several `slots` lists each time; `standing` says how full it is, or that it
    is over."""
    times = [slack_time_range(s.start.astimezone(tz), s.end.astimezone(tz)) for s in slots]
    shown = times[:MAX_SLOTS] + (
        [f"and {len(times) - MAX_SLOTS} more times"] if len(times) > MAX_SLOTS else []
    )
    when = "\n".join(shown) or slack_time_range(
        session.start.astimezone(tz), session.end.astimezone(tz)
    )
    if session.type:
        when += f" · {escape(session.type.capitalize())}"
    lines = [f"*{escape(truncate(session.title, 300))}*", when]
    if standing:
        lines.append(f"_{standing}_")
    if session.speakers:
        lines.append("With " + escape(truncate(_speakers(session), 600)))
    place = [escape(truncate(session.location, 200))] if session.location else []
    if session.join_url:
        place.append(f"<{escape(session.join_url)}|Join online>")
    if place:
        lines.append(" · ".join(place))
    if full and session.host:
        lines.append(f"Hosted by {escape(truncate(session.host, 200))}")
    if full and session.description:
        lines.append(escape(truncate(session.description, 1200)))
    return "\n".join(lines)


def standing(session: Session, counts: tuple[int, int] | None, *, now: float = 0) -> str | None:
    """How the session stands: over, full with a waitlist, or how many places are left."""
    if now and session.end.timestamp() <= now:
        return "Already taken place"
    if not session.capacity or counts is None:
        return None
    registered, waiting = counts
    left = session.capacity - registered
    if left > 0 and not waiting:
        return f"{left} of {session.capacity} places left"
    return f"Full · {waiting} on the waitlist" if waiting else "Full · no waitlist yet"


def direct_answer(answer: Answer, tz: ZoneInfo, status: str | None = None) -> str | None:
    """One sentence answering who / when / where / how full about the lead session, if that
    was asked (`status` from `standing`)."""
    lead = answer.lead
    if lead is None or answer.query.focus is None:
        return None
    title = f"*{escape(truncate(lead.title, 300))}*"
    if answer.query.focus == "who":
        if lead.speakers:
            return f"{title} is led by {escape(truncate(_speakers(lead), 1500))}."
        if lead.host:
            return f"{title} is hosted by {escape(truncate(lead.host, 500))}."
        return None
    if answer.query.focus == "places":
        if status:
            return f"{title}: {status[0].lower()}{status[1:]}."
        return f"{title} has no limit on places."
    if answer.query.focus == "when":
        return (
            f"{title} is on {slack_time_range(lead.start.astimezone(tz), lead.end.astimezone(tz))}."
        )
    where = [escape(truncate(lead.location, 500))] if lead.location else []
    if lead.join_url:
        where.append(f"join at <{escape(lead.join_url)}|this link>")
    return f"{title}: {', '.join(where)}." if where else None


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
    with its times listed and a button for each time still to come (at `now`, a POSIX
    timestamp; 0 for any time)."""
    if not slots:
        status = standing(session, counts.get(session.id), now=now)
        block = section(session_details(session, tz, full=full, standing=status))
        if status != "Already taken place":
            value = button_value(origin, session.id)
            block["accessory"] = seat_button(seats.get(session.id, NO_SEAT), value)
        return [block]
    open_slots = [s for s in slots if not now or s.end.timestamp() > now]
    status = None if open_slots else "Already taken place"
    blocks = [section(session_details(session, tz, full=full, slots=slots, standing=status))]
    buttons = [
        seat_button(
            seats.get(slot.id, NO_SEAT),
            button_value(origin, slot.id),
            when=short_moment(slot.start.astimezone(tz)),
            number=number,
        )
        for number, slot in enumerate(open_slots[:MAX_SLOTS], start=1)
    ]
    if buttons:
        blocks.append(actions(*buttons))
    return blocks


def answer_message(
    answer: Answer,
    tz: ZoneInfo,
    *,
    seats: Mapping[str, Seat] | None = None,
    counts: Mapping[str, tuple[int, int]] | None = None,
    page: int = 0,
    asked_at: float = 0,
    now: float = 0,
    notice: str | None = None,
) -> Message:
    """The whole reply to a question, each session with a button for the asker's `seats`
    and how full it is (`counts`: registered and waiting, by session id). `asked_at` keeps
    "now" and "today" stable across pages, while sessions over at `now` are marked so (both
    POSIX timestamps; `now` is `asked_at` unless given); `notice` (mrkdwn) goes first."""
    now = now or asked_at
    if answer.kind == "help":
        return help_message()
    if answer.kind in ("greeting", "joining", "overview", "mine"):
        return week_message(answer, tz)
    if answer.kind == "nothing":
        return _nothing_message(answer)
    seats, counts = seats or {}, counts or {}
    sessions = answer.sessions
    pages = max(1, -(-len(sessions) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = sessions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    origin = Origin("answer", answer.query.text, page, asked_at)

    blocks: list[Block] = [header(answer.heading)]
    if notice:
        blocks.append(section(notice))
    if answer.note:
        blocks.append(context(escape(answer.note)))
    lead = answer.lead
    status = standing(lead, counts.get(lead.id), now=now) if lead else None
    if page == 0 and (sentence := direct_answer(answer, tz, status)):
        blocks.append(section(sentence))
    for session in shown:
        full = session is lead and page == 0
        slots = answer.slots.get(session.id, ())
        blocks += session_entry(
            session, tz, origin=origin, seats=seats, counts=counts, slots=slots, full=full, now=now
        )
    if pages > 1:
        first = page * PAGE_SIZE + 1
        blocks.append(context(f"Showing {first}–{first + len(shown) - 1} of {len(sessions)}"))
        blocks.append(_pager(origin, pages))
    if answer.show_hint:
        blocks.append(context(HINT))
    text = _fallback(answer, tz)
    if notice:
        text = truncate(f"{notice} {text}", _TEXT_LIMIT)
    return Message(text=text, blocks=blocks)


def _pager(origin: Origin, pages: int) -> Block:
    buttons = []
    if origin.page > 0:
        previous = button_value(replace(origin, page=origin.page - 1))
        buttons.append(button("‹ Previous", action_id=ids.SESSIONS_PAGE_PREVIOUS, value=previous))
    if origin.page < pages - 1:
        following = button_value(replace(origin, page=origin.page + 1))
        buttons.append(button("More ›", action_id=ids.SESSIONS_PAGE_NEXT, value=following))
    return actions(*buttons)


def _nothing_message(answer: Answer) -> Message:
    note = escape(answer.note or "Nothing found.")
    days = ", ".join(short_day(day) for day in answer.suggested_days)
    topics = ", ".join(escape(topic) for topic in answer.suggested_topics)
    lines = [note]
    if days:
        lines.append(f"*Days with sessions:* {days}")
    if topics:
        lines.append(f"*Topics to try:* {topics}")
    text = truncate(f"{note} Days with sessions: {days}.", _TEXT_LIMIT)
    return Message(text=text, blocks=[section("\n".join(lines)), context(HINT)])


def _fallback(answer: Answer, tz: ZoneInfo) -> str:
    count = len(answer.sessions)
    parts = [f"{answer.heading}: {count} session{'s' if count != 1 else ''}."]
    for session in answer.sessions[:PAGE_SIZE]:
        when = time_range(session.start.astimezone(tz), session.end.astimezone(tz))
        parts.append(f"{truncate(session.title, 120)} ({when})")
    return truncate(escape(" ".join(parts)), _TEXT_LIMIT)


def _speakers(session: Session) -> str:
    return "; ".join(_speaker(s.name, s.role, s.organisation) for s in session.speakers)


def _speaker(name: str, role: str | None, organisation: str | None) -> str:
    detail = ", ".join(part for part in (role, organisation) if part)
    return f"{name} ({detail})" if detail else name

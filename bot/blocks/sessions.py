"""Block Kit for sessions: one session with its button, and a whole answer with paging. Pure."""

from __future__ import annotations

from collections.abc import Mapping
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
from bot.blocks.kit import Block, actions, button, context, header, section
from bot.blocks.values import Origin, button_value
from bot.programme import Session
from bot.store import NO_SEAT, Seat
from bot.wording import short_day, time_range

PAGE_SIZE = 10
HINT = "Try `/sessions wednesday`, `/sessions racism`, `/sessions now` or `/sessions help`."
_TEXT_LIMIT = 3000


def session_details(session: Session, tz: ZoneInfo, *, full: bool = False) -> str:
    """The mrkdwn describing one session; `full` adds the description and host."""
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    when = slack_time_range(start, end)
    if session.type:
        when += f" · {escape(session.type.capitalize())}"
    lines = [f"*{escape(truncate(session.title, 300))}*", when]
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


def direct_answer(answer: Answer, tz: ZoneInfo) -> str | None:
    """One sentence answering who / when / where about the lead session, if that was asked."""
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
    if seat.state == "none":
        block["accessory"] = button("Register", action_id=ids.SESSION_REGISTER, value=value)
    else:
        label = "Unregister" if seat.state == "registered" else "Leave waitlist"
        block["accessory"] = button(label, action_id=ids.SESSION_UNREGISTER, value=value)
    return block


def answer_message(
    answer: Answer,
    tz: ZoneInfo,
    *,
    seats: Mapping[str, Seat] | None = None,
    page: int = 0,
    asked_at: float = 0,
    notice: str | None = None,
) -> Message:
    """The whole reply to a question, each session with a button for the asker's `seats`.
    `asked_at` keeps "now" and "today" stable across pages; `notice` (mrkdwn) goes first."""
    if answer.kind == "help":
        return help_message()
    if answer.kind == "nothing":
        return _nothing_message(answer)
    seats = seats or {}
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
    if page == 0 and (sentence := direct_answer(answer, tz)):
        blocks.append(section(sentence))
    for session in shown:
        seat = seats.get(session.id, NO_SEAT)
        full = session is answer.lead and page == 0
        value = button_value(origin, session.id)
        blocks.append(session_section(session, tz, seat=seat, value=value, full=full))
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


def help_message() -> Message:
    """How to ask, with examples."""
    lines = [
        "*Ask me about Social Work Week sessions*",
        "• `/sessions` shows what is on today",
        "• `/sessions tuesday`, `/sessions 21 March` or `/sessions tomorrow` shows a day",
        "• `/sessions racism`, `/sessions Rebekah Pierre` or `/sessions headline` finds a topic,"
        " speaker or organisation",
        "• `/sessions now`, `/sessions next` or `/sessions thursday evening`",
        "• `/register racism` signs you up; `/mysessions` shows your sessions",
        "• Or just ask, in a direct message or by mentioning me in a channel:"
        " _who is running the stereotypes session?_",
    ]
    text = "Ask about sessions: /sessions tuesday, /sessions racism, /sessions now, or ask me."
    return Message(text=text, blocks=[section("\n".join(lines))])


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

"""Block Kit for sessions: one session's card, and a whole answer with paging. Pure functions."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from bot.answering import Answer
from bot.blocks import ids
from bot.blocks.formatting import (
    Message,
    escape,
    plain_time_range,
    slack_time_range,
    truncate,
)
from bot.blocks.kit import Block, actions, button, context, header, section
from bot.programme import Session

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


def answer_message(answer: Answer, tz: ZoneInfo, *, page: int = 0, asked_at: float = 0) -> Message:
    """The whole reply to a question. `asked_at` keeps "now"/"today" stable across pages."""
    if answer.kind == "help":
        return help_message()
    if answer.kind == "nothing":
        return _nothing_message(answer)
    sessions = answer.sessions
    pages = max(1, -(-len(sessions) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = sessions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]

    blocks: list[Block] = [header(answer.heading)]
    if answer.note:
        blocks.append(context(escape(answer.note)))
    if page == 0 and (sentence := direct_answer(answer, tz)):
        blocks.append(section(sentence))
    for session in shown:
        full = session is answer.lead and page == 0
        blocks.append(section(session_details(session, tz, full=full)))
    if pages > 1:
        first = page * PAGE_SIZE + 1
        blocks.append(context(f"Showing {first}–{first + len(shown) - 1} of {len(sessions)}"))
        blocks.append(_pager(answer.query.text, page, pages, asked_at))
    if answer.show_hint:
        blocks.append(context(HINT))
    return Message(text=_fallback(answer, tz), blocks=blocks)


def help_message() -> Message:
    """How to ask, with examples."""
    lines = [
        "*Ask me about Social Work Week sessions*",
        "• `/sessions` shows what is on today",
        "• `/sessions tuesday`, `/sessions 21 March` or `/sessions tomorrow` shows a day",
        "• `/sessions racism`, `/sessions Rebekah Pierre` or `/sessions headline` finds a topic,"
        " speaker or organisation",
        "• `/sessions now`, `/sessions next` or `/sessions thursday evening`",
        "• Or just ask, in a direct message or by mentioning me in a channel:"
        " _who is running the stereotypes session?_",
    ]
    text = (
        "Ask about sessions: /sessions tuesday, /sessions racism, /sessions now, or ask a question."
    )
    return Message(text=text, blocks=[section("\n".join(lines))])


def pager_value(query: str, page: int, asked_at: float) -> str:
    """The button value that brings back page `page` of the answer to `query`."""
    return json.dumps({"q": truncate(query, 1500), "p": page, "t": round(asked_at)})


def read_pager_value(value: str) -> tuple[str, int, float]:
    """(query, page, asked_at) from a pager button's value."""
    data = json.loads(value)
    return str(data["q"]), int(data["p"]), float(data["t"])


def _pager(query: str, page: int, pages: int, asked_at: float) -> Block:
    buttons = []
    if page > 0:
        previous = pager_value(query, page - 1, asked_at)
        buttons.append(button("‹ Previous", action_id=ids.SESSIONS_PAGE_PREVIOUS, value=previous))
    if page < pages - 1:
        following = pager_value(query, page + 1, asked_at)
        buttons.append(button("More ›", action_id=ids.SESSIONS_PAGE_NEXT, value=following))
    return actions(*buttons)


def _nothing_message(answer: Answer) -> Message:
    note = escape(answer.note or "Nothing found.")
    days = ", ".join(_short_day(day) for day in answer.suggested_days)
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
        when = plain_time_range(session.start.astimezone(tz), session.end.astimezone(tz))
        parts.append(f"{truncate(session.title, 120)} ({when})")
    return truncate(escape(" ".join(parts)), _TEXT_LIMIT)


def _speakers(session: Session) -> str:
    return "; ".join(_speaker(s.name, s.role, s.organisation) for s in session.speakers)


def _speaker(name: str, role: str | None, organisation: str | None) -> str:
    detail = ", ".join(part for part in (role, organisation) if part)
    return f"{name} ({detail})" if detail else name


def _short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"

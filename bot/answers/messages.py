"""Block Kit for a whole answer: its heading, the one-sentence answer to who / when / where /
how full, each session with its buttons, and paging. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.answering import Answer
from bot.answers.guide import help_message, week_message
from bot.blocks import ids
from bot.blocks.formatting import Message, code, escape, slack_time_range, truncate
from bot.blocks.kit import Block, actions, button, context, header, section
from bot.blocks.values import Origin, button_value
from bot.current.examples import Examples
from bot.dates import short_day, time_range
from bot.programme import Session
from bot.registrations.records import Seat
from bot.registrations.sessions import MAX_SLOTS, session_entry, speaker_list
from bot.wording import counted

PAGE_SIZE = 10
_TEXT_LIMIT = 3000


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
    more: bool = False,
    examples: Examples,
) -> Message:
    """The whole reply to a question, each session with a button for the asker's `seats`
    and how full it is (`counts`: registered and waiting, by session id). `asked_at` keeps
    "now" and "today" stable across pages, while sessions over at `now` are marked so (both
    POSIX timestamps; `now` is `asked_at` unless given); `notice` (mrkdwn) goes first; the
    one session it is about has the start of its description, with "Read more" for the rest
    (all of it with `more`); the help and hints show the programme's own `examples`."""
    now = now or asked_at
    if answer.kind == "help":
        return help_message(examples)
    if answer.kind in ("greeting", "joining", "overview", "mine"):
        return week_message(answer, tz, examples)
    if answer.kind == "nothing":
        return _nothing_message(answer, examples)
    seats, counts = seats or {}, counts or {}
    sessions = answer.sessions
    pages = max(1, -(-len(sessions) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = sessions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    origin = Origin("answer", answer.query.text, page, asked_at, more)

    blocks: list[Block] = [header(answer.heading)]
    if notice:
        blocks.append(section(notice))
    if answer.note:
        blocks.append(context(escape(answer.note)))
    lead = answer.lead
    if page == 0 and (sentence := direct_answer(answer, tz, counts=counts, now=now)):
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
        blocks.append(context(hint(examples)))
    text = _fallback(answer, tz)
    if notice:
        text = truncate(f"{notice} {text}", _TEXT_LIMIT)
    return Message(text=text, blocks=blocks)


def direct_answer(
    answer: Answer,
    tz: ZoneInfo,
    *,
    counts: Mapping[str, tuple[int, int]] | None = None,
    now: float = 0,
) -> str | None:
    """One sentence answering who / when / where / how full about the lead session, if that
    was asked; of a session held several times, about its times still to come at `now`."""
    lead = answer.lead
    if lead is None or answer.query.focus is None:
        return None
    slots = answer.slots.get(lead.id, (lead,))
    to_come = [slot for slot in slots if not now or slot.end.timestamp() > now] or [slots[-1]]
    title = f"*{escape(truncate(lead.title, 300))}*"
    if answer.query.focus == "who":
        if lead.speakers:
            return f"{title} is led by {escape(truncate(speaker_list(lead), 1500))}."
        if lead.host:
            return f"{title} is hosted by {escape(truncate(lead.host, 500))}."
        return None
    if answer.query.focus == "places":
        return _places_sentence(to_come[0], title, (counts or {}).get(to_come[0].id), now=now)
    if answer.query.focus == "when":
        times = [slack_time_range(s.start.astimezone(tz), s.end.astimezone(tz)) for s in to_come]
        return f"{title} is on {' and '.join(times[:MAX_SLOTS])}."
    where = [escape(truncate(lead.location, 500))] if lead.location else []
    if lead.join_url:
        where.append(f"join at <{escape(lead.join_url)}|this link>")
    return f"{title}: {', '.join(where)}." if where else None


def _places_sentence(
    session: Session, title: str, counts: tuple[int, int] | None, *, now: float
) -> str:
    if now and session.end.timestamp() <= now:
        return f"{title} has already taken place."
    if not session.capacity or counts is None:
        return f"{title} has no limit on places."
    registered, waiting = counts
    left = session.capacity - registered
    if left > 0:
        return f"{title} has {left} of {session.capacity} places left."
    if waiting:
        return f"{title} is full, with {waiting} on the waitlist: register to join it."
    return f"{title} is full: register to be first on the waitlist."


def _pager(origin: Origin, pages: int) -> Block:
    buttons = []
    if origin.page > 0:
        previous = button_value(replace(origin, page=origin.page - 1))
        buttons.append(button("‹ Previous", action_id=ids.SESSIONS_PAGE_PREVIOUS, value=previous))
    if origin.page < pages - 1:
        following = button_value(replace(origin, page=origin.page + 1))
        buttons.append(button("More ›", action_id=ids.SESSIONS_PAGE_NEXT, value=following))
    return actions(*buttons)


def hint(examples: Examples) -> str:
    """Small print on what else to ask, in the programme's own words (mrkdwn)."""
    asked = (f"/sessions {examples.day}", f"/sessions {examples.topic}", "/sessions now")
    return f"Try {', '.join(code(words) for words in asked)} or `/sessions help`."


def _nothing_message(answer: Answer, examples: Examples) -> Message:
    note = escape(answer.note or "Nothing found.")
    days = ", ".join(short_day(day) for day in answer.suggested_days)
    topics = ", ".join(escape(topic) for topic in answer.suggested_topics)
    lines = [note]
    if days:
        lines.append(f"*Days with sessions:* {days}")
    if topics:
        lines.append(f"*Topics to try:* {topics}")
    text = truncate(f"{note} Days with sessions: {days}.", _TEXT_LIMIT)
    return Message(text=text, blocks=[section("\n".join(lines)), context(hint(examples))])


def _fallback(answer: Answer, tz: ZoneInfo) -> str:
    count = len(answer.sessions)
    parts = [f"{answer.heading}: {counted(count, 'session')}."]
    for session in answer.sessions[:PAGE_SIZE]:
        when = time_range(session.start.astimezone(tz), session.end.astimezone(tz))
        parts.append(f"{truncate(session.title, 120)} ({when})")
    return truncate(escape(" ".join(parts)), _TEXT_LIMIT)

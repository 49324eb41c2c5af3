"""Block Kit for answers about asking itself and the week as a whole: help, a greeting, how
to join, the week at a glance, and where to find one's own sessions. Pure."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.answering import Answer, DaySummary
from bot.blocks.formatting import Message, escape, truncate
from bot.blocks.kit import Block, context, header, section
from bot.dates import clock, short_day

GREETING = "Hello! I answer questions about the week's sessions and sign you up for them."
MINE = "Your sessions are in `/mysessions`, and on my Home tab."
_FEATURED_SHOWN = 2


def help_message() -> Message:
    """How to ask, with examples."""
    lines = [
        "*Ask me about Social Work Week sessions*",
        "• `/sessions` shows what is on today",
        "• `/sessions tuesday`, `/sessions 21 March` or `/sessions tomorrow` shows a day",
        "• `/sessions racism`, `/sessions Rebekah Pierre` or `/sessions headline` finds a topic,"
        " speaker or organisation",
        "• `/sessions now`, `/sessions next` or `/sessions thursday evening`",
        "• `/sessions at 2pm on thursday`, `/sessions in person` or `/sessions this week`",
        "• `/register racism` signs you up; `/mysessions` shows your sessions, and"
        " `/mysessions calendar` puts them in your calendar",
        "• `/reminders` chooses your reminders: `/reminders 15m` or `/reminders off`",
        "• `/cpd` shows your CPD record of the week, with your reflections",
        "• `/forgetme` shows what I keep about you, and deletes it",
        "• Or just ask, in a direct message or by mentioning me in a channel:"
        " _who is running the stereotypes session?_",
    ]
    text = "Ask about sessions: /sessions tuesday, /sessions racism, /sessions now, or ask me."
    return Message(text=text, blocks=[section("\n".join(lines))])


def week_message(answer: Answer, tz: ZoneInfo) -> Message:
    """The reply to a greeting, "how do I join?", "what's on this week?" or "what am I
    registered for?" (the last normally answered with the person's agenda instead)."""
    if answer.kind == "greeting":
        helped = help_message()
        return Message(text=f"{GREETING} {helped.text}", blocks=[section(GREETING), *helped.blocks])
    if answer.kind == "mine":
        return Message(text=MINE.replace("`", ""), blocks=[section(MINE)])
    note = escape(answer.note or "")
    blocks: list[Block] = [header(answer.heading), section(note)]
    if answer.kind == "overview":
        lines = [_day_line(day, tz) for day in answer.week]
        blocks.append(section(truncate("\n".join(lines), 3000)))
        blocks.append(
            context("Ask about a day: `/sessions tuesday`, or a topic: `/sessions racism`.")
        )
    text = truncate(f"{answer.heading}: {answer.note or ''}", 3000)
    return Message(text=escape(text), blocks=blocks)


def _day_line(day: DaySummary, tz: ZoneInfo) -> str:
    parts = [f"*{short_day(day.day)}*"]
    if day.name:
        parts.append(escape(truncate(day.name, 100)))
    parts.append(f"{day.count} session{'s' if day.count != 1 else ''}")
    for session in day.featured[:_FEATURED_SHOWN]:
        start = clock(session.start.astimezone(tz))
        parts.append(f"{start} {escape(truncate(session.title, 80))}")
    return " · ".join(parts)

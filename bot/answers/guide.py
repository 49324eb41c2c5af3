"""Block Kit for answers about asking itself and the week as a whole: help, a greeting, how
to join, the week at a glance, and where to find one's own sessions. Pure."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.answering import Answer, DaySummary
from bot.blocks.formatting import Message, code, escape, truncate
from bot.blocks.kit import Block, context, header, section
from bot.current.examples import Examples
from bot.dates import clock, short_day
from bot.wording import counted

MINE = "Your sessions are in `/mysessions`, and on my Home tab."
_FEATURED_SHOWN = 2


def greeting(examples: Examples) -> str:
    """What the bot says to "hello" before its help (mrkdwn)."""
    return (
        f"Hello! I answer questions about the sessions of {escape(examples.event)} "
        "and sign you up for them."
    )


def help_message(examples: Examples) -> Message:
    """How to ask, with examples that work on the programme in force."""
    ask = examples
    speaker = f", {code(f'/sessions {ask.speaker}')}" if ask.speaker else ""
    kind = f" or {code(f'/sessions {ask.kind}')}" if ask.kind else ""
    lines = [
        f"*Ask me about the sessions of {escape(ask.event)}*",
        "• `/sessions` shows what is on today",
        f"• {code(f'/sessions {ask.day}')}, {code(f'/sessions {ask.date}')} or"
        " `/sessions tomorrow` shows a day",
        f"• {code(f'/sessions {ask.topic}')}{speaker}{kind} finds a topic, speaker or organisation",
        f"• `/sessions now`, `/sessions next` or {code(f'/sessions {ask.part}')}",
        f"• {code(f'/sessions {ask.clock}')}, {code(f'/sessions {ask.format}')} or"
        f" {code(f'/sessions {ask.overview}')}",
        f"• {code(f'/register {ask.register}')} signs you up; `/mysessions` shows your sessions,"
        " and `/mysessions calendar` puts them in your calendar",
        "• `/reminders` chooses your reminders: `/reminders 15m` or `/reminders off`",
        "• `/cpd` shows your CPD record, with your reflections",
        "• `/forgetme` shows what I keep about you, and deletes it",
        "• Or just ask, in a direct message or by mentioning me in a channel:"
        f" _{escape(ask.question)}_, or _sign me up for {escape(ask.register)}_",
    ]
    text = (
        f"Ask about the sessions of {ask.event}: /sessions {ask.day}, /sessions {ask.topic},"
        " /sessions now, or ask me."
    )
    return Message(text=escape(text), blocks=[section("\n".join(lines))])


def week_message(answer: Answer, tz: ZoneInfo, examples: Examples) -> Message:
    """The reply to a greeting, "how do I join?", "what's on this week?" or "what am I
    registered for?" (the last normally answered with the person's agenda instead)."""
    if answer.kind == "greeting":
        hello, helped = greeting(examples), help_message(examples)
        text = f"{hello} {helped.text}"
        return Message(text=text, blocks=[section(hello), *helped.blocks])
    if answer.kind == "mine":
        return Message(text=MINE.replace("`", ""), blocks=[section(MINE)])
    note = escape(answer.note or "")
    blocks: list[Block] = [header(answer.heading), section(note)]
    if answer.kind == "overview":
        lines = [_day_line(day, tz) for day in answer.week]
        blocks.append(section(truncate("\n".join(lines), 3000)))
        day, topic = code(f"/sessions {examples.day}"), code(f"/sessions {examples.topic}")
        blocks.append(context(f"Ask about a day: {day}, or a topic: {topic}."))
    text = truncate(f"{answer.heading}: {answer.note or ''}", 3000)
    return Message(text=escape(text), blocks=blocks)


def _day_line(day: DaySummary, tz: ZoneInfo) -> str:
    parts = [f"*{short_day(day.day)}*"]
    if day.name:
        parts.append(escape(truncate(day.name, 100)))
    parts.append(counted(day.count, "session"))
    for session in day.featured[:_FEATURED_SHOWN]:
        start = clock(session.start.astimezone(tz))
        parts.append(f"{start} {escape(truncate(session.title, 80))}")
    return " · ".join(parts)

"""Block Kit for reminders, "starting soon" posts and the /reminders settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks import ids
from bot.blocks.formatting import Message, escape, truncate
from bot.blocks.kit import Block, actions, button, context, section
from bot.blocks.values import Origin, button_value
from bot.dates import offset_words
from bot.programme import Session
from bot.registrations.records import Seat
from bot.registrations.sessions import session_section, where_to_join
from bot.reminders.choices import Choice, describe, help_lines, offset_token, wants


def reminder_message(
    session: Session, tz: ZoneInfo, *, starts: str, dated: bool = False
) -> Message:
    """A registrant's reminder, with a "Stop reminders" button: `starts` is when it starts in
    words ("starts in 15 minutes", "starts tomorrow at 12:30"); `dated` when those words name
    the day and time, which the blocks then show in each reader's own timezone."""
    title = escape(truncate(session.title, 200))
    when = escape(starts)
    if dated:
        stamp = int(session.start.timestamp())
        when = f"<!date^{stamp}^starts {{date_pretty}} at {{time}}|{when}>"
    lead = f":alarm_clock: *{title}* {when}."
    value = button_value(Origin("reminder"), session.id)
    details = session_section(session, tz, seat=Seat("registered"), value=value)
    stop = button("Stop reminders", action_id=ids.REMINDERS_STOP, value=session.id)
    text = f"{title} {starts}. {where_to_join(session)}".strip()
    return Message(text=text, blocks=[section(lead), details, actions(stop)])


STOPPED = "Reminders are off. `/reminders on` to turn them back on."


def reminders_stopped(message: dict[str, Any]) -> Message:
    """A reminder DM (as Slack sent it back with the button press) after "Stop reminders":
    the reminder as it was, the button gone, and how to turn them back on."""
    blocks = [
        block
        for block in message.get("blocks") or []
        if not any(e.get("action_id") == ids.REMINDERS_STOP for e in block.get("elements", []))
        and not (block.get("type") == "context" and STOPPED in str(block))
    ]
    text = str(message.get("text") or "").removesuffix(STOPPED).strip()
    return Message(
        text=f"{text}\n{STOPPED}".strip(),
        blocks=[*blocks[:48], context(f":no_bell: {STOPPED}")],
    )


def reminder_settings(choice: Choice, planned: Sequence[int], *, saved: bool = False) -> Message:
    """`/reminders`: where the person stands, with On and Off buttons and one toggle per
    reminder the organisers plan (when they plan more than one). `saved`: just changed."""
    line, on_at_all = describe(choice, planned), wants_any(choice, planned)
    mark = ":white_check_mark:" if saved else (":bell:" if on_at_all else ":no_bell:")
    buttons: list[Block] = [
        _styled(button("On", action_id=ids.REMINDERS_ON, value="on"), choice is None),
        _styled(button("Off", action_id=ids.REMINDERS_OFF, value="off"), not on_at_all),
    ]
    if len(planned) > 1:
        for number, seconds in enumerate(planned, start=1):
            on = wants(choice, seconds)
            label = f"{'✓ ' if on else ''}{offset_words(_delta(seconds))} before"
            action_id = ids.numbered(ids.REMINDERS_OFFSET, number)
            toggle = button(label, action_id=action_id, value=str(seconds))
            buttons.append(_styled(toggle, on))
    hint = "`/reminders help` for more."
    if not on_at_all:
        hint = "`/reminders on` to turn them back on."
    elif len(planned) > 1:
        hint = f"Tap a time to turn it on or off, or type `/reminders {offset_token(planned[-1])}`."
    blocks = [section(f"{mark} {line}"), actions(*buttons), context(hint)]
    text = ("Saved. " if saved else "") + line.replace("*", "")
    return Message(text=text, blocks=blocks)


def reminders_help(planned: Sequence[int]) -> Message:
    """`/reminders help`."""
    lines = help_lines(planned)
    return Message(text="\n".join(lines), blocks=[section("\n".join(lines))])


def reminders_problem(problem: str) -> Message:
    """Why `/reminders …` changed nothing (`problem` as worded by the reminders package)."""
    return Message(text=problem, blocks=[section(escape(problem))])


def wants_any(choice: Choice, planned: Sequence[int]) -> bool:
    return any(wants(choice, seconds) for seconds in planned)


def _delta(seconds: int) -> timedelta:
    return timedelta(seconds=seconds)


def _styled(element: Block, primary: bool) -> Block:
    return {**element, "style": "primary"} if primary else element


def starting_soon_message(
    session: Session, tz: ZoneInfo, *, starts: str, registered: int
) -> Message:
    """The announcements channel's "starting soon" post."""
    title = escape(truncate(session.title, 200))
    lead = f":loudspeaker: Starting soon: *{title}* {escape(starts)}."
    value = button_value(Origin("channel"), session.id)
    people = f"{registered} registered." if registered else ""
    details = session_section(session, tz, seat=Seat("none"), value=value)
    blocks = [section(lead), details] + ([context(people)] if people else [])
    text = f"Starting soon: {title} {starts}. {where_to_join(session)}".strip()
    return Message(text=text, blocks=blocks)

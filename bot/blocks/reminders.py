"""Block Kit for reminders, "starting soon" posts, and news of moved or cancelled sessions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.blocks.formatting import Message, escape, truncate
from bot.blocks.kit import context, section
from bot.blocks.sessions import session_section
from bot.blocks.values import Origin, button_value
from bot.programme import Session
from bot.programme.diff import SessionChange
from bot.store import Seat
from bot.wording import time_range


def reminder_message(session: Session, tz: ZoneInfo, *, starts: str) -> Message:
    """A registrant's reminder: `starts` is the time left in words ("starts in 15 minutes")."""
    title = escape(truncate(session.title, 200))
    lead = f":alarm_clock: *{title}* {escape(starts)}."
    value = button_value(Origin("reminder"), session.id)
    details = session_section(session, tz, seat=Seat("registered"), value=value)
    text = f"{title} {starts}. {_where(session)}".strip()
    return Message(text=text, blocks=[section(lead), details])


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
    text = f"Starting soon: {title} {starts}. {_where(session)}".strip()
    return Message(text=text, blocks=blocks)


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
    line = f":leftwards_arrow_with_hook: *{title}* is back on: {when}. {_where(session)}".strip()
    return Message(text=line.replace("*", ""), blocks=[section(line)])


def _where(session: Session) -> str:
    if session.join_url:
        return f"Join: {session.join_url}"
    return escape(session.location or "")

"""Block Kit for registrations: confirmations, a person's agenda, App Home and session cards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.formatting import Message, code, escape, slack_time_range, truncate
from bot.blocks.kit import Block, context, header, section
from bot.blocks.values import Origin, button_value
from bot.current.examples import Examples
from bot.dates import day_name, time_range
from bot.programme import Session
from bot.registrations import Agenda, Change
from bot.registrations.records import NO_SEAT, Seat
from bot.registrations.sessions import session_details, session_section
from bot.wording import counted

HOME_BLOCK_LIMIT = 100


def register_hint(examples: Examples) -> str:
    """How to register, with words that register on the programme in force (mrkdwn)."""
    asked = [code(f"/register {examples.register}")]
    if examples.speaker and examples.speaker_registers:
        asked.append(code(f"/register {examples.speaker}"))
    return (
        "Register with `/register` and a session's name, topic or speaker, for example "
        f"{' or '.join(asked)}. `/mysessions` shows your sessions."
    )


def change_notice(change: Change, tz: ZoneInfo, *, plain: bool = False) -> str:
    """One short mrkdwn line telling the person what just happened (`plain`: dates as text,
    for notifications)."""
    session = change.session
    title = f"*{escape(truncate(session.title, 200))}*"
    when = _when(session, tz, plain=plain)
    position = change.seat.position
    ended = time_range(session.start.astimezone(tz), session.end.astimezone(tz))
    notices = {
        "ended": f"{title} took place on {ended}, so registration has closed.",
        "registered": f":white_check_mark: You're registered for {title}, {when}.",
        "waitlisted": f"{title} is full, so you're on the waitlist, number {position}. "
        "If a place frees up, you'll be registered and I'll tell you.",
        "already_registered": f"You're already registered for {title}, {when}.",
        "already_waitlisted": f"You're already on the waitlist for {title}, number {position}.",
        "unregistered": f"You're no longer registered for {title}.",
        "left_waitlist": f"You've left the waitlist for {title}.",
        "not_registered": f"You weren't registered for {title}, so nothing changed.",
    }
    return notices[change.kind]


def change_message(change: Change, tz: ZoneInfo) -> Message:
    """The confirmation on its own, e.g. as a direct message."""
    text = change_notice(change, tz, plain=True)
    return Message(text=text, blocks=[section(change_notice(change, tz))])


def promoted_message(session: Session, tz: ZoneInfo) -> Message:
    """Telling someone their waitlist place became a real one."""
    title = f"*{escape(truncate(session.title, 200))}*"
    notice = ":tada: A place came free: you're now registered for {title}, {when}."
    text = notice.format(title=title, when=_when(session, tz, plain=True))
    return Message(text=text, blocks=[section(notice.format(title=title, when=_when(session, tz)))])


def register_help(examples: Examples) -> Message:
    """What `/register` on its own says."""
    hint = register_hint(examples)
    return Message(text=_plain(hint), blocks=[section(hint)])


def _plain(mrkdwn: str) -> str:
    """A notification's text from our own mrkdwn: no backticks, escapes kept."""
    return mrkdwn.replace("`", "")


def agenda_message(
    agenda: Agenda,
    tz: ZoneInfo,
    *,
    examples: Examples,
    notice: str | None = None,
    calendar_link: str | None = None,
) -> Message:
    """`/mysessions`: the person's sessions by day, each with an Unregister button; with
    `calendar_link`, a line offering their private calendar feed."""
    blocks: list[Block] = [header("Your sessions")]
    if notice:
        blocks.append(section(notice))
    limit = 44 if calendar_link else 45
    blocks += agenda_blocks(agenda, tz, Origin("agenda"), limit=limit, examples=examples)
    if calendar_link:
        blocks.append(context(calendar_line(calendar_link)))
    count = len(agenda.entries)
    text = f"You have {counted(count, 'session')}." if count else NO_SESSIONS
    return Message(text=text if not notice else f"{notice} {text}", blocks=blocks)


NO_SESSIONS = "You haven't registered for any sessions yet."


def calendar_line(link: str) -> str:
    """The small print offering the person's calendar feed (`link`, theirs alone)."""
    return (
        f":calendar: Your sessions in your calendar app, kept up to date: subscribe to "
        f"<{escape(link)}> (a private link, yours alone; `/mysessions calendar` says how)."
    )


def agenda_blocks(
    agenda: Agenda, tz: ZoneInfo, origin: Origin, *, limit: int, examples: Examples
) -> list[Block]:
    """Day headings, sessions with buttons, overlap warnings; at most `limit` blocks. With no
    sessions, how to register (with the programme's `examples`)."""
    if not agenda.entries:
        return [section(NO_SESSIONS), context(register_hint(examples))]
    blocks: list[Block] = []
    for first, second in agenda.overlaps[:3]:
        blocks.append(
            section(
                f":warning: *{escape(truncate(first.title, 120))}* and "
                f"*{escape(truncate(second.title, 120))}* overlap."
            )
        )
    day: date | None = None
    shown = 0
    for session, seat in agenda.entries:
        if len(blocks) + 3 > limit:
            break
        start_day = session.start.astimezone(tz).date()
        if start_day != day:
            day = start_day
            blocks.append(context(f"*{day_name(day)}*"))
        value = button_value(origin, session.id)
        blocks.append(session_section(session, tz, seat=seat, value=value))
        if seat.state == "waitlisted":
            blocks.append(context(f"On the waitlist, number {seat.position}"))
        shown += 1
    if shown < len(agenda.entries):
        blocks.append(context(f"And {len(agenda.entries) - shown} more."))
    return blocks


def home_view(
    agenda: Agenda,
    upcoming: Sequence[Session],
    seats: dict[str, Seat],
    tz: ZoneInfo,
    *,
    examples: Examples,
    notice: str | None = None,
    yours: Sequence[str] = (),
) -> dict[str, Any]:
    """The App Home tab: what is on next, then the person's agenda, with the same buttons.
    `notice` (mrkdwn) confirms what the person just did; `yours` (mrkdwn lines: their
    calendar, reminders, CPD hours) closes it."""
    origin = Origin("home")
    blocks: list[Block] = [section(notice)] if notice else []
    blocks.append(header("What's on next"))
    if upcoming:
        for session in upcoming:
            value = button_value(origin, session.id)
            seat = seats.get(session.id, NO_SEAT)
            blocks.append(session_section(session, tz, seat=seat, value=value))
    else:
        blocks.append(section("Nothing more is coming up."))
    blocks.append(header("Your sessions"))
    remaining = HOME_BLOCK_LIMIT - len(blocks) - 1 - (2 if yours else 0)
    blocks += agenda_blocks(agenda, tz, origin, limit=remaining, examples=examples)
    if yours:
        blocks += [header("Your week"), section("\n".join(yours))]
    event = escape(truncate(examples.event, 200))
    blocks.append(context(f"Ask me anything about {event}: `/sessions help`."))
    return {"type": "home", "blocks": blocks}


def session_card(
    session: Session, tz: ZoneInfo, *, emoji: str, registered: int, waiting: int
) -> Message:
    """A session's card in the announcements channel: react to register."""
    counts = f"{registered} registered"
    if session.capacity:
        counts += f" of {session.capacity} places"
    if waiting:
        counts += f", {waiting} on the waitlist"
    invite = f"React with :{emoji}: to register; remove it to unregister."
    blocks = [section(session_details(session, tz, full=True)), context(f"{invite} {counts}.")]
    text = f"{escape(truncate(session.title, 200))} ({_when(session, tz, plain=True)}). {invite}"
    return Message(text=text, blocks=blocks)


def cancelled_card(session: Session, tz: ZoneInfo) -> Message:
    """A session's card once the session has been removed from the programme."""
    title = escape(truncate(session.title, 200))
    line = f":no_entry: *{title}* ({_when(session, tz, plain=True)}) has been cancelled."
    return Message(text=line.replace("*", ""), blocks=[section(line)])


def _when(session: Session, tz: ZoneInfo, *, plain: bool = False) -> str:
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    return time_range(start, end) if plain else slack_time_range(start, end)

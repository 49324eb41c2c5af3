"""Dates and times in words, the one place they are worded: "Tuesday 21 March", "Tue 21 Mar,
12:30–14:00 GMT", "15 minutes", "starts in 1 hour 30 minutes", "starts tomorrow at 12:30".

One policy everywhere: times are shown in the moment's own timezone (pass them converted to
the event's), on the 24-hour clock; names of days and months are English whatever the
machine's locale (so never `strftime("%A")` or `%a`, which follow the locale). Slack's own
date tokens, which show each reader their own time, are built in `bot.blocks.formatting`
with these as their fallbacks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.wording import counted, joined

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Up to this much time left, say how long ("in 2 hours 40 minutes"); beyond it, say when.
_COUNT_DOWN_UNTIL = timedelta(hours=3)


def day_name(day: date) -> str:
    """`Tuesday 21 March`."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def date_span(first: date, last: date) -> str:
    """`20 March–24 March 2023`."""
    return (
        f"{first.day} {_MONTHS[first.month - 1]}–{last.day} {_MONTHS[last.month - 1]} {last.year}"
    )


def short_day(day: date) -> str:
    """`Tue 21 Mar`."""
    return f"{_DAYS[day.weekday()][:3]} {day.day} {_MONTHS[day.month - 1][:3]}"


def clock(moment: datetime) -> str:
    """`12:30`."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def short_moment(moment: datetime) -> str:
    """`Tue 21 Mar, 12:30`."""
    return f"{short_day(moment)}, {clock(moment)}"


def time_range(start: datetime, end: datetime) -> str:
    """`Tue 21 Mar, 12:30–14:00 GMT` (the timezone's abbreviation is the end's)."""
    return f"{short_moment(start)}–{clock(end)} {end.tzname() or ''}".rstrip()


def offset_words(offset: timedelta) -> str:
    """A configured offset in words: "1 day", "15 minutes", "1 day and 2 hours"."""
    if offset < timedelta(0):
        raise ValueError("an offset cannot be negative")
    hours, rest = divmod(offset.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    amounts = zip(
        (offset.days, hours, minutes, seconds), ("day", "hour", "minute", "second"), strict=True
    )
    parts = [counted(amount, unit) for amount, unit in amounts if amount]
    return joined(parts) if parts else "0 seconds"


def _day(moment: datetime, today: datetime) -> str:
    days = (moment.date() - today.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    year = "" if moment.year == today.year else f" {moment.year}"
    return f"on {_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}{year}"


def says_when(start: datetime, now: datetime) -> bool:
    """Whether `starts_words` names the day and time ("starts tomorrow at 12:30") rather than
    counting down: then Slack's date formatting can show each reader their own time."""
    return start.astimezone(UTC) - now.astimezone(UTC) >= _COUNT_DOWN_UNTIL


def starts_words(start: datetime, now: datetime, tz: ZoneInfo) -> str:
    """When a session starts, from `now`, in words: "starts now", "starts in 15 minutes",
    "starts in 1 hour 30 minutes", "starts today at 16:00", "starts on Wednesday 22 March at
    13:00" (event time); "started today at 09:30" once more than a minute has passed."""
    # In UTC: Python subtracts two times with the same tzinfo by wall clock, ignoring DST.
    left = start.astimezone(UTC) - now.astimezone(UTC)
    local, today = start.astimezone(tz), now.astimezone(tz)
    if left < -timedelta(minutes=1):
        return f"started {_day(local, today)} at {clock(local)}"
    if left < timedelta(minutes=1):
        return "starts now"
    if left < _COUNT_DOWN_UNTIL:
        # To the nearest minute: a reminder run a few milliseconds late still says "15 minutes".
        minutes = round(left / timedelta(minutes=1))
        hours, minutes = divmod(minutes, 60)
        parts = [counted(hours, "hour")] if hours else []
        parts += [counted(minutes, "minute")] if minutes else []
        return "starts in " + " ".join(parts)
    return f"starts {_day(local, today)} at {clock(local)}"

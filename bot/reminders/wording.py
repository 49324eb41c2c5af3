"""Plain wording for reminders: "15 minutes", "starts in 1 hour 30 minutes", "starts tomorrow
at 12:30". Times are local to the event; names of days and months are English whatever the
machine's locale (so no `strftime("%A")`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

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


def _count(amount: int, unit: str) -> str:
    return f"{amount} {unit}" if amount == 1 else f"{amount} {unit}s"


def _and_list(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def offset_words(offset: timedelta) -> str:
    """A configured offset in words: "1 day", "15 minutes", "1 day and 2 hours"."""
    if offset < timedelta(0):
        raise ValueError("an offset cannot be negative")
    hours, rest = divmod(offset.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    amounts = zip(
        (offset.days, hours, minutes, seconds), ("day", "hour", "minute", "second"), strict=True
    )
    parts = [_count(amount, unit) for amount, unit in amounts if amount]
    return _and_list(parts) if parts else "0 seconds"


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


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


def starts_words(start: datetime, now: datetime, tz: ZoneInfo) -> str:
    """When a session starts, from `now`, in words: "starts now", "starts in 15 minutes",
    "starts in 1 hour 30 minutes", "starts today at 16:00", "starts on Wednesday 22 March at
    13:00" (event time); "started today at 09:30" once more than a minute has passed."""
    # In UTC: Python subtracts two times with the same tzinfo by wall clock, ignoring DST.
    left = start.astimezone(UTC) - now.astimezone(UTC)
    local, today = start.astimezone(tz), now.astimezone(tz)
    if left < -timedelta(minutes=1):
        return f"started {_day(local, today)} at {_clock(local)}"
    if left < timedelta(minutes=1):
        return "starts now"
    if left < _COUNT_DOWN_UNTIL:
        # To the nearest minute: a reminder run a few milliseconds late still says "15 minutes".
        minutes = round(left / timedelta(minutes=1))
        hours, minutes = divmod(minutes, 60)
        parts = [_count(hours, "hour")] if hours else []
        parts += [_count(minutes, "minute")] if minutes else []
        return "starts in " + " ".join(parts)
    return f"starts {_day(local, today)} at {_clock(local)}"

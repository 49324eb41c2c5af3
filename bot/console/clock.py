"""The console's clock: the real time, or, with `--now`, a moment of one's choosing that keeps
moving from there, so "now", "next", "today" and reminders can be tried on a past programme."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

EXAMPLE = "2023-03-21T10:30"


class BadMoment(ValueError):
    """`--now` was given something that is not a date and time."""


def parse_moment(text: str) -> datetime:
    """`2023-03-21T10:30` (or with a space, seconds, or an offset such as `+01:00` or `Z`);
    without an offset it is read later in the event's timezone (`in_zone`)."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadMoment(f"{text.strip()!r} is not a date and time such as {EXAMPLE}") from None


def in_zone(moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment` as given if it has an offset; otherwise that wall-clock time in `tz`."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


class ConsoleClock:
    """Starts at `start` and runs on at the real pace: now = start + (real now - real start)."""

    def __init__(self, start: datetime, *, real: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        self._start = start.astimezone(UTC)
        self._real = real  # seconds of real time, as time.monotonic counts them
        self._began = real()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=self._real() - self._began)

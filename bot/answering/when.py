"""Reading days and clock times out of a question: "21 March", "March 21st", "2023-03-21",
"21/03", "the 24th", "tuesday", "at 2pm", "14:30". Pure; works on folded (ASCII) text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time, timedelta

from rapidfuzz import fuzz, process

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ABBREVIATIONS = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*"
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
DATE_PATTERNS = (
    ("ymd", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("dmy", re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")),
    ("d_month", re.compile(rf"\b{_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:\s+(\d{{4}}))?\b")),
    ("month_d", re.compile(rf"\b{_MONTH}\s+{_ORDINAL}(?:,?\s+(\d{{4}}))?\b")),
    ("nth", re.compile(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")),
)
CLOCK_PATTERNS = (
    ("12h", re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\b\.?")),
    ("at_hm", re.compile(r"\b(?:at|from|around|after|by)\s+(\d{1,2})[:.](\d{2})\b")),
    ("24h", re.compile(r"\b(\d{1,2})[:.](\d{2})\b")),
    ("at", re.compile(r"\b(?:at|from|around|after|by)\s+(\d{1,2})\b(?![/:.-]?\d)")),
    ("noon", re.compile(r"\b(noon|midday|lunchtime)\b")),
)


def read_date(
    kind: str, groups: Sequence[str | None], days: Sequence[date], today: date
) -> date | None:
    """The date a `DATE_PATTERNS` match names; None when there is no such date. Without a
    year, the programme's own year (or this year) is meant; "the 24th" alone is the
    programme day with that number."""
    if kind == "ymd":
        return _safe_date(*(int(g or 0) for g in groups))
    if kind == "nth":
        number = int(groups[0] or 0)
        same = [d for d in days if d.day == number]
        return same[0] if same else None
    if kind == "dmy":
        day, month = int(groups[0] or 0), int(groups[1] or 0)
    elif kind == "d_month":
        day, month = int(groups[0] or 0), _MONTHS[_month_key(groups[1])]
    else:
        day, month = int(groups[1] or 0), _MONTHS[_month_key(groups[0])]
    year = _full_year(groups[2])
    if year is None:
        same = [d for d in days if (d.month, d.day) == (month, day)]
        year = same[0].year if same else (days[0].year if days else today.year)
    return _safe_date(year, month, day)


def read_clock(kind: str, groups: Sequence[str | None]) -> time | None:
    """The time of day a `CLOCK_PATTERNS` match names: "2pm", "2.30pm", "14:00", "at 2" (an
    hour from 1 to 7 alone, or as "at 2.30", is in the afternoon), "noon"."""
    if kind == "noon":
        return time(12, 0)
    hour = int(groups[0] or 0)
    minute = int(groups[1] or 0) if kind in ("12h", "24h", "at_hm") else 0
    if kind == "12h":
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if groups[2] == "p" else 0)
    elif kind == "at" and 1 <= hour <= 7:
        hour += 12
    elif kind == "at_hm" and 1 <= hour <= 7 and not (groups[0] or "").startswith("0"):
        hour += 12  # "at 2.30" at an event is half past two in the afternoon; "at 02:30" not
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def weekday(word: str) -> int | None:
    """Monday is 0; forgiving of abbreviations and a slip or two (`wensday`)."""
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    if len(word) < 5:
        return None
    match = process.extractOne(word, WEEKDAYS, scorer=fuzz.ratio, score_cutoff=80)
    return WEEKDAYS.index(match[0]) if match else None


def date_for_weekday(weekday: int, days: Sequence[date], today: date) -> date | None:
    """The programme day with that weekday (the next one from today if several); None when
    the programme has no such day."""
    candidates = [day for day in days if day.weekday() == weekday]
    upcoming = [day for day in candidates if day >= today]
    return upcoming[0] if upcoming else (candidates[-1] if candidates else None)


def relative_day(word: str, today: date) -> date | None:
    offsets = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}
    return today + timedelta(days=offsets[word]) if word in offsets else None


def _month_key(text: str | None) -> str:
    key = (text or "")[:4]
    return key if key == "sept" else key[:3]


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None

"""Read a person's question into days, a time of day, a moment (now / next) and topic words.

Pure and free of Slack: `parse_query("anything on racism tomorrow?", days=..., today=...)`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from bot.answering.words import STOP_WORDS, stem, tokens

Period = Literal["morning", "afternoon", "evening"]
Moment = Literal["now", "next"]
Focus = Literal["who", "when", "where"]

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
_DATE_PATTERNS = (
    ("ymd", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("dmy", re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")),
    ("d_month", re.compile(rf"\b{_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:\s+(\d{{4}}))?\b")),
    ("month_d", re.compile(rf"\b{_MONTH}\s+{_ORDINAL}(?:,?\s+(\d{{4}}))?\b")),
)
_PERIODS: dict[str, Period] = {
    "morning": "morning",
    "mornings": "morning",
    "am": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "lunchtime": "afternoon",
    "pm": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "tonight": "evening",
}
_FOCUS: dict[str, Focus] = {
    "who": "who",
    "whos": "who",
    "when": "when",
    "time": "when",
    "where": "where",
    "link": "where",
    "join": "where",
}
_HELP = {"help", "commands", "how", "usage"}
_RELATIVE_DAYS = {"today": 0, "tonight": 0, "tomorrow": 1}

# The most topic words one question is searched for: each costs a fuzzy look through the
# programme's vocabulary, and a question is answered inside Slack's 3-second acknowledgement,
# so 500 characters of unknown words must not cost 70 such looks.
MAX_TOPICS = 8


@dataclass(frozen=True)
class Query:
    """What a question asks for. Empty fields mean "not asked"."""

    text: str
    days: tuple[date, ...] = ()
    period: Period | None = None
    moment: Moment | None = None
    topics: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    focus: Focus | None = None
    is_help: bool = False
    problems: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.days or self.period or self.moment or self.topics or self.problems)


@lru_cache(maxsize=2048)
def parse_query(text: str, *, days: tuple[date, ...], today: date) -> Query:
    """Parse `text`; `days` are the programme's days, `today` is in the event's timezone.

    Pure, so remembered: many people ask the same few questions."""
    original = text.strip()
    lowered = original.lower()
    words = tokens(lowered)
    if words and set(words) <= _HELP | {"me", "please"} and words[0] in _HELP:
        return Query(text=original, is_help=True)

    found_days: list[date] = []
    problems: list[str] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(lowered):
            day = _read_date(kind, match.groups(), days, today)
            if day is None:
                problems.append(f"“{match.group(0)}” is not a date I know")
            else:
                found_days.append(day)
        lowered = pattern.sub(" ", lowered)

    period: Period | None = None
    moment: Moment | None = None
    focus: Focus | None = None
    topics: list[str] = []
    topic_words: list[str] = []
    for word in tokens(lowered):
        if word in _RELATIVE_DAYS:
            found_days.append(today + timedelta(days=_RELATIVE_DAYS[word]))
        if word in _PERIODS:
            period = _PERIODS[word]
        elif word in ("now", "currently"):
            moment = "now"
        elif word in _FOCUS:
            focus = focus or _FOCUS[word]
        elif word in _RELATIVE_DAYS:
            continue
        elif (weekday := _weekday(word)) is not None:
            found_days.append(_date_for_weekday(weekday, days, today))
        elif word not in STOP_WORDS and not word.isdigit():
            topics.append(stem(word))
            topic_words.append(word)
    if period and "this" in words and not found_days:
        found_days.append(today)
    if "next" in words and not found_days:
        moment = moment or "next"
    return Query(
        text=original,
        days=tuple(sorted(set(found_days))),
        period=period,
        moment=moment,
        topics=tuple(dict.fromkeys(topics))[:MAX_TOPICS],
        words=tuple(dict.fromkeys(topic_words))[:MAX_TOPICS],
        focus=focus,
        problems=tuple(problems),
    )


def _weekday(word: str) -> int | None:
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    if len(word) < 5:
        return None
    match = process.extractOne(word, WEEKDAYS, scorer=fuzz.ratio, score_cutoff=80)
    return WEEKDAYS.index(match[0]) if match else None


def _date_for_weekday(weekday: int, days: Sequence[date], today: date) -> date:
    """The programme day with that weekday (the next one from today if several), else the next
    such date from today."""
    candidates = [day for day in days if day.weekday() == weekday]
    if candidates:
        upcoming = [day for day in candidates if day >= today]
        return upcoming[0] if upcoming else candidates[-1]
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _read_date(
    kind: str, groups: tuple[str | None, ...], days: Sequence[date], today: date
) -> date | None:
    if kind == "ymd":
        return _safe_date(*(int(g or 0) for g in groups))
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

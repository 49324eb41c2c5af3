"""Reading the values people type in a programme spreadsheet: dates, clock times, lengths,
speaker lists, tags, capacities; and making ids from titles.

Each reader returns the value or raises `ValueError` with a message a person can act on.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from anyascii import anyascii

from bot.programme import Speaker

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
DATE_HINT = "write it like 2027-03-16, 16/03/2027 or 16 March 2027"
TIME_HINT = "write it like 09:30, 9.30am or 2pm"
DURATION_HINT = "write minutes (90) or hours and minutes (1h30, 1:30, 45m)"

_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# A spreadsheet's date cell may come out as a date and midnight: `2027-03-16 00:00:00`.
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?(?:\s*([ap])\.?\s*m?\.?)?")
_RANGE = re.compile(r"\s*(?:-|–|—|\bto\b|\buntil\b)\s*")
_MINUTES = r"(?:m|min|mins|minutes?)"
_HOURS = r"(?:h|hr|hrs|hours?)"
_LENGTH = re.compile(rf"(\d+(?:\.\d+)?)\s*{_HOURS}\s*(?:(\d{{1,2}})\s*{_MINUTES}?)?")
_SPEAKER = re.compile(r"(?P<name>[^()]*?)\s*\((?P<extra>[^()]*)\)")


def parse_date(text: str) -> date:
    """`2027-03-16`, `16/03/2027` (day first), `16 March 2027`, `Tuesday 16 Mar 2027`,
    `March 16, 2027`; a weekday, when given, must be the date's."""
    cleaned = text.strip()
    if match := _ISO_DATE.fullmatch(cleaned):
        year, month, day = (int(part) for part in match.groups())
        return _date(year, month, day, text)
    if match := _NUMERIC_DATE.fullmatch(cleaned):
        day, month, year = (int(part) for part in match.groups())
        return _date(year, month, day, text, hint=" (read day first, as 16/03/2027)")
    words = re.findall(r"[^\W\d_]+|\d+", cleaned.casefold())
    weekday = WEEKDAYS.get(words[0]) if words else None
    if weekday is not None:
        words = words[1:]
    numbers = [int(word) for word in words if word.isdigit()]
    months = [MONTHS[word] for word in words if word in MONTHS]
    others = [word for word in words if not word.isdigit() and word not in MONTHS]
    others = [word for word in others if word not in ("st", "nd", "rd", "th", "of")]
    if len(numbers) != 2 or len(months) != 1 or others or numbers[1] < 1000:
        raise ValueError(f"cannot read {text.strip()!r} as a date; {DATE_HINT}")
    found = _date(numbers[1], months[0], numbers[0], text)
    if weekday is not None and found.weekday() != weekday:
        raise ValueError(f"{text.strip()!r}: {found.day} {found:%B %Y} is a {found:%A}")
    return found


def _date(year: int, month: int, day: int, text: str, *, hint: str = "") -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a date in the calendar{hint}") from None


def parse_time(text: str) -> time:
    """`09:30`, `9.30am`, `2.30pm`, `14:00`, `9am`, `12pm` (noon), `09:30:00`."""
    match = _TIME.fullmatch(text.strip().casefold())
    if not match or (match[2] is None and match[4] is None):
        raise ValueError(f"cannot read {text.strip()!r} as a time; {TIME_HINT}")
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise ValueError(f"cannot read {text.strip()!r} as a time; {TIME_HINT}")
        hour = hour % 12 + (12 if match[4] == "p" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"cannot read {text.strip()!r} as a time; {TIME_HINT}")
    return time(hour, minute)


def parse_time_range(text: str) -> tuple[time, time | None]:
    """A start time, or a range such as `9.30am-11am` or `14:00 to 15:30`."""
    parts = _RANGE.split(text.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parse_time(parts[0]), parse_time(parts[1])
    return parse_time(text), None


def parse_duration(text: str) -> timedelta:
    """`90` (minutes), `90 mins`, `1h30`, `1h`, `45m`, `1:30`, `1.5 hours`."""
    cleaned = text.strip().casefold()
    minutes: float | None = None
    if match := re.fullmatch(rf"(\d+)\s*{_MINUTES}?", cleaned):
        minutes = int(match[1])
    elif match := re.fullmatch(r"(\d+):(\d{2})", cleaned):
        minutes = int(match[1]) * 60 + int(match[2])
    elif match := _LENGTH.fullmatch(cleaned):
        minutes = float(match[1]) * 60 + int(match[2] or 0)
    if minutes is None or minutes <= 0 or abs(minutes - round(minutes)) > 1e-6:
        raise ValueError(f"cannot read {text.strip()!r} as a length; {DURATION_HINT}")
    return timedelta(minutes=round(minutes))


def parse_speakers(text: str) -> list[Speaker]:
    """`Name (Role, Organisation); Name (Organisation); Name`, separated by `;`, commas outside
    brackets, or new lines. A single bracketed item is the organisation."""
    speakers = []
    for item in _split_outside_brackets(text):
        match = _SPEAKER.fullmatch(item)
        if match is None:
            if "(" in item or ")" in item:
                raise ValueError(f"cannot read {item!r}: unbalanced brackets")
            speakers.append(Speaker(name=item))
            continue
        extra = [part.strip() for part in match["extra"].split(",") if part.strip()]
        if not match["name"]:
            raise ValueError(f"cannot read {item!r}: no name before the brackets")
        role = extra[0] if len(extra) > 1 else None
        organisation = ", ".join(extra[1:] if len(extra) > 1 else extra) or None
        speakers.append(Speaker(name=match["name"], role=role, organisation=organisation))
    return speakers


def _split_outside_brackets(text: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth <= 0 and char in ";,\n":
            items.append("".join(current))
            current, depth = [], 0
        else:
            current.append(char)
    items.append("".join(current))
    return [" ".join(item.split()) for item in items if item.strip()]


def parse_tags(text: str) -> list[str]:
    """Tags separated by `;` or `,`, each once, in the order given."""
    tags = [" ".join(tag.split()) for tag in re.split(r"[;,\n]", text)]
    return list(dict.fromkeys(tag for tag in tags if tag))


def parse_capacity(text: str) -> int:
    """A whole number of places above 0 (`200`, `1,000`)."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{1,3}(,\d{3})+", cleaned):
        cleaned = cleaned.replace(",", "")
    if not cleaned.isdigit() or int(cleaned) == 0:
        raise ValueError(f"{text.strip()!r} is not a whole number of places above 0")
    return int(cleaned)


def check_url(text: str) -> str:
    """A joining link: a web address, as the programme needs it."""
    cleaned = text.strip()
    if not re.fullmatch(r"https?://\S+", cleaned):
        raise ValueError(f"{cleaned!r} must be a web address starting with https://")
    return cleaned


def slugify(text: str, *, limit: int = 40) -> str:
    """`Closing the gap: in practice!` -> `closing-the-gap-in-practice`;
    accents folded (`Łukasz` -> `lukasz`), cut at a word to at most `limit` characters."""
    folded = anyascii(text).casefold().replace("'", "")  # "people's" -> "peoples"
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug or "session"


def header_key(text: str) -> str:
    """A column heading as compared: case, accents, spaces and punctuation ignored
    (`Speaker(s)` -> `speakers`, `Start time` -> `starttime`)."""
    return re.sub(r"[^a-z0-9]", "", anyascii(text).casefold())

"""Examples of what to ask, taken from the programme in force: its own name, a day it has, a
topic and a speaker it has, and words that register for one of its sessions. The help, the
hints and every "couldn't find" reply show these, so that on any event's programme they name
that event and work when typed. Knows nothing of Slack.

Each example is checked with the answering engine before it is offered: a topic must find
sessions, and the words offered to `/register` must name one session outright (the rule in
`bot.current.choice`), else the session's id is offered."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.answering import Answerer
from bot.answering.slots import is_online
from bot.answering.words import SOFT_WORDS, STOP_WORDS, fold, tokens
from bot.current.choice import the_one
from bot.programme import Programme, Session

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_PERIODS = ("morning", "afternoon", "evening")
# Words that are no topic: they ask for a day or a time of day.
_NOT_TOPICS = (
    STOP_WORDS | SOFT_WORDS | set(_WEEKDAYS) | set(_PERIODS)
    | {"today", "tomorrow", "now", "next", "online", "person", "help", "first", "last"}
)  # fmt: skip
# A speaker with one of these words is a group, not a person whose name one would type.
_GROUPS = {
    "team", "panel", "group", "staff", "collective", "committee", "board", "members",
    "representatives", "speakers", "guests", "organisers", "organizers", "volunteers",
    "and", "with", "people", "practitioners", "sample", "tbc", "tba",
}  # fmt: skip
# Kinds of session that say nothing to ask about.
_NO_KIND = {"other", "either", "none", "misc", "various", "general", "default", "standard"}
_PARTICLES = {"de", "da", "di", "du", "del", "della", "van", "von", "der", "den", "le", "la"}
_PLAIN_NAME = re.compile(r"[^\W\d_][\w.'’-]*")
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W\d_]")
_TRIES = 12  # questions tried for each example at most: this runs inside a reply


@dataclass(frozen=True)
class Examples:
    """Plain text, as a person would type it after `/sessions` or `/register` (not escaped)."""

    event: str  # the event's name
    day: str  # a weekday it has: "wednesday"
    date: str  # that day as a date: "22 March"
    part: str  # that day and a time of day with sessions: "wednesday afternoon"
    clock: str  # a time with a session on, that day: "at 1pm on wednesday"
    topic: str  # a topic that finds a few sessions: "wellbeing"
    register: str  # words that name one session outright: `/register` registers for it
    question: str  # a question in words: "who is running the keynote session?"
    format: str  # "in person", or "online" when every session is online
    overview: str  # the event at a glance: "this week", or "this event" for a single day
    speaker: str | None = None  # a speaker's name
    speaker_registers: bool = False  # `/register <speaker>` names one session outright
    kind: str | None = None  # a kind of session that some have: "headline"


def examples_for(programme: Programme, answerer: Answerer) -> Examples:
    """Examples that work on `programme`, answered by `answerer`."""
    moment = datetime.combine(programme.days[0], time(0), programme.tz)

    def finds(words: str) -> bool:
        answer = answerer.answer(words, now=moment)
        return answer.kind == "sessions" and not answer.note

    def names_one(words: str) -> bool:
        return the_one(answerer.answer(words, now=moment), answerer) is not None

    day = _busiest_day(programme)
    on_day = programme.on_day(day)
    weekday = _WEEKDAYS[day.weekday()]
    topic = _first(_topics(programme), finds) or _first(_title_words(programme), finds)
    # A tag only one session has is the best example for `/register`, and to ask about.
    named = _first(_unique_tags(programme), names_one)
    register = (
        named
        or _first(_title_words(programme, unique=True), names_one)
        or _first(_short_titles(programme), names_one)
        or programme.sessions[0].id
    )
    speakers = list(_people(programme))
    speaker = _first(speakers, names_one)
    registers = speaker is not None
    speaker = speaker or _first(speakers, finds)
    topic = topic or named or programme.sessions[0].title
    return Examples(
        event=programme.event.name,
        day=weekday,
        date=f"{day.day} {_MONTHS[day.month - 1]}",
        part=f"{weekday} {_busiest_period(programme, on_day)}",
        clock=f"at {_clock(programme.local(on_day[len(on_day) // 2].start))} on {weekday}",
        topic=topic,
        register=register,
        question=f"who is running the {named or topic} session?",
        format="online" if all(is_online(s) for s in programme.sessions) else "in person",
        overview="this week" if _a_week(programme) else "this event",
        speaker=speaker,
        speaker_registers=registers,
        kind=_first(_kinds(programme), finds),
    )


def _first(candidates: Iterable[str], works: Callable[[str], bool]) -> str | None:
    """The first of `candidates` (at most `_TRIES` of them) for which `works` is true."""
    for number, candidate in enumerate(candidates):
        if number >= _TRIES:
            return None
        if works(candidate):
            return candidate
    return None


def _busiest_day(programme: Programme) -> date:
    counts = Counter(programme.local(s.start).date() for s in programme.sessions)
    return max(programme.days, key=lambda day: (counts[day], -day.toordinal()))


def _busiest_period(programme: Programme, sessions: Iterable[Session]) -> str:
    counts = Counter(_period(programme.local(s.start).hour) for s in sessions)
    return max(("afternoon", "morning", "evening"), key=lambda period: counts[period])


def _period(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def _clock(moment: datetime) -> str:
    """`1pm`, `9:30am`: as people type a time, and as the engine reads it."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def _a_week(programme: Programme) -> bool:
    """Whether the event is several days within one week ("this week" asks for all of it)."""
    return len(programme.days) > 1 and (programme.days[-1] - programme.days[0]).days < 7


def _is_topic(words: str) -> bool:
    said = tokens(words)
    return (
        0 < len(said) <= 3
        and len(words) <= 30
        and any(word not in _NOT_TOPICS and len(word) > 2 for word in said)
        and not any(word in _WEEKDAYS or word in _PERIODS for word in said)
    )


def _tag_counts(programme: Programme) -> tuple[Counter[str], dict[str, str]]:
    """How many sessions have each tag (folded), and each tag as first written."""
    counts: Counter[str] = Counter()
    written: dict[str, str] = {}
    kinds = {fold(s.type) for s in programme.sessions if s.type}
    for session in programme.sessions:
        for tag in dict.fromkeys(fold(t) for t in session.tags):
            if tag not in kinds:
                counts[tag] += 1
        for tag in session.tags:
            written.setdefault(fold(tag), tag)
    return counts, {tag: _as_typed(words) for tag, words in written.items() if _is_topic(words)}


def _topics(programme: Programme) -> list[str]:
    """Tags a few sessions have (not most), one word first, then those nearest three."""
    counts, written = _tag_counts(programme)
    most = max(3, len(programme.sessions) // 4)
    few = [tag for tag in written if 2 <= counts[tag] <= most]
    few.sort(key=lambda tag: (len(tokens(tag)) > 1, abs(counts[tag] - 3)))
    return [written[tag] for tag in few]


def _unique_tags(programme: Programme) -> list[str]:
    """Tags only one session has, one word first: likely to name that session outright."""
    counts, written = _tag_counts(programme)
    unique = [tag for tag in written if counts[tag] == 1]
    unique.sort(key=lambda tag: len(tokens(tag)) > 1)
    return [written[tag] for tag in unique]


def _title_words(programme: Programme, *, unique: bool = False) -> list[str]:
    """Words a few titles share (not most), as written, those nearest three titles first; or
    (`unique`) words of five letters or more that only one title has."""
    counts: Counter[str] = Counter()
    written: dict[str, str] = {}
    for session in programme.sessions:
        for word in dict.fromkeys(_TITLE_WORD.findall(session.title)):
            key = fold(word)
            if len(key) > 3 and _is_topic(word) and not set(tokens(word)) & _NOT_TOPICS:
                counts[key] += 1
                written.setdefault(key, _as_typed(word))
    if unique:
        return [written[word] for word, count in counts.items() if count == 1 and len(word) > 4]
    most = max(3, len(programme.sessions) // 4)
    few = [word for word, count in counts.items() if 2 <= count <= most]
    few.sort(key=lambda word: abs(counts[word] - 3))
    return [written[word] for word in few]


def _short_titles(programme: Programme) -> list[str]:
    """Titles held once, shortest first."""
    counts = Counter(fold(s.title) for s in programme.sessions)
    titles = [s.title for s in programme.sessions if counts[fold(s.title)] == 1]
    return sorted(titles, key=len)


def _kinds(programme: Programme) -> list[str]:
    """Kinds of session (`type`) that some sessions have but not all, fewest first."""
    counts = Counter(s.type for s in programme.sessions if s.type)
    kinds = [
        kind
        for kind, count in counts.items()
        if count < len(programme.sessions)
        and _is_topic(kind)
        and fold(kind) not in _NO_KIND
        and not any(char.isdigit() for char in kind)
    ]
    kinds.sort(key=lambda kind: (len(kind.split()) > 1, counts[kind]))
    return [_as_typed(kind) for kind in kinds]


def _people(programme: Programme) -> Iterator[str]:
    """Speakers' names that look like a person's ("Ada Lovelace", not "Engine Society
    panel"), two-word names first, each once."""
    names = dict.fromkeys(speaker.name for s in programme.sessions for speaker in s.speakers)
    people = [name for name in names if _is_person(name)]
    people.sort(key=lambda name: len(name.split()) != 2)
    yield from people


def _is_person(name: str) -> bool:
    words = name.split()
    if not 2 <= len(words) <= 4 or not all(_PLAIN_NAME.fullmatch(word) for word in words):
        return False
    if set(tokens(name)) & _GROUPS:
        return False
    initials = [word.strip(".") for word in words]
    return words[0][0].isupper() and all(
        (word[0].isupper() and not (len(bare) > 1 and bare.isupper())) or word.lower() in _PARTICLES
        for word, bare in zip(words, initials, strict=True)
    )


def _as_typed(words: str) -> str:
    """A tag or title word as people type it: `Testing` is `testing`; `ASYE` and `Django
    REST` keep their capitals."""
    return " ".join(word.lower() if word[1:].islower() or len(word) == 1 else word
                    for word in words.split())  # fmt: skip

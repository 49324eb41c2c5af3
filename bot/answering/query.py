"""Read a person's question into what it asks: days, a time of day or clock time, a moment
(now / next), a place or format, topic words, or a question about the week itself.

Pure and free of Slack: `parse_query("anything on racism tomorrow?", days=..., today=...)`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Literal

from bot.answering import when
from bot.answering.words import JOINED, SOFT_WORDS, STOP_WORDS, fold, joined, root, stem, tokens

Period = Literal["morning", "afternoon", "evening"]
Moment = Literal["now", "next"]
Focus = Literal["who", "when", "where", "places"]
Position = Literal["first", "last"]
Format = Literal["online", "in_person"]
Intent = Literal["greeting", "mine", "joining", "overview"]

_PERIODS: dict[str, Period] = {
    "morning": "morning", "mornings": "morning",
    "afternoon": "afternoon", "afternoons": "afternoon", "pm": "afternoon",
    "evening": "evening", "evenings": "evening", "tonight": "evening",
}  # fmt: skip
_FOCUS: dict[str, Focus] = {
    "who": "who", "whos": "who", "when": "when", "time": "when", "where": "where",
    "link": "where", "join": "where", "full": "places", "places": "places",
    "space": "places", "spaces": "places", "available": "places", "capacity": "places",
}  # fmt: skip
_POSITIONS: dict[str, Position] = {
    "first": "first", "earliest": "first", "last": "last", "latest": "last", "final": "last",
}  # fmt: skip
_IN_PERSON = re.compile(r"\b(in[ -]person|face[ -]to[ -]face|f2f)\b")
_HELP = {"help", "commands", "usage"}
_GREETINGS = {"hi", "hello", "hey", "hiya", "howdy", "thanks", "thank", "cheers", "yo"}
_COURTESY = {"there", "bot", "you", "good", "morning", "afternoon", "evening", "all", "ok"}
_MINE = {"registered", "booked", "signed", "registration", "registrations", "bookings"}
_MY_THINGS = {"sessions", "agenda", "schedule", "bookings", "places", "week", "plan"}
_JOINING = {"join", "joining", "access", "attend", "attending", "link", "links", "zoom"}
_OVERVIEW = {"week", "programme", "program", "schedule", "dates", "overview", "agenda", "event"}
_STARTS = {"start", "starts", "begin", "begins", "end", "ends", "finish", "open", "run", "runs"}
# Words for the event as a whole: "the last talk of the conference" is the programme's last.
_WHOLE = {
    "conference", "forum", "festival", "summit", "congress", "convention", "programme",
    "program", "event", "events", "whole", "entire", "overall",
}  # fmt: skip

# The most topic words one question is searched for: each costs a fuzzy look through the
# programme's vocabulary, and a question is answered inside Slack's 3-second acknowledgement,
# so 500 characters of unknown words must not cost 70 such looks.
MAX_TOPICS = 8


@dataclass(frozen=True)
class Query:
    """What a question asks for. Empty fields mean "not asked". `topics` are the stems a
    session must cover, `words` the same as typed; `soft` stems only add to a match;
    `sequence` is every searched word in the order asked, as typed (folded); `phrases` the
    runs of topic words said as one (a named act, a term of the thesaurus), as typed."""

    text: str
    days: tuple[date, ...] = ()
    absent: tuple[int, ...] = ()  # weekdays asked for that the programme does not have
    period: Period | None = None
    clock: time | None = None
    moment: Moment | None = None
    position: Position | None = None
    format: Format | None = None
    places: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    soft: tuple[str, ...] = ()
    sequence: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    focus: Focus | None = None
    intent: Intent | None = None
    is_help: bool = False
    problems: tuple[str, ...] = ()

    @property
    def narrowed(self) -> bool:
        """Whether it asks for a part of the programme: days, times, a place or format."""
        return bool(
            self.days or self.absent or self.period or self.clock or self.moment
            or self.position or self.format or self.places
        )  # fmt: skip

    @property
    def searches(self) -> bool:
        """Whether it asks about topics; words that may only phrase the question count when
        nothing else is asked ("talk" alone, but not "the last talk on friday")."""
        return bool(self.topics or (self.soft and not self.narrowed))

    @property
    def is_empty(self) -> bool:
        return not (self.narrowed or self.searches or self.problems)


@functools.lru_cache(maxsize=2048)
def parse_query(
    text: str,
    *,
    days: tuple[date, ...],
    today: date,
    named_days: tuple[tuple[str, date], ...] = (),
    places: tuple[str, ...] = (),
    phrases: frozenset[tuple[str, ...]] = frozenset(),
    event: tuple[str, ...] = (),
) -> Query:
    """Parse `text`; `days` are the programme's days, `today` is in the event's timezone,
    `named_days` the programme's names for its days, `places` its locations, `phrases` the
    terms it knows as phrases (as roots: `thesaurus.key`), `event` the words of the event's
    name (left out of a question: "the last session of Precision Nutrition Forum").

    Pure, so remembered: many people ask the same few questions."""
    original = text.strip()
    folded = f" {fold(original)} "
    words = tokens(original)
    if words and set(words) <= _HELP | {"me", "please", "how"}:
        return Query(text=original, is_help=True)
    if (
        words
        and set(words) <= _GREETINGS | _COURTESY
        and (set(words) & _GREETINGS or words[0] == "good")
    ):
        return Query(text=original, intent="greeting")

    found_days, folded = _named_days(folded, named_days)
    if len(event) > 1:
        folded = re.sub(r"\b" + r"\W+".join(map(re.escape, event)) + r"\b", " ", folded)
    dated, problems, folded = _dates(folded, days, today)
    found_days += dated
    clock, folded = _clock(folded)
    in_person = _IN_PERSON.search(folded)
    folded = _IN_PERSON.sub(" ", folded)
    found_places, folded = _places(folded, places)
    parts: list[str] = []
    for match in JOINED.finditer(folded):  # "co-production": coproduction; co, production
        if joined(match.group(0)):
            parts += re.split(r"['-]", match.group(0))
    folded = JOINED.sub(_run_together, folded)

    period: Period | None = None
    moment: Moment | None = None
    focus: Focus | None = None
    position: Position | None = None
    online = False
    absent: list[int] = []
    needed: dict[str, str] = {}
    soft: dict[str, None] = {}
    sequence: list[str] = []
    for part in parts:
        if part not in STOP_WORDS:
            soft[stem(part)] = None
    remaining = tokens(folded)
    in_phrase, said = _phrases(remaining, phrases)
    for number, word in enumerate(remaining):
        following = remaining[number + 1] if number + 1 < len(remaining) else ""
        if number in in_phrase:  # "capacity" in "mental capacity act" asks about no places
            needed.setdefault(stem(word), word)
            sequence.append(word)
            continue
        if (relative := when.relative_day(word, today)) is not None:
            found_days.append(relative)
        if word in _PERIODS:
            period = _PERIODS[word]
        elif word in ("now", "currently"):
            moment = "now"
        elif word in _FOCUS and focus is None:
            focus = _FOCUS[word]
            if word in SOFT_WORDS:
                soft[stem(word)] = None
        elif word in ("today", "tomorrow", "yesterday"):
            continue
        elif word in _POSITIONS and following in _THINGS:
            position = _POSITIONS[word]
        elif word == "online":
            online = True
            soft["online"] = None
        elif (weekday := when.weekday(word)) is not None:
            named = when.date_for_weekday(weekday, days, today)
            if named is None:
                absent.append(weekday)
            else:
                found_days.append(named)
        elif word in STOP_WORDS:
            continue
        elif len(word) == 1 and not word.isdigit():
            sequence.append(word)  # "Plan B": part of a phrase, never a search of its own
        elif word in SOFT_WORDS or word.isdigit():
            soft[stem(word)] = None
            sequence.append(word)
        else:
            needed.setdefault(stem(word), word)
            sequence.append(word)
    if period and "this" in words and not found_days:
        found_days.append(today)
    if "next" in words and not found_days and position is None:
        moment = moment or "next"
    if in_person:
        soft["person"] = None
    if position:
        needed = {s: w for s, w in needed.items() if w not in _WHOLE}
    kept = list(needed.items())[:MAX_TOPICS]
    query = Query(
        text=original,
        days=tuple(sorted(set(found_days))),
        absent=tuple(dict.fromkeys(absent)),
        period=period,
        clock=clock,
        moment=moment,
        position=position,
        format="in_person" if in_person else ("online" if online else None),
        places=found_places,
        topics=tuple(stem_ for stem_, _ in kept),
        words=tuple(word for _, word in kept),
        soft=tuple(soft)[:MAX_TOPICS],
        sequence=tuple(sequence)[: 2 * MAX_TOPICS],
        phrases=tuple(said),
        focus=focus,
        problems=tuple(problems),
    )
    intent = _intent(query, set(words))
    return query if intent is None else Query(text=original, intent=intent, focus=focus)


def _phrases(
    words: list[str], phrases: frozenset[tuple[str, ...]]
) -> tuple[set[int], list[tuple[str, ...]]]:
    """The runs of `words` (function words aside) that are known phrases, longest first from
    the left: the positions they take, and each as typed."""
    if not phrases:
        return set(), []
    longest = max(map(len, phrases))
    content = [
        n for n, w in enumerate(words) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]
    taken: set[int] = set()
    said: list[tuple[str, ...]] = []
    at = 0
    while at < len(content):
        for size in range(min(longest, len(content) - at), 1, -1):
            span = content[at : at + size]
            if tuple(root(words[n]) for n in span) in phrases:
                taken.update(span)
                said.append(tuple(words[n] for n in span))
                at += size
                break
        else:
            at += 1
    return taken, said


def _run_together(match: re.Match[str]) -> str:
    """`co-production` as one word, `coproduction`; a contraction (`where's`) as two."""
    word = match.group(0)
    return re.sub(r"['-]", "", word) if joined(word) else word.replace("'", " ")


def _named_days(folded: str, named_days: tuple[tuple[str, date], ...]) -> tuple[list[date], str]:
    """Days the programme names ("World Social Work Day"), and the question without them."""
    found = []
    for name, day in named_days:
        pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, name.split())) + r"\b")
        if pattern.search(folded):
            found.append(day)
            folded = pattern.sub(" ", folded)
    return found, folded


def _dates(folded: str, days: tuple[date, ...], today: date) -> tuple[list[date], list[str], str]:
    """Dates written out ("21 March", "2023-03-21", "the 24th"), what could not be read as
    one, and the question without them. "18th" that is no day of the programme is left as
    a word ("18th century") unless it is all that was asked."""
    found: list[date] = []
    problems: list[str] = []
    alone = folded.strip()

    def read(match: re.Match[str], kind: str) -> str:
        day = when.read_date(kind, match.groups(), days, today)
        if day is not None:
            found.append(day)
        elif kind == "nth" and match.group(0).strip() != alone:
            return match.group(0)
        else:
            problems.append(f"“{match.group(0).strip()}” is not a date I know")
        return " "

    for kind, pattern in when.DATE_PATTERNS:
        folded = pattern.sub(functools.partial(read, kind=kind), folded)
    return found, problems, folded


def _clock(folded: str) -> tuple[time | None, str]:
    """The first clock time asked about ("at 2pm", "14:30"), and the question without it."""
    found: time | None = None
    for kind, pattern in when.CLOCK_PATTERNS:
        for match in pattern.finditer(folded):
            found = found or when.read_clock(kind, match.groups())
        folded = pattern.sub(" ", folded)
    return found, folded


_THINGS = {"session", "sessions", "talk", "talks", "thing", "one", "event", "on", "today"}


def _intent(query: Query, words: set[str]) -> Intent | None:
    """A question about the person or the week itself, rather than about sessions."""
    if query.topics and not (words & _MINE and set(query.words) <= _MINE):
        return None
    if query.days or query.period or query.clock or query.moment or query.places:
        return None
    if words & _MINE or ("my" in words and words & _MY_THINGS):
        return "mine"
    if query.position:  # "the first session of the week" is a session
        return None
    if query.topics:
        return None
    if words & _JOINING and words & {"how", "where", "can", "do"}:
        return "joining"
    if words & _OVERVIEW or (query.focus == "when" and words & _STARTS):
        return "overview"
    if query.focus == "when" and not query.soft:
        return "overview"
    return None


def _places(folded: str, places: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """The programme's locations named after "in" or "at" ("in Leeds", "at Hall B"), and the
    question without those words."""
    found: list[str] = []
    for match in re.finditer(r"\b(?:in|at)\s+(?:the\s+)?([a-z0-9]+(?:\s+[a-z0-9]+){0,2})", folded):
        said = match.group(1).split()
        for length in range(len(said), 0, -1):
            phrase = said[:length]
            named = [place for place in places if tokens(place)[:length] == phrase]
            if named and not (length == 1 and phrase[0] in STOP_WORDS | SOFT_WORDS):
                found += named
                start = match.start(1)
                end = start + len(" ".join(phrase))
                folded = folded[:start] + " " * (end - start) + folded[end:]
                break
    return tuple(dict.fromkeys(found)), folded

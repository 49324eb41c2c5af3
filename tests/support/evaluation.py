"""An evaluation of the answering engine whose answers we did not write: questions generated
mechanically from a programme, each with the sessions acceptable as its first answer, scored
for the engine and for the substring search a developer would write in ten minutes.

    cases = generate_cases(programme, seed=0, per_category=50)
    engine = score(cases, engine_asker(programme))
    baseline = score(cases, substring_asker(programme))
    engine["title-phrase"].hit1   # the fraction answered with a right session first

Beside them, a conversational set written by hand (`tests/answering/conversations.json`): questions
as practitioners type them, over three programmes, read by `conversations()`.

The generated sets are pure: no Slack, no files.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TypeVar

from anyascii import anyascii

from bot.answering import Answerer
from bot.importing.convert import convert
from bot.programme import Programme, Session, load_programme

Asker = Callable[[str], Sequence[str]]
"""Asks one question; returns the ids of the sessions shown, in order (empty: "nothing")."""

CATEGORIES = (
    "day-name",
    "day-date",
    "speaker-full",
    "speaker-surname",
    "speaker-accented",
    "speaker-unaccented",
    "title-phrase",
    "topic",
    "question",
    "typo",
    "nonsense",
)
NONSENSE = "nonsense"
_T = TypeVar("_T")

# The targets the engine is to meet (see tests/answering/test_real_programmes.py and
# tests/answering/test_conversations.py).
TARGET_HIT1 = 0.97
TARGET_CONVERSATIONAL = 0.95
TARGET_NONSENSE = 0.95
BASELINE_MARGIN = 0.005
TARGET_P99_MS = 5.0


@dataclass(frozen=True)
class Case:
    """One question; `expect` holds the ids acceptable as the first answer (empty: nothing
    should be offered). When `exact`, every id answered must be in `expect`."""

    category: str
    question: str
    expect: frozenset[str]
    exact: bool = False


@dataclass(frozen=True)
class Score:
    """How many cases, and the fractions answered right first and right anywhere."""

    count: int
    hit1: float
    hit_any: float


# --- Words -------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_LETTERS = re.compile(r"[^\W_]+")


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Ordinary function words (English, and French for French programmes): never enough to make a
# phrase or a topic.
STOP = _set(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not of off on once only or other our ours out over own same she should
    so some such than that the their theirs them then there these they this those through to too
    under until up upon very via vs was we were what when where which while who whom why will with
    within without would you your yours
    le la les un une des du de au aux et ou en dans par pour sur avec sans sous ce cet cette ces
    son sa ses leur leurs mon ma mes votre vos notre nos qui que quoi dont est sont etre avoir
    fait faire plus moins tres bien tout tous toute toutes comme mais donc car ne pas peut peu
    quelques autre autres entre vers chez je tu il elle nous vous ils elles on se qu"""
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Words that ask for a time, a day or help rather than a topic, in any engine.
TIME_WORDS = frozenset(w.lower() for w in _WEEKDAYS + _MONTHS) | _set(
    "mon tue tues wed weds thu thur thurs fri sat sun jan feb mar apr jun jul aug sep sept oct"
    " nov dec today tomorrow tonight yesterday now next currently morning mornings afternoon"
    " afternoons evening evenings lunchtime am pm help commands usage"
)
# Words that phrase a question about any conference rather than name a topic.
PHRASING = _set("session sessions talk talks time times speaker speakers room rooms event events")
_PARTICLES = _set("van von de der den da di du la le del della dos das el al bin ben ter ten y e")
_SUFFIXES = _set("jr sr ii iii iv phd md")
_EDGE = "'\"‘’“”*_.,!?:;()[]{}"
# Where a title breaks into phrases: a phrase never runs across these.
_BREAK = re.compile(r"\s[-–—|/]\s|[:;,!?()\[\]{}\"“”–—]|\.(?=\s|$)")


@cache
def fold(text: str) -> str:
    """Lower-case ASCII: `Zoë Ørsted` -> `zoe orsted` (remembered: the same titles and names
    are folded again and again)."""
    return anyascii(text).lower()


def words(text: str) -> list[str]:
    """Folded word tokens: `l'Été co-production` -> `l`, `ete`, `co`, `production`."""
    return _WORD.findall(fold(text))


def _spellings(texts: Iterable[str]) -> dict[str, str]:
    """Folded word -> the word as first written in `texts` (lower case, accents kept)."""
    found: dict[str, str] = {}
    for text in texts:
        for token in _LETTERS.findall(text.lower()):
            folded = words(token)
            if len(folded) == 1:
                found.setdefault(folded[0], token)
    return found


def forms(word: str) -> set[str]:
    """`word` with its plural and singular: `baby` <-> `babies`, `box` <-> `boxes`."""
    found = {word, word + "s"}
    if word.endswith(("s", "sh", "ch", "x", "z")):
        found.add(word + "es")
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        found.add(word[:-1] + "ies")
    if len(word) > 4 and word.endswith("ies"):
        found.add(word[:-3] + "y")
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        found.add(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        found.add(word[:-1])
    return found


def _content(word: str) -> bool:
    """Whether `word` can name a topic on its own."""
    if len(word) < 3 or word.isdigit():
        return False
    return word not in STOP and word not in TIME_WORDS and word not in PHRASING


def _texts(session: Session) -> Iterable[str]:
    """Every piece of text in a session, speaker names included."""
    yield from (session.title, session.type or "", session.description or "")
    yield from (session.host or "", session.location or "", *session.tags)
    for speaker in session.speakers:
        yield from (speaker.name, speaker.role or "", speaker.organisation or "")


def vocabulary(programme: Programme) -> set[str]:
    """Every folded word of the programme's text."""
    found = set(words(programme.event.name))
    for session in programme.sessions:
        for text in _texts(session):
            found.update(words(text))
    return found


# --- The programme's parts ---------------------------------------------------------------------


@dataclass
class _Speaker:
    name: str  # as published (the first spelling seen)
    ids: set[str]


@dataclass
class _Parts:
    groups: list[tuple[Session, ...]]
    group_titles: list[str]  # " folded title words " for each group
    speakers: dict[str, _Speaker]  # by folded name words
    vocabulary: set[str]
    unique_weekdays: set[int]


def _parts(programme: Programme) -> _Parts:
    grouped: dict[tuple[str, tuple[str, ...]], list[Session]] = {}
    speakers: dict[str, _Speaker] = {}
    for session in programme.sessions:
        names = tuple(sorted(" ".join(words(s.name)) for s in session.speakers))
        grouped.setdefault((" ".join(words(session.title)), names), []).append(session)
        for speaker in session.speakers:
            key = " ".join(words(speaker.name))
            speakers.setdefault(key, _Speaker(speaker.name, set())).ids.add(session.id)
    groups = [tuple(group) for group in grouped.values()]
    weekdays = Counter(day.weekday() for day in programme.days)
    return _Parts(
        groups=groups,
        group_titles=[f" {title} " for title, _ in grouped],
        speakers=speakers,
        vocabulary=vocabulary(programme),
        unique_weekdays={weekday for weekday, n in weekdays.items() if n == 1},
    )


def _person_like(name: str) -> bool:
    """A person's name ("Rebekah Pierre", "Guido van Rossum"), not a description of one
    ("Principal social worker (sample)", "LYPSA research team")."""
    parts = name.split()
    if len(parts) < 2 or any(not part[0].isalpha() for part in parts):
        return False
    if not (parts[0][0].isupper() and parts[-1][0].isupper()):
        return False
    return all(part[0].isupper() or part.lower() in _PARTICLES for part in parts)


def _latin(name: str) -> bool:
    """Whether `name` has accented Latin letters and no other script."""
    letters = [c for c in name if ord(c) > 127 and c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


def _ordinary_words(programme: Programme, parts: _Parts) -> set[str]:
    """Words of the programme's text other than speakers' names (a name written out in a
    description, "with Rebekah Pierre", does not count)."""
    names = sorted((f" {key} " for key in parts.speakers), key=len, reverse=True)
    # Only a name whose words are in the text can be in it: look for those alone, longest
    # first as before.
    rank = {name: n for n, name in enumerate(names)}
    by_word: dict[str, set[str]] = {}
    for name in names:
        for word in name.split():
            by_word.setdefault(word, set()).add(name)
    found: set[str] = set()
    for session in programme.sessions:
        texts = [session.title, session.type or "", session.description or ""]
        texts += [session.host or "", session.location or "", *session.tags]
        texts += [f"{s.role or ''} {s.organisation or ''}" for s in session.speakers]
        for text in texts:
            folded = words(text)
            padded = f" {' '.join(folded)} "
            held = set(folded)
            near = set().union(*(by_word.get(word, ()) for word in held))
            for name in sorted(near, key=rank.__getitem__):
                if name in padded:
                    padded = padded.replace(name, " ")
            found.update(padded.split())
    return found


def _surnames(programme: Programme, parts: _Parts) -> dict[str, str]:
    """Speaker key -> surname as published, for surnames that name one speaker only and are
    not ordinary words of the programme."""
    ordinary = _ordinary_words(programme, parts)
    holders = Counter(word for key in parts.speakers for word in set(key.split()))
    found: dict[str, str] = {}
    for key, speaker in parts.speakers.items():
        if not _person_like(speaker.name):
            continue
        last = speaker.name.split()[-1].strip(_EDGE)
        folded = words(last)
        if len(folded) != 1 or not _content(folded[0]) or folded[0] in _SUFFIXES:
            continue
        if holders[folded[0]] > (folded[0] in key.split()):  # another speaker's name has it
            continue
        if forms(folded[0]) & ordinary:
            continue
        found[key] = last
    return found


def _phrases(title: str, group_titles: list[str]) -> list[str]:
    """Runs of 2-4 words of `title` (as published) that occur, as a phrase, in one group's
    title only, and neither start nor end with a stop word or a number."""
    found: list[str] = []
    for segment in _BREAK.split(title):
        parts = [w.strip(_EDGE) for w in segment.split()]
        parts = [w for w in parts if words(w)]
        for size in (2, 3, 4):
            for start in range(len(parts) - size + 1):
                window = parts[start : start + size]
                folded = words(" ".join(window))
                edges = (window[0], window[-1])
                if not all(map(_edge, edges)) or not any(map(_content, folded)):
                    continue
                key = f" {' '.join(folded)} "
                if sum(1 for t in group_titles if key in t) == 1:
                    found.append(" ".join(window))
    return list(dict.fromkeys(found))


def _edge(word: str) -> bool:
    """Whether a phrase can start or end with `word` (`D-Wave's` yes, `the` or `6` no)."""
    return any(t not in STOP and t not in TIME_WORDS and not t.isdigit() for t in words(word))


def _title_words(session: Session) -> set[str]:
    """The folded words of a session's title and tags."""
    return {word for text in (session.title, *session.tags) for word in words(text)}


def _typo(word: str, vocabulary: set[str], rng: random.Random) -> str | None:
    """`word` with one letter deleted, changed, swapped or added, not itself (accents aside) a
    word of the programme, nor its plural or singular."""
    plain = words(word)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(30):
        kind = rng.choice(("delete", "substitute", "transpose", "insert"))
        at = rng.randrange(len(word))
        if kind == "delete":
            edited = word[:at] + word[at + 1 :]
        elif kind == "substitute":
            edited = word[:at] + rng.choice(letters.replace(word[at], "")) + word[at + 1 :]
        elif kind == "transpose":
            if at == len(word) - 1 or word[at] == word[at + 1]:
                continue
            edited = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        else:
            edited = word[:at] + rng.choice(letters) + word[at:]
        folded = words(edited)
        if len(folded) != 1 or folded[0] in forms(plain[0]) or not _content(folded[0]):
            continue
        if not forms(folded[0]) & vocabulary:
            return edited
    return None


# --- Cases -------------------------------------------------------------------------------------

_DAY_TEMPLATES = (
    "sessions on {day}",
    "what's on {day}?",
    "{day}",
    "what is happening on {day}?",
    "{day} sessions",
    "show me {day}",
)
_PHRASE_TEMPLATES = (
    "who is giving the talk on {phrase}?",
    "when is the {phrase} session?",
    "where is {phrase}?",
    "is there anything about {phrase}?",
    "tell me about {phrase}",
    "what time does {phrase} start?",
)
_SPEAKER_TEMPLATES = (
    "what is {name} talking about?",
    "when is {name} speaking?",
    "which session is {name} in?",
    "where can I see {name}?",
)
NONSENSE_PHRASES = (
    "sourdough baking", "mountain climbing", "tax returns for farmers", "opera singing",
    "knitting patterns", "car insurance quotes", "deep sea fishing", "wedding cake recipes",
    "vintage motorcycle repair", "horse racing tips", "skiing holidays", "origami cranes",
    "beekeeping for beginners", "lawn mower maintenance", "scuba diving", "chess openings",
    "medieval jousting", "tropical aquarium fish", "pizza ovens", "cheese making",
    "wine tasting", "crossword puzzles", "gold panning", "stamp collecting", "figure skating",
    "surfboard wax", "carpet cleaning", "ballroom dancing", "mortgage rates", "lottery numbers",
    "hairdressing salon", "snowboard tricks", "pottery glazes", "volcano eruptions",
    "dinosaur fossils", "barbecue sauce", "cricket scores", "tattoo designs", "kayaking rivers",
    "leaking taps", "roof tiles", "poodle grooming", "cocktail mixing", "astrology horoscopes",
    "golf handicaps", "poker tournaments", "fly fishing", "parrot training", "bagpipe lessons",
    "marathon running shoes", "caravan parks", "jam sandwiches",
)  # fmt: skip


def generate_cases(
    programme: Programme, *, seed: int = 0, per_category: int | None = None
) -> list[Case]:
    """Questions about `programme` in every category of `CATEGORIES`, the same for the same
    seed; at most `per_category` of each (a random sample) when given."""
    rng = random.Random(seed)
    parts = _parts(programme)
    by_category: dict[str, list[Case]] = defaultdict(list)
    for case in _day_cases(programme, parts, rng):
        by_category[case.category].append(case)
    for case in _speaker_cases(programme, parts, rng):
        by_category[case.category].append(case)
    for case in _title_cases(programme, parts, rng):
        by_category[case.category].append(case)
    folded = {f for word in parts.vocabulary for f in forms(word)}
    for phrase in NONSENSE_PHRASES:
        if not any(forms(word) & folded for word in words(phrase) if word not in STOP):
            by_category[NONSENSE].append(Case(NONSENSE, phrase, frozenset()))

    accented = list(
        zip(by_category["speaker-accented"], by_category["speaker-unaccented"], strict=True)
    )
    cases: list[Case] = []
    for category in CATEGORIES:
        chosen = by_category[category]
        if category == "speaker-unaccented":
            continue
        if category == "speaker-accented":
            pairs = _sample(accented, per_category, rng)  # the same names in both categories
            cases += [accent for accent, _ in pairs] + [plain for _, plain in pairs]
            continue
        cases += _sample(chosen, per_category, rng)
    return cases


def _sample(items: list[_T], limit: int | None, rng: random.Random) -> list[_T]:
    if limit is None or len(items) <= limit:
        return items
    keep = sorted(rng.sample(range(len(items)), limit))
    return [items[i] for i in keep]


def _day_cases(programme: Programme, parts: _Parts, rng: random.Random) -> Iterable[Case]:
    for day in programme.days:
        ids = frozenset(s.id for s in programme.on_day(day))
        if day.weekday() in parts.unique_weekdays:
            name = _WEEKDAYS[day.weekday()]
            for template in rng.sample(_DAY_TEMPLATES, 2):
                question = template.format(day=rng.choice((name, name.lower())))
                yield Case("day-name", question, ids, exact=True)
        month = _MONTHS[day.month - 1]
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10 if day.day // 10 != 1 else 0, "th")
        for question in (f"{day.day} {month}", f"{month} {day.day}{suffix}", day.isoformat()):
            yield Case("day-date", question, ids, exact=True)


def _speaker_cases(programme: Programme, parts: _Parts, rng: random.Random) -> Iterable[Case]:
    """A speaker's sessions are those they speak at, and any whose title names them."""
    surnames = _surnames(programme, parts)
    titles = [(s.id, f" {' '.join(words(s.title))} ") for s in programme.sessions]
    for key, speaker in parts.speakers.items():
        if not _person_like(speaker.name):
            continue
        ids = frozenset(speaker.ids) | {i for i, title in titles if f" {key} " in title}
        yield Case("speaker-full", speaker.name, ids)
        if key in surnames:
            yield Case("speaker-surname", surnames[key], ids)
            if len(words(surnames[key])[0]) >= 6:
                typo = _typo(surnames[key].lower(), parts.vocabulary, rng)
                if typo:
                    yield Case("typo", typo, ids)
        if _latin(speaker.name):
            yield Case("speaker-accented", speaker.name, ids)
            yield Case("speaker-unaccented", anyascii(speaker.name), ids)
        template = rng.choice(_SPEAKER_TEMPLATES)
        yield Case("question", template.format(name=speaker.name), ids)


def _title_cases(programme: Programme, parts: _Parts, rng: random.Random) -> Iterable[Case]:
    name_words = {word for key in parts.speakers for word in key.split()}
    holding: dict[str, set[str]] = {}  # folded word -> the sessions whose title or tags hold it
    for session in programme.sessions:
        for held in _title_words(session):
            holding.setdefault(held, set()).add(session.id)
    spelled = _spellings(text for s in programme.sessions for text in (s.title, *s.tags))
    seen: set[str] = set()

    def topic(word: str) -> frozenset[str]:
        """The sessions whose title or tags hold `word` (or its plural or singular), if it is
        a fairly rare content word, not yet asked; else none."""
        if word in seen or not _content(word) or len(word) < 4 or word in name_words:
            return frozenset()
        seen.add(word)
        wanted = forms(word)
        found = frozenset().union(*(holding.get(form, ()) for form in wanted))
        return found if len(found) <= 5 else frozenset()

    for group in parts.groups:
        ids = frozenset(s.id for s in group)
        phrases = _phrases(group[0].title, parts.group_titles)
        for phrase in rng.sample(phrases, min(2, len(phrases))):
            yield Case("title-phrase", phrase, ids)
        if phrases:
            yield _templated(programme, parts, group, rng.choice(phrases), rng)
        for word in sorted(set(words(group[0].title))):
            if found := topic(word):
                yield Case("topic", spelled.get(word, word), found)
            if found and found <= ids and len(word) >= 7 and word.isalpha():
                typo = _typo(spelled.get(word, word), parts.vocabulary, rng)
                if typo:
                    yield Case("typo", typo, ids)
    for session in programme.sessions:
        for word in sorted({w for tag in session.tags for w in words(tag)}):
            if found := topic(word):
                yield Case("topic", spelled.get(word, word), found)


def _templated(
    programme: Programme,
    parts: _Parts,
    group: tuple[Session, ...],
    phrase: str,
    rng: random.Random,
) -> Case:
    """A question around a title phrase; "{phrase} on {weekday}?" names the day of one of the
    group's sessions, when no other day of the programme has that weekday."""
    session = rng.choice(group)
    day = programme.local(session.start).date()
    templates: tuple[str, ...] = _PHRASE_TEMPLATES
    if day.weekday() in parts.unique_weekdays:
        templates += ("{phrase} on {weekday}?",)
    template = rng.choice(templates)
    if "{weekday}" not in template:
        return Case("question", template.format(phrase=phrase), frozenset(s.id for s in group))
    same_day = frozenset(s.id for s in group if programme.local(s.start).date() == day)
    question = template.format(phrase=phrase, weekday=_WEEKDAYS[day.weekday()].lower())
    return Case("question", question, same_day)


# --- The conversational set ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = ROOT / "tests" / "answering" / "conversations.json"
CONVERSATIONAL_CATEGORIES = (
    "synonym",
    "abbreviation",
    "extra-words",
    "word-form",
    "phrase",
    "time-of-day",
    "ordinal",
    "place",
    NONSENSE,
)


@dataclass(frozen=True)
class Conversation:
    """One programme of the conversational set: the programme, when its questions are asked,
    and its questions."""

    name: str
    programme: Programme
    now: datetime
    cases: tuple[Case, ...]


def conversations(path: Path = CONVERSATIONS) -> list[Conversation]:
    """The conversational set, by programme. A programme is `programme.json`-shaped (`file`)
    or an export imported with the bot's own importer (`import`, with its `timezone` and
    `event_name`), as an organiser would."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for name, source in data["programmes"].items():
        cases = tuple(
            Case(q["category"], q["question"], frozenset(q["expect"]), q.get("exact", False))
            for q in data["questions"]
            if q["programme"] == name
        )
        now = datetime.fromisoformat(source["now"])
        found.append(Conversation(name, _source(source), now, cases))
    return found


def _source(source: dict[str, str]) -> Programme:
    if "file" in source:
        return load_programme(ROOT / source["file"])[0]
    exported = ROOT / source["import"]
    result = convert(
        exported.read_bytes(),
        filename=exported.name,
        timezone=source.get("timezone"),
        event_name=source.get("event_name"),
    )
    if result.programme is None:
        raise ValueError(f"{exported.name} does not import: {result.problems}")
    return result.programme


# --- Askers ------------------------------------------------------------------------------------


def default_now(programme: Programme) -> datetime:
    """09:00 event time on the day before the programme's first day."""
    day = programme.days[0] - timedelta(days=1)
    return datetime.combine(day, time(9), tzinfo=programme.tz)


def engine_asker(programme: Programme, now: datetime | None = None) -> Asker:
    """The answering engine, asked at `now` (by default `default_now`)."""
    answerer = Answerer(programme)
    moment = now or default_now(programme)

    def ask(question: str) -> list[str]:
        answer = answerer.answer(question, now=moment)
        return [s.id for s in answer.sessions] if answer.kind == "sessions" else []

    return ask


_QUESTION_WORDS = _set(
    """who whos who's what whats what's when where which how is are was there the a an on in at
    of for to about talk talks talking session sessions anything any tell me show giving give
    time does do start starts can i see speaking happening please"""
)


def substring_asker(programme: Programme) -> Asker:
    """The ten-minute baseline: the question, lower-cased and without question words, as one
    substring of a session's title, speakers, description and tags; else the sessions holding
    the most of its words. Title matches first, then by start."""
    entries = []
    for session in programme.sessions:
        speakers = (speaker.name for speaker in session.speakers)
        text = "\n".join([session.title, *speakers, session.description or "", *session.tags])
        entries.append((session, session.title.lower(), text.lower()))

    def ask(question: str) -> list[str]:
        kept = [part.strip("?!.,;:'\"") for part in question.lower().split()]
        kept = [word for word in kept if word and word not in _QUESTION_WORDS]
        if not kept:
            return []
        wanted = " ".join(kept)
        found = [(wanted in title, s) for s, title, text in entries if wanted in text]
        if not found:
            counts = [(sum(w in text for w in kept), title, s) for s, title, text in entries]
            most = max(count for count, _, _ in counts)
            if most == 0:
                return []
            found = [
                (any(w in title for w in kept), s) for count, title, s in counts if count == most
            ]
        found.sort(key=lambda item: (not item[0], item[1].start))
        return [session.id for _, session in found]

    return ask


# --- Scores ------------------------------------------------------------------------------------


def judge(case: Case, answered: Sequence[str]) -> tuple[bool, bool]:
    """(right first, right anywhere) for one answer. Nonsense is right when nothing is
    offered; an exact case is right first when every id answered is expected."""
    if not case.expect:
        return not answered, not answered
    anywhere = any(i in case.expect for i in answered)
    if case.exact:
        return bool(answered) and all(i in case.expect for i in answered), anywhere
    return bool(answered) and answered[0] in case.expect, anywhere


def score(cases: Iterable[Case], ask: Asker) -> dict[str, Score]:
    """Per category, then "all" (every category but nonsense)."""
    results: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for case in cases:
        verdict = judge(case, list(ask(case.question)))
        results[case.category].append(verdict)
        if case.category != NONSENSE:
            results["all"].append(verdict)
    known = CATEGORIES + CONVERSATIONAL_CATEGORIES
    order = [c for c in known if c in results] + [c for c in results if c not in known]
    return {c: _score(results[c]) for c in sorted(order, key=lambda c: c == "all")}


def _score(verdicts: list[tuple[bool, bool]]) -> Score:
    count = len(verdicts)
    return Score(count, sum(a for a, _ in verdicts) / count, sum(b for _, b in verdicts) / count)


def misses(cases: Iterable[Case], ask: Asker) -> list[tuple[Case, list[str]]]:
    """The cases not answered right first, with what was answered."""
    found = []
    for case in cases:
        answered = list(ask(case.question))
        if not judge(case, answered)[0]:
            found.append((case, answered))
    return found


def combined(scores: Iterable[dict[str, Score]]) -> dict[str, Score]:
    """Several programmes' scores as one, category by category (weighted by their counts)."""
    totals: dict[str, list[float]] = {}
    for by_category in scores:
        for category, part in by_category.items():
            count, hit1, hit_any = totals.setdefault(category, [0.0, 0.0, 0.0])
            totals[category] = [
                count + part.count,
                hit1 + part.hit1 * part.count,
                hit_any + part.hit_any * part.count,
            ]
    known = CATEGORIES + CONVERSATIONAL_CATEGORIES + ("all",)
    order = [c for c in known if c in totals] + [c for c in totals if c not in known]
    return {
        c: Score(int(totals[c][0]), totals[c][1] / totals[c][0], totals[c][2] / totals[c][0])
        for c in sorted(order, key=lambda c: c == "all")
    }


def conversational_shortfalls(engine: dict[str, Score]) -> list[str]:
    """The conversational set's targets `engine` misses (its scores over every programme)."""
    found = []
    if "all" in engine and engine["all"].hit1 < TARGET_CONVERSATIONAL:
        found.append(
            f"conversational: right first {engine['all'].hit1:.1%} < {TARGET_CONVERSATIONAL:.0%}"
        )
    if NONSENSE in engine and engine[NONSENSE].hit1 < TARGET_NONSENSE:
        found.append(f"conversational: nothing for nonsense {engine[NONSENSE].hit1:.1%} < 95%")
    return found


def shortfalls(engine: dict[str, Score], baseline: dict[str, Score]) -> list[str]:
    """The accuracy targets `engine` misses, in words (empty: all met)."""
    found = []
    if "all" in engine and engine["all"].hit1 < TARGET_HIT1:
        found.append(f"right session first {engine['all'].hit1:.1%} < {TARGET_HIT1:.0%}")
    if NONSENSE in engine and engine[NONSENSE].hit1 < TARGET_NONSENSE:
        found.append(f"nonsense answered nothing {engine[NONSENSE].hit1:.1%} < 95%")
    accented, plain = engine.get("speaker-accented"), engine.get("speaker-unaccented")
    if accented and plain and plain.hit1 < accented.hit1:
        found.append(f"unaccented names {plain.hit1:.1%} < accented {accented.hit1:.1%}")
    for category, ours in engine.items():
        theirs = baseline.get(category)
        if theirs and ours.hit1 < theirs.hit1 - BASELINE_MARGIN:
            found.append(f"{category}: {ours.hit1:.1%} < baseline {theirs.hit1:.1%}")
    return found

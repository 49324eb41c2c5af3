"""The answering engine: one question in, one `Answer` out. Knows nothing of Slack.

Serves `/sessions`, direct messages and @mentions alike.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Literal

from cachetools import LRUCache

from bot.answering import thesaurus
from bot.answering.index import Match, Plan, TopicIndex, weighted_fields
from bot.answering.query import Query, parse_query
from bot.answering.slots import grouped, is_online
from bot.answering.week import DaySummary, joining_note, week_note, week_summary
from bot.answering.words import tokens
from bot.dates import clock, date_span, day_name
from bot.programme import Programme, Session

Kind = Literal["help", "greeting", "sessions", "nothing", "mine", "joining", "overview"]
_PERIOD_HOURS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The lead (the one clear answer, shown in full) scores at least this many times the next.
_LEAD_MARGIN = 2.0
# A law named in a programme ("the Mental Capacity Act", "Care Act 2014"): asked about, it is
# looked for as a phrase, not as its words scattered.
_NAMED_ACT = re.compile(r"\b(?:[A-Z][\w'’]*[\s-]+){1,5}Act\b")


@dataclass(frozen=True)
class Answer:
    """What to tell the person. `heading` and `note` are plain text, not yet escaped.
    `sessions` holds one session per entry; `slots` the times of those held more than once
    (by the id of the one shown), all listed under it. `missing` are the words of the
    question no session mentions (the sessions answer the rest, and `heading` says so);
    `through` what was shown for what was asked, where the first sessions do not say it
    themselves: ("family violence", "domestic abuse")."""

    kind: Kind
    query: Query
    heading: str = ""
    sessions: tuple[Session, ...] = ()
    lead: Session | None = None
    note: str | None = None
    show_hint: bool = False
    suggested_days: tuple[date, ...] = ()
    suggested_topics: tuple[str, ...] = ()
    slots: dict[str, tuple[Session, ...]] = field(default_factory=dict)
    week: tuple[DaySummary, ...] = ()
    missing: tuple[str, ...] = ()
    through: tuple[tuple[str, str], ...] = ()


_SHARED: LRUCache[bytes, Answerer] = LRUCache(maxsize=2)  # the programme in force, and one
_SHARED_LOCK = threading.Lock()


def answerer_for(programme: Programme) -> Answerer:
    """An answerer for `programme`: the one built before for the same programme, if any (a
    reload that changed nothing; the tests' many bots). Building one is the costly part of
    loading a programme: 20 ms for the shipped one, half a second for 800 sessions, against
    a fraction of a millisecond to tell two programmes apart (5 ms for 800)."""
    key = hashlib.sha256(programme.model_dump_json().encode()).digest()
    with _SHARED_LOCK:
        found = _SHARED.get(key)
    if found is None:
        built = Answerer(programme)
        with _SHARED_LOCK:
            found = _SHARED.setdefault(key, built)
    return found


class Answerer:
    """Answers questions about one programme."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.thesaurus = thesaurus.for_programme(programme.event.synonyms)
        self.index = TopicIndex(programme.sessions, self.thesaurus)
        self.topics = _popular_topics(programme)
        self._named_days = tuple(
            (" ".join(tokens(name)), day) for day, name in programme.event.days.items()
        )
        self._phrases = self.thesaurus.phrases | _named_acts(programme)
        self._event = tuple(word for word in tokens(programme.event.name) if not word.isdigit())
        self._places = tuple(sorted({s.location for s in programme.sessions if s.location}))
        self._formats = {"online" if is_online(s) else "in_person" for s in programme.sessions}
        self._lock = threading.Lock()
        self._recent: LRUCache[tuple[str, datetime], Answer] = LRUCache(maxsize=2048)

    def names(self, answer: Answer, session: Session) -> bool:
        """Whether the question names `session` outright: it asked about topics, and the
        session matches every one of them (not just the most matched by any)."""
        query = answer.query
        if not query.topics:
            return False
        plan, found = self._searched([session], query)
        return bool(found) and found[0].complete and not plan.missing

    def answer(self, text: str, *, now: datetime) -> Answer:
        """Answer `text` as asked at `now` (an aware datetime). The same question within the
        same minute has the same answer (times are shown to the minute), so the answers of
        the last minutes are kept and given again."""
        key = (text, now.replace(second=0, microsecond=0))
        with self._lock:
            known = self._recent.get(key)
        if known is not None:
            return known
        found = self._answer(text, now=now)
        with self._lock:
            self._recent[key] = found
        return found

    def _answer(self, text: str, *, now: datetime) -> Answer:
        today = self.programme.local(now).date()
        query = self._parse(text, today)
        if (about := self._not_about_sessions(query, today)) is not None:
            return about
        if query.problems:
            return self._nothing(query, " ".join(query.problems) + ".")
        if query.absent and not query.days and not query.searches:
            return self._nothing(query, self._absent_note(query))
        if query.is_empty:
            return self._lone_word(query) or self._default_day(query, today)
        if query.moment == "now":
            return self._now(query, now)
        if query.moment == "next":
            return self._next(query, now)
        if query.clock is not None:
            return self._at_clock(query, query.clock, today)
        return self._search(query)

    def _parse(self, text: str, today: date) -> Query:
        query = parse_query(
            text,
            days=self.programme.days,
            today=today,
            named_days=self._named_days,
            places=self._places,
            phrases=self._phrases,
            event=self._event,
        )
        if query.format and query.format not in self._formats:
            # "online" in a programme with no online sessions is a word to search for
            query = replace(query, format=None)
        return query

    def _not_about_sessions(self, query: Query, today: date) -> Answer | None:
        """Help, a greeting, or a question about the person or the week as a whole."""
        if query.is_help:
            return Answer(kind="help", query=query, heading="How to ask about sessions")
        if query.intent == "greeting":
            return Answer(kind="greeting", query=query, heading="Hello!")
        if query.intent == "mine":
            return Answer(kind="mine", query=query, heading="Your sessions")
        if query.intent == "joining":
            note = joining_note(self.programme)
            return Answer(kind="joining", query=query, heading="Joining sessions", note=note)
        if query.intent == "overview":
            return Answer(
                kind="overview",
                query=query,
                heading=self.programme.event.name,
                note=week_note(self.programme, today),
                week=week_summary(self.programme),
            )
        return None

    def _lone_word(self, query: Query) -> Answer | None:
        """A function word asked alone that a title has: "still" is "I still love pandas"."""
        said = tokens(query.text)
        titled = self.index.titled(said[0]) if len(said) == 1 else set()
        if not titled:
            return None
        found = [s for s in self.programme.sessions if s.id in titled]
        return self._listing(query, f"Sessions matching “{said[0]}”", found)

    def _default_day(self, query: Query, today: date) -> Answer:
        days = self.programme.days
        if today in days:
            return self._listing(
                query, self.day_title(today), self.programme.on_day(today), hint=True
            )
        nearest = min(days, key=lambda day: (abs((day - today).days), day))
        span = date_span(days[0], days[-1])
        tense = "runs" if today < days[0] else "ran"
        event = self.programme.event.name
        note = f"Nothing on today. {event} {tense} {span}: here is its nearest day."
        sessions = self.programme.on_day(nearest)
        return self._listing(query, self.day_title(nearest), sessions, note, True)

    def _now(self, query: Query, now: datetime) -> Answer:
        running = [s for s in self._filtered(query) if s.start <= now < s.end]
        if query.searches:
            running = self._best(running, query)
        if running:
            return self._listing(query, "On now", running)
        upcoming = [s for s in self._filtered(query) if s.start > now]
        if query.searches:
            upcoming = self._best(upcoming, query)
        if not upcoming:
            return self._nothing(query, "Nothing is on right now, and nothing more is coming up.")
        return self._listing(query, "Next up", _first(upcoming), "Nothing is on right now.")

    def _next(self, query: Query, now: datetime) -> Answer:
        upcoming = [s for s in self._filtered(query) if s.start > now]
        if query.searches:
            upcoming = self._best(upcoming, query)
        if not upcoming:
            return self._nothing(query, "Nothing more is coming up.")
        return self._listing(query, "Next up", _first(upcoming))

    def _at_clock(self, query: Query, moment: time, today: date) -> Answer:
        """What is on at a clock time: on the days asked, else today, else every day."""
        days = query.days or ((today,) if today in self.programme.days else self.programme.days)
        candidates = [s for s in self._filtered(query) if self._day(s) in days]
        if query.searches:
            candidates = self._best(candidates, query)
        at = [
            self.programme.local(s.start).replace(hour=moment.hour, minute=moment.minute)
            for s in candidates
        ]
        running = [s for s, t in zip(candidates, at, strict=True) if s.start <= t < s.end]
        where = " and ".join(day_name(day) for day in days) if len(days) <= 2 else "any day"
        heading = f"On at {clock_words(moment)}, {where}"
        if running:
            return self._listing(query, heading, running)
        later = [s for s, t in zip(candidates, at, strict=True) if s.start > t]
        if not later:
            return self._nothing(query, f"Nothing is on at {clock_words(moment)}, {where}.")
        first_each = [
            day_first
            for day in days
            if (day_first := _first([s for s in later if self._day(s) == day]))
        ]
        sessions = [s for group in first_each for s in group]
        note = f"Nothing is on at {clock_words(moment)}; this comes next."
        return self._listing(query, f"After {clock_words(moment)}, {where}", sessions, note)

    def _search(self, query: Query) -> Answer:
        candidates = self._filtered(query)
        heading = self._heading(query)
        if not query.searches:
            if candidates:
                return self._listing(query, heading, _positioned(candidates, query))
            return self._nothing(query, f"No sessions {self._scope(query)}.")
        plan, found = self._searched(candidates, query)
        if found:
            return self._found(query, heading, found, plan=plan)
        narrowed = query.days or query.absent or query.period or query.format or query.places
        if narrowed:
            plan, found = self._searched(self.programme.sessions, query)
        if narrowed and found:
            only_days = (query.days or query.absent) and not (query.period or query.clock)
            other = "on other days" if only_days else "at other times or places"
            note = f"Nothing matches {self._scope(query)}, but these do {other}."
            return self._found(query, heading, found, note, plan=plan)
        return self._nothing(query, f"I couldn't find a session about “{_asked(query)}”.")

    def _plan(self, query: Query) -> Plan:
        if not query.topics:  # words that may only phrase the question, asked alone
            return self.index.plan(query.soft)
        return self.index.plan(query.topics, query.words, query.phrases)

    def _searched(self, sessions: Sequence[Session], query: Query) -> tuple[Plan, list[Match]]:
        """The sessions among `sessions` that answer `query`'s topics, with the plan that
        found them (some of its words left out, when nothing answers them all)."""
        soft = query.soft if query.topics else ()
        return self.index.search(sessions, self._plan(query), soft, query.sequence)

    def _matches(self, sessions: Sequence[Session], query: Query) -> list[Match]:
        return self._searched(sessions, query)[1]

    def _best(self, sessions: Sequence[Session], query: Query) -> list[Session]:
        """The sessions among `sessions` that answer `query`'s topics best: "the next one on
        racism" is the next of those about racism, not of those that mention a word like it."""
        found = self._matches(sessions, query)
        if not found:
            return []
        best = round(found[0].coverage, 1)
        return [match.session for match in found if round(match.coverage, 1) == best]

    def _sessions(self, matches: list[Match]) -> list[Session]:
        return [match.session for match in matches]

    def _found(
        self,
        query: Query,
        heading: str,
        found: list[Match],
        note: str | None = None,
        *,
        plan: Plan | None = None,
    ) -> Answer:
        if query.position:
            return self._listing(query, heading, _positioned(self._sessions(found), query), note)
        plan = plan or self._plan(query)
        missing = tuple(_as_typed(query, term.said) for term in plan.missing)
        if missing:
            answered = [t for t in plan.terms if t not in plan.missing]
            about = " ".join(_as_typed(query, term.said) for term in answered)
            heading = f"Nothing mentions “{' '.join(missing)}” — sessions about “{about}”"
        through = tuple((_as_typed(query, asked), shown) for asked, shown in _through(found))
        if through:
            said = "; ".join(f"“{equivalent}” for “{asked}”" for asked, equivalent in through)
            note = f"{note} Showing {said}." if note else f"Showing {said}."
        shown, slots = grouped([match.session for match in found])
        scores = {match.session.id: match for match in found}
        lead = None
        first = scores[shown[0].id]
        if first.complete and (
            len(shown) == 1 or first.score >= _LEAD_MARGIN * scores[shown[1].id].score
        ):
            lead = shown[0]
        return Answer(
            "sessions", query, heading, tuple(shown), lead=lead, note=note, slots=slots,
            missing=missing, through=through,
        )  # fmt: skip

    def _listing(
        self,
        query: Query,
        heading: str,
        sessions: Sequence[Session],
        note: str | None = None,
        hint: bool = False,
    ) -> Answer:
        ordered = sorted(sessions, key=lambda s: (s.start, s.id))
        shown, slots = grouped(ordered)
        lead = shown[0] if len(shown) == 1 else None
        return Answer(
            "sessions", query, heading, tuple(shown), lead=lead, note=note, show_hint=hint,
            slots=slots,
        )  # fmt: skip

    def _nothing(self, query: Query, note: str) -> Answer:
        return Answer(
            kind="nothing",
            query=query,
            heading="No matching sessions",
            note=note,
            show_hint=True,
            suggested_days=self.programme.days,
            suggested_topics=self.topics,
        )

    def _filtered(self, query: Query) -> list[Session]:
        sessions = list(self.programme.sessions)
        if query.days or query.absent:
            sessions = [s for s in sessions if self._day(s) in query.days]
        if query.period:
            low, high = _PERIOD_HOURS[query.period]
            sessions = [s for s in sessions if low <= self.programme.local(s.start).hour < high]
        if query.format:
            online = query.format == "online"
            sessions = [s for s in sessions if is_online(s) == online]
        if query.places:
            sessions = [s for s in sessions if s.location in query.places]
        return sessions

    def _day(self, session: Session) -> date:
        return self.programme.local(session.start).date()

    def day_title(self, day: date) -> str:
        """`Tuesday 21 March`, with the programme's name for the day if it has one."""
        name = self.programme.event.days.get(day)
        return f"{day_name(day)} · {name}" if name else day_name(day)

    def _absent_note(self, query: Query) -> str:
        asked = " or ".join(_WEEKDAYS[weekday] for weekday in query.absent)
        days = self.programme.days
        return (
            f"{self.programme.event.name} has no sessions on a {asked}. "
            f"Its days are {', '.join(_WEEKDAYS[d.weekday()] for d in days)} "
            f"({date_span(days[0], days[-1])})."
        )

    def _scope(self, query: Query) -> str:
        parts = []
        if query.days or query.absent:
            named = [day_name(d) for d in query.days] + [_WEEKDAYS[w] for w in query.absent]
            parts.append("on " + " or ".join(named))
        if query.period:
            parts.append(f"in the {query.period}")
        if query.format:
            parts.append("online" if query.format == "online" else "in person")
        if query.places:
            parts.append("at " + " or ".join(query.places))
        return " ".join(parts) or "at that time"

    def _heading(self, query: Query) -> str:
        if query.searches:
            return f"Sessions matching “{_asked(query)}”"
        days = " and ".join(self.day_title(day) for day in query.days) or "All days"
        if query.position and not query.days:
            days = f"{query.position.capitalize()} session of {self.programme.event.name}"
        elif query.position:
            days = f"{query.position.capitalize()} session, {days}"
        if query.format or query.places:
            days += ", " + self._scope(Query(text="", format=query.format, places=query.places))
        return f"{days}, {query.period}" if query.period else days


def _as_typed(query: Query, said: str) -> str:
    """Words of a question as the person typed them ("NQSWs"), given them folded
    ("nqsws")."""
    wanted = said.split()
    spans = [(m.start(), m.end(), tokens(m.group())) for m in re.finditer(r"\S+", query.text)]
    for first in range(len(spans)):
        got: list[str] = []
        for last in range(first, len(spans)):
            got += spans[last][2]
            if got == wanted:
                return query.text[spans[first][0] : spans[last][1]].strip("?!.,;:()\"'“”")
            if len(got) >= len(wanted) or got != wanted[: len(got)]:
                break
    return said


def _through(found: list[Match]) -> tuple[tuple[str, str], ...]:
    """What the first sessions were found through, for words they do not say themselves."""
    first = found[0]
    leading = [m for m in found if round(m.coverage, 1) == round(first.coverage, 1)][:3]
    seen: dict[str, str] = {}
    for match in leading:
        for asked, equivalent in match.through:
            seen.setdefault(asked, equivalent)
    return tuple(seen.items())


def _named_acts(programme: Programme) -> frozenset[tuple[str, ...]]:
    """The laws a programme names ("Mental Capacity Act"), as phrases (`thesaurus.key`)."""
    found = set()
    for session in programme.sessions:
        for text, _ in weighted_fields(session):
            for name in _NAMED_ACT.findall(text):
                named = thesaurus.key(name)
                if len(named) > 1:
                    found.add(named)
    return frozenset(found)


def _asked(query: Query) -> str:
    """The words of the question from its first topic word to its last: "tax returns for
    farmers" out of "anything on tax returns for farmers?"."""
    said = tokens(query.text)
    at = [n for n, word in enumerate(said) if word in query.words]
    return " ".join(said[min(at) : max(at) + 1]) if at else query.text


def clock_words(moment: time) -> str:
    return clock(datetime.combine(date(2000, 1, 1), moment))


def _first(sessions: Sequence[Session]) -> list[Session]:
    """The sessions that start first among `sessions`."""
    if not sessions:
        return []
    start = min(s.start for s in sessions)
    return [s for s in sessions if s.start == start]


def _positioned(sessions: Sequence[Session], query: Query) -> list[Session]:
    """The first or last sessions (by start) when the question asked for them, else all."""
    if query.position == "first":
        return _first(sessions)
    if query.position == "last" and sessions:
        start = max(s.start for s in sessions)
        return [s for s in sessions if s.start == start]
    return list(sessions)


def _popular_topics(programme: Programme, limit: int = 8) -> tuple[str, ...]:
    """A few topics worth suggesting: the kinds of session, then the commonest tags."""
    counts = Counter(tag for s in programme.sessions for tag in s.tags)
    types = sorted({s.type for s in programme.sessions if s.type})
    popular = [tag for tag, _ in counts.most_common(limit)]
    return tuple(dict.fromkeys(types + popular))[:limit]

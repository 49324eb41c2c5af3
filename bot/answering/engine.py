"""The answering engine: one question in, one `Answer` out. Knows nothing of Slack.

Serves `/sessions`, direct messages and @mentions alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.answering.index import TopicIndex
from bot.answering.query import Query, parse_query
from bot.programme import Programme, Session
from bot.wording import date_span, day_name

Kind = Literal["help", "sessions", "nothing"]
_PERIOD_HOURS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
_THEMES = ("Learn", "Connect", "Influence")


@dataclass(frozen=True)
class Answer:
    """What to tell the person. `heading` and `note` are plain text, not yet escaped."""

    kind: Kind
    query: Query
    heading: str = ""
    sessions: tuple[Session, ...] = ()
    lead: Session | None = None
    note: str | None = None
    show_hint: bool = False
    suggested_days: tuple[date, ...] = ()
    suggested_topics: tuple[str, ...] = ()


class Answerer:
    """Answers questions about one programme."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.index = TopicIndex(programme.sessions)
        self.topics = _popular_topics(programme)

    def names(self, answer: Answer, session: Session) -> bool:
        """Whether the question names `session` outright: it asked about topics, and the
        session matches every one of them (not just the most matched by any)."""
        topics = answer.query.topics
        if not topics:
            return False
        matched, _ = self.index.scores(topics).get(session.id, (0, 0.0))
        return matched == len(topics)

    def answer(self, text: str, *, now: datetime) -> Answer:
        """Answer `text` as asked at `now` (an aware datetime)."""
        today = self.programme.local(now).date()
        query = parse_query(text, days=self.programme.days, today=today)
        if query.is_help:
            return Answer(kind="help", query=query, heading="How to ask about sessions")
        if query.problems:
            return self._nothing(query, " ".join(query.problems) + ".")
        if query.is_empty:
            return self._default_day(query, today)
        if query.moment == "now":
            return self._now(query, now)
        if query.moment == "next":
            return self._next(query, now)
        return self._search(query)

    def _default_day(self, query: Query, today: date) -> Answer:
        days = self.programme.days
        if today in days:
            return self._listing(query, day_name(today), self.programme.on_day(today), hint=True)
        nearest = min(days, key=lambda day: (abs((day - today).days), day))
        span = date_span(days[0], days[-1])
        tense = "runs" if today < days[0] else "ran"
        event = self.programme.event.name
        note = f"Nothing on today. {event} {tense} {span}: here is its nearest day."
        return self._listing(query, day_name(nearest), self.programme.on_day(nearest), note, True)

    def _now(self, query: Query, now: datetime) -> Answer:
        running = [s for s in self._filtered(query) if s.start <= now < s.end]
        if query.topics:
            running = self.index.search(running, query.topics)
        if running:
            return self._listing(query, "On now", running)
        upcoming = [s for s in self._filtered(query) if s.start > now]
        if query.topics:
            upcoming = self.index.search(upcoming, query.topics)
        if not upcoming:
            return self._nothing(query, "Nothing is on right now, and nothing more is coming up.")
        first = min(s.start for s in upcoming)
        following = [s for s in upcoming if s.start == first]
        return self._listing(query, "Next up", following, "Nothing is on right now.")

    def _next(self, query: Query, now: datetime) -> Answer:
        upcoming = sorted(
            (s for s in self._filtered(query) if s.start > now), key=lambda s: s.start
        )
        if query.topics:
            upcoming = sorted(self.index.search(upcoming, query.topics), key=lambda s: s.start)
        if not upcoming:
            return self._nothing(query, "Nothing more is coming up.")
        following = [s for s in upcoming if s.start == upcoming[0].start]
        return self._listing(query, "Next up", following)

    def _search(self, query: Query) -> Answer:
        candidates = self._filtered(query)
        heading = self._heading(query)
        if not query.topics:
            if candidates:
                return self._listing(query, heading, candidates)
            return self._nothing(query, f"No sessions {self._scope(query)}.")
        found = self.index.search(candidates, query.topics)
        if found:
            return self._found(query, heading, found)
        elsewhere = self.index.search(self.programme.sessions, query.topics)
        if (query.days or query.period) and elsewhere:
            note = f"Nothing matches {self._scope(query)}, but these do on other days."
            return self._found(query, heading, elsewhere, note)
        return self._nothing(query, f"I couldn't find a session about “{_terms(query)}”.")

    def _found(
        self, query: Query, heading: str, found: list[Session], note: str | None = None
    ) -> Answer:
        lead = self.index.lead(found, query.topics)
        rest = sorted((s for s in found if s is not lead), key=lambda s: s.start)
        ordered = ([lead] if lead else []) + rest
        return Answer("sessions", query, heading, tuple(ordered), lead=lead, note=note)

    def _listing(
        self,
        query: Query,
        heading: str,
        sessions: list[Session] | tuple[Session, ...],
        note: str | None = None,
        hint: bool = False,
    ) -> Answer:
        ordered = tuple(sorted(sessions, key=lambda s: (s.start, s.id)))
        lead = ordered[0] if len(ordered) == 1 else None
        return Answer("sessions", query, heading, ordered, lead=lead, note=note, show_hint=hint)

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
        if query.days:
            sessions = [s for s in sessions if self.programme.local(s.start).date() in query.days]
        if query.period:
            low, high = _PERIOD_HOURS[query.period]
            sessions = [s for s in sessions if low <= self.programme.local(s.start).hour < high]
        return sessions

    def _scope(self, query: Query) -> str:
        parts = []
        if query.days:
            parts.append("on " + " or ".join(day_name(d) for d in query.days))
        if query.period:
            parts.append(f"in the {query.period}")
        return " ".join(parts) or "at that time"

    def _heading(self, query: Query) -> str:
        if query.topics:
            return f"Sessions matching “{query.text}”"
        days = " and ".join(day_name(day) for day in query.days) or "All days"
        return f"{days}, {query.period}" if query.period else days


def _terms(query: Query) -> str:
    return " ".join(query.words)


def _popular_topics(programme: Programme, limit: int = 8) -> tuple[str, ...]:
    """A few topics worth suggesting: the week's themes, then the commonest tags."""
    counts = Counter(tag for s in programme.sessions for tag in s.tags if tag not in _THEMES)
    present = [theme for theme in _THEMES if any(theme in s.tags for s in programme.sessions)]
    types = sorted({s.type for s in programme.sessions if s.type})
    popular = [tag for tag, _ in counts.most_common(limit)]
    return tuple(dict.fromkeys(types + present + popular))[:limit]

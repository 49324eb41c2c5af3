"""A topic index over the programme: which sessions mention which words, tolerant of typos."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.answering.words import topic_words
from bot.programme import Session

# How much a word counts, by where it appears in a session.
_TITLE, _NAME, _DETAIL, _BODY = 3.0, 3.0, 2.0, 1.0


def _weighted_fields(session: Session) -> Iterable[tuple[str, float]]:
    yield session.title, _TITLE
    yield " ".join(session.tags), _TITLE
    yield session.type or "", _TITLE
    for speaker in session.speakers:
        yield speaker.name, _NAME
        yield f"{speaker.role or ''} {speaker.organisation or ''}", _DETAIL
    yield session.host or "", _DETAIL
    yield session.location or "", _DETAIL
    yield session.description or "", _BODY


class TopicIndex:
    """Scores sessions against topic words. Built once per programme; safe to share."""

    def __init__(self, sessions: Iterable[Session]) -> None:
        self._weights: dict[str, dict[str, float]] = {}
        frequency: dict[str, int] = defaultdict(int)
        for session in sessions:
            words: dict[str, float] = {}
            for text, weight in _weighted_fields(session):
                for word in topic_words(text):
                    words[word] = max(words.get(word, 0.0), weight)
            self._weights[session.id] = words
            for word in words:
                frequency[word] += 1
        total = max(len(self._weights), 1)
        self._rarity = {word: 1.0 + math.log(total / n) for word, n in frequency.items()}
        self._vocabulary = tuple(sorted(frequency))
        self.similar = lru_cache(maxsize=4096)(self._similar)

    def _similar(self, term: str) -> tuple[tuple[str, float], ...]:
        """Words of the programme that `term` may mean, with a similarity from 0 to 1."""
        if term in self._rarity:
            return ((term, 1.0),)
        found: dict[str, float] = {}
        if len(term) >= 4:
            for word in self._vocabulary:
                if word.startswith(term):
                    found[word] = 0.8
        if len(term) >= 5:
            cutoff = 80 if len(term) >= 6 else 85
            for word, score, _ in process.extract(
                term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
            ):
                found[word] = max(found.get(word, 0.0), score / 100 * 0.9)
        return tuple(found.items())

    def score(self, session: Session, terms: Iterable[str]) -> tuple[int, float]:
        """(how many of `terms` the session matches, how strongly)."""
        words = self._weights.get(session.id, {})
        matched, total = 0, 0.0
        for term in terms:
            best = max(
                (words[w] * sim * self._rarity[w] for w, sim in self.similar(term) if w in words),
                default=0.0,
            )
            if best:
                matched += 1
                total += best
        return matched, total

    def search(self, sessions: Iterable[Session], terms: tuple[str, ...]) -> list[Session]:
        """Sessions matching the most terms, strongest first; weak stray matches are dropped."""
        scored = [(self.score(s, terms), s) for s in sessions]
        scored = [item for item in scored if item[0][0] > 0]
        if not scored:
            return []
        most = max(matched for (matched, _), _ in scored)
        scored = [item for item in scored if item[0][0] == most]
        best = max(total for (_, total), _ in scored)
        kept = [item for item in scored if item[0][1] >= best * 0.25]
        kept.sort(key=lambda item: (-item[0][1], item[1].start))
        return [session for _, session in kept]

    def lead(self, sessions: list[Session], terms: tuple[str, ...]) -> Session | None:
        """The one session that clearly answers, if there is one (`sessions` from `search`)."""
        if len(sessions) == 1:
            return sessions[0]
        if len(sessions) >= 2 and terms:
            first, second = (self.score(s, terms)[1] for s in sessions[:2])
            if first >= 2 * second:
                return sessions[0]
        return None

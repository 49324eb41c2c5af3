"""A topic index over the programme: which sessions mention which words, tolerant of typos."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.answering.words import topic_words
from bot.programme import Session

# At most this many programme words that start with a term count as its matches.
MAX_PREFIXED = 20
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
        # word -> {session id: how strongly the session is about that word}
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)
        count = 0
        for session in sessions:
            count += 1
            for text, weight in _weighted_fields(session):
                for word in topic_words(text):
                    posting = self._postings[word]
                    posting[session.id] = max(posting.get(session.id, 0.0), weight)
        total = max(count, 1)
        self._rarity = {word: 1.0 + math.log(total / len(p)) for word, p in self._postings.items()}
        self._vocabulary = tuple(sorted(self._postings))
        # Words by first letter: a typo is looked for among the words that start with the
        # term's first or second letter (which also catches those two swapped), a small part
        # of a large programme's vocabulary, so every look costs little.
        by_letter: dict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            by_letter[word[0]].append(word)
        self._by_letter = {letter: tuple(words) for letter, words in by_letter.items()}
        self.similar = lru_cache(maxsize=4096)(self._similar)

    def _similar(self, term: str) -> tuple[tuple[str, float], ...]:
        """Words of the programme that `term` may mean, with a similarity from 0 to 1."""
        if term in self._rarity:
            return ((term, 1.0),)
        found: dict[str, float] = {}
        if len(term) >= 4:
            # The vocabulary is sorted: the words starting with `term` are one run of it.
            first = bisect.bisect_left(self._vocabulary, term)
            for word in self._vocabulary[first : first + MAX_PREFIXED]:
                if not word.startswith(term):
                    break
                found[word] = 0.8
        if len(term) >= 5:
            cutoff = 80 if len(term) >= 6 else 85
            letters = dict.fromkeys(term[:2])
            candidates = [w for letter in letters for w in self._by_letter.get(letter, ())]
            for word, score, _ in process.extract(
                term, candidates, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
            ):
                found[word] = max(found.get(word, 0.0), score / 100 * 0.9)
        return tuple(found.items())

    def scores(self, terms: Iterable[str]) -> dict[str, tuple[int, float]]:
        """For each session matching any of `terms`: (how many it matches, how strongly)."""
        found: dict[str, tuple[int, float]] = {}
        for term in terms:
            best: dict[str, float] = {}
            for word, similarity in self.similar(term):
                strength = similarity * self._rarity[word]
                for session_id, weight in self._postings[word].items():
                    best[session_id] = max(best.get(session_id, 0.0), weight * strength)
            for session_id, value in best.items():
                matched, total = found.get(session_id, (0, 0.0))
                found[session_id] = (matched + 1, total + value)
        return found

    def search(self, sessions: Iterable[Session], terms: tuple[str, ...]) -> list[Session]:
        """Sessions matching the most terms, strongest first; weak stray matches are dropped."""
        found = self.scores(terms)
        scored = [(found[s.id], s) for s in sessions if s.id in found]
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
            found = self.scores(terms)
            first, second = (found[s.id][1] for s in sessions[:2])
            if first >= 2 * second:
                return sessions[0]
        return None

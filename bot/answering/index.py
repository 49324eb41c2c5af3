"""A topic index over the programme: which sessions mention which words, tolerant of typos,
and how much of a question each session covers."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.answering.words import STOP_WORDS, joined, stem, tokens, topic_words
from bot.programme import Session, mrkdwn

# At most this many programme words that start with a term count as its matches.
MAX_PREFIXED = 20
# A session must cover at least this share of a question's topic words (weighted by how
# rare each word is, and by how exactly it matched) to be offered at all.
MIN_COVERAGE = 0.6
# How much a word counts, by where it appears in a session.
_TITLE, _NAME, _DETAIL, _BODY = 3.0, 3.0, 2.0, 1.0
# How much a soft word (one that may only phrase the question) adds when it matches.
_SOFT = 0.5
# How much more a word counts when it is in a title or name exactly as asked (`Michels`,
# not `Michel`; `application`, not `applications`).
_EXACT = 1.25


def _weighted_fields(session: Session) -> Iterable[tuple[str, float]]:
    yield session.title, _TITLE
    yield " ".join(session.tags), _TITLE
    yield session.type or "", _TITLE
    for speaker in session.speakers:
        yield speaker.name, _NAME
        yield f"{speaker.role or ''} {speaker.organisation or ''}", _DETAIL
    yield session.host or "", _DETAIL
    yield session.location or "", _DETAIL
    yield mrkdwn.plain(session.description or "", urls=False), _BODY


@dataclass(frozen=True)
class Match:
    """How well one session answers a question's topic words."""

    session: Session
    coverage: float  # 0..1: the share of the question the session covers
    score: float  # how strongly: rare words, in the title, matched exactly, count most
    complete: bool  # every topic word matched something in it


class TopicIndex:
    """Scores sessions against topic words. Built once per programme; safe to share."""

    def __init__(self, sessions: Iterable[Session]) -> None:
        sessions = list(sessions)
        # word -> {session id: how strongly the session is about that word}
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)
        # word exactly as written in a title or name -> {session id}
        self._exact: dict[str, set[str]] = defaultdict(set)
        # function word in a title ("I still love pandas") -> {session id}
        self._titled: dict[str, set[str]] = defaultdict(set)
        # pairs of adjacent title words, as stems and as written
        self._title_pairs: dict[str, frozenset[tuple[str, str]]] = {}
        self._written_pairs: dict[str, frozenset[tuple[str, str]]] = {}
        titles = {s.id: topic_words(s.title) for s in sessions}
        average = sum(map(len, titles.values())) / max(len(titles), 1) or 1.0
        for session in sessions:
            title = titles[session.id]
            # A word counts for a little more in a short title than in a long one.
            short = 1.0 / (0.75 + 0.25 * len(title) / average)
            for text, weight in _weighted_fields(session):
                if weight == _TITLE:
                    weight *= short
                for word in topic_words(text):
                    posting = self._postings[word]
                    posting[session.id] = max(posting.get(session.id, 0.0), weight)
            for text in (session.title, *(speaker.name for speaker in session.speakers)):
                for word in tokens(text) + joined(text):
                    self._exact[word].add(session.id)
            for word in tokens(session.title):
                if word in STOP_WORDS:
                    self._titled[word].add(session.id)
            self._title_pairs[session.id] = _pairs(title)
            self._written_pairs[session.id] = _pairs(tokens(session.title))
        total = max(len(sessions), 1)
        self._unknown = 1.0 + math.log(total)  # a word found nowhere is as rare as can be
        self._rarity = {word: 1.0 + math.log(total / len(p)) for word, p in self._postings.items()}
        self._vocabulary = tuple(sorted(self._postings))
        # Words by their first and by their second letter, and by length: a typo is looked
        # for among the words sharing a first or second letter with the term (which
        # catches a slip in either, and those two swapped) and of a length one slip away,
        # a small part of a large programme's vocabulary, so every look costs little.
        by_letter: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self._vocabulary:
            by_letter[word[0], len(word)].append(word)
            if len(word) > 1:
                by_letter["_" + word[1], len(word)].append(word)
        self._by_letter = {key: tuple(words) for key, words in by_letter.items()}
        # Words by all but their first letter: "upport" is "support" with its first letter
        # dropped, the one slip in the first letter looked for in short words too.
        self._beheaded: dict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            self._beheaded[word[1:]].append(word)
        self.similar = lru_cache(maxsize=4096)(self._similar)

    def _similar(self, term: str) -> tuple[tuple[str, float], ...]:
        """Words of the programme that `term` may mean, with a similarity from 0 to 1: itself;
        else words it begins (`safeguard`: `safeguarding`), counting less the more is
        missing; else words one typing slip away (two, for long words)."""
        if term in self._rarity:
            return ((term, 1.0),)
        found: dict[str, float] = {}
        if len(term) >= 4:
            # The vocabulary is sorted: the words starting with `term` are one run of it.
            first = bisect.bisect_left(self._vocabulary, term)
            for word in self._vocabulary[first : first + MAX_PREFIXED]:
                if not word.startswith(term):
                    break
                found[word] = 0.5 + 0.4 * len(term) / len(word)
        if len(term) >= 5:
            most = 2 if len(term) >= 9 else 1
            # A slip in the first letter is looked for in longer words only: in short ones
            # it turns one real word into another ("baking" is not "making").
            seconds = ["_" + letter for letter in term[:2]] if len(term) >= 7 else []
            for word in self._beheaded.get(term, ()):
                found[word] = 0.85
            near: dict[str, float] = {}
            for letter in dict.fromkeys([*term[:2], *seconds]):
                for length in range(len(term) - most, len(term) + most + 1):
                    words = self._by_letter.get((letter, length), ())
                    for word, distance, _ in process.extract(
                        term, words, scorer=OSA.distance, score_cutoff=most, limit=5
                    ):
                        near[word] = distance
            for word in sorted(near, key=lambda w: (near[w], w))[:5]:
                found[word] = max(found.get(word, 0.0), 0.85 if near[word] <= 1 else 0.7)
        return tuple(found.items())

    def _term(self, term: str, typed: str = "") -> tuple[float, dict[str, tuple[float, float]]]:
        """How rare `term` (a stem) is, and for each session it matches: (similarity,
        strength); `typed` is the word as asked."""
        matches: dict[str, tuple[float, float]] = {}
        rarity = 0.0
        exact = self._exact.get(typed, set())
        for word, similarity in self.similar(term):
            rarity = max(rarity, self._rarity[word])
            for session_id, weight in self._postings[word].items():
                strength = weight * similarity * self._rarity[word]
                if session_id in exact:
                    strength *= _EXACT
                old = matches.get(session_id, (0.0, 0.0))
                matches[session_id] = (max(old[0], similarity), max(old[1], strength))
        return rarity or self._unknown, matches

    def matches(
        self,
        sessions: Iterable[Session],
        needed: tuple[str, ...],
        soft: tuple[str, ...] = (),
        sequence: tuple[str, ...] = (),
        typed: tuple[str, ...] = (),
    ) -> list[Match]:
        """Sessions covering enough of the `needed` words (stems; `typed` as asked), best
        first. `soft` words add to a match but are never needed; `sequence` is every word in
        the order asked (as typed), so that a phrase from a title counts for more than its
        words scattered, and more again when written as asked."""
        if not needed:
            needed, soft, typed = soft, (), ()
        if not needed:
            return []
        typed = typed if len(typed) == len(needed) else needed
        looked = [self._term(term, word) for term, word in zip(needed, typed, strict=True)]
        total_rarity = sum(rarity for rarity, _ in looked)
        extras = [self._term(term)[1] for term in soft]
        written = _pairs(list(sequence))
        stemmed = _pairs([stem(word) for word in sequence])
        found = []
        mentioned = {session_id for _, matched in looked for session_id in matched}
        for session in sessions:
            if session.id not in mentioned:
                continue
            covered, score, hits = 0.0, 0.0, 0
            for rarity, matched in looked:
                similarity, strength = matched.get(session.id, (0.0, 0.0))
                covered += rarity * similarity
                score += strength
                hits += similarity > 0
            if hits == 0:
                continue
            score += _SOFT * sum(extra.get(session.id, (0.0, 0.0))[1] for extra in extras)
            in_title = len(stemmed & self._title_pairs[session.id])
            as_written = len(written & self._written_pairs[session.id])
            score *= 1.0 + 0.5 * in_title + 0.25 * as_written
            coverage = covered / total_rarity
            if coverage >= MIN_COVERAGE:
                found.append(Match(session, coverage, score, hits == len(needed)))
        if not found:
            return []
        best = max(match.coverage for match in found)
        found = [match for match in found if match.coverage >= best - 0.15]
        top = max(match.score for match in found)
        found = [match for match in found if match.score >= top * 0.2]
        found.sort(key=lambda m: (-round(m.coverage, 1), -m.score, m.session.start, m.session.id))
        return found

    def titled(self, word: str) -> set[str]:
        """The sessions with `word`, a function word, in their title: asked alone, it can
        only mean those."""
        return self._titled.get(word, set())

    def unknown(self, needed: tuple[str, ...]) -> tuple[str, ...]:
        """The words of a question that no session mentions, even allowing for typos."""
        return tuple(term for term in needed if not self.similar(term))

    def near_misses(self, needed: tuple[str, ...]) -> tuple[str, ...]:
        """The words of a question that some session does mention, word for word, when none
        covers the whole question."""
        return tuple(term for term in needed if term in self._rarity)


def _pairs(words: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset(zip(words, words[1:], strict=False))

"""A topic index over the programme: which sessions mention which words, tolerant of typos and
of other forms of a word, finding phrases and what the thesaurus says they mean, and how much
of a question each session covers."""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.answering.thesaurus import RELATED, SYNONYM, Key, Thesaurus, key
from bot.answering.words import STOP_WORDS, joined, root, stem, tokens, topic_words
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
# How much another form of the word asked counts (`management` for `managers`), and when the
# word asked is also a typing slip away from a word of the programme.
_FORM = 0.9
_LOOSE_FORM = 0.8
# How much more a session counts for each further equivalent it was found through.
_SEVERAL = 0.1
# A word in more than this share of the sessions is common: found alone, it is too weak an
# answer to a question whose other words nothing mentions.
_COMMON_SHARE = 1 / 3
# A question some of whose words nothing mentions is answered with the rest only when the
# rest is at least this share of what was asked.
_MIN_ANSWERED_SHARE = 0.5


def weighted_fields(session: Session) -> Iterable[tuple[str, float]]:
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
    complete: bool  # every topic word found anywhere matched something in it
    # what it was found through, for words it does not itself mention: (asked, shown)
    through: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Term:
    """One thing a question asks about: a word, or a phrase (a named act, a term of the
    thesaurus), and the sessions that mention it, or something that means it."""

    said: str  # as asked: "family violence"
    stems: tuple[str, ...]  # the question's topic stems it stands for
    rarity: float
    # session id -> (how much of the term it covers, 0..1; how strongly)
    hits: dict[str, tuple[float, float]] = field(default_factory=dict)
    # session id -> the equivalent it was found through, when it does not mention the term
    shown: dict[str, str] = field(default_factory=dict)
    # found only as another form of the word, a longer word it begins, or a typing slip
    loose: bool = False
    typo_only: bool = False  # found only as a typing slip for another word
    common: bool = False  # found in more than a third of the sessions


@dataclass(frozen=True)
class Plan:
    """How a question's topic words are looked for: its terms; those nothing mentions (left
    out of the answer, and said so); common words that only add to a match when the rest
    is rarer; and whether what is left is worth answering."""

    terms: tuple[Term, ...]
    missing: tuple[Term, ...] = ()
    common: tuple[Term, ...] = ()
    weak: bool = False  # what was found is too little to answer with

    @property
    def counted(self) -> tuple[Term, ...]:
        """The terms a session is measured against."""
        return tuple(t for t in self.terms if t not in self.missing and t not in self.common)


class TopicIndex:
    """Scores sessions against topic words. Built once per programme; safe to share."""

    def __init__(self, sessions: Iterable[Session], thesaurus: Thesaurus | None = None) -> None:
        sessions = list(sessions)
        self.thesaurus = thesaurus or Thesaurus(())
        self._sessions = {session.id: session for session in sessions}
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
            for text, weight in weighted_fields(session):
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
        self._total = max(len(sessions), 1)
        self._unknown = 1.0 + math.log(self._total)  # a word found nowhere is as rare as can be
        self._rarity = {word: self._rare(len(p)) for word, p in self._postings.items()}
        self._vocabulary = tuple(sorted(self._postings))
        # Words by their root, so that one form finds the others ("management" for
        # "managers"), and sessions by root, for phrases.
        family: dict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            family[root(word)].append(word)
        self._family = {word_root: tuple(words) for word_root, words in family.items()}
        self._by_root: dict[str, dict[str, float]] = {}
        for word_root, words in self._family.items():
            merged: dict[str, float] = {}
            for word in words:
                for session_id, weight in self._postings[word].items():
                    merged[session_id] = max(merged.get(session_id, 0.0), weight)
            self._by_root[word_root] = merged
        self._streams: dict[str, tuple[tuple[float, Key], ...]] = {}
        # Words by their first and by their second letter, and by length: a typo is looked
        # for among the words sharing a first or second letter with the term (which
        # catches a slip in either, and those two swapped) and of a length one slip away,
        # a small part of a large programme's vocabulary, so every look costs little.
        by_letter: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self._vocabulary:
            by_letter[word[0], len(word)].append(word)
            if len(word) > 1:
                by_letter["_" + word[1], len(word)].append(word)
        self._by_letter = {key_: tuple(words) for key_, words in by_letter.items()}
        # Words by all but their first letter: "upport" is "support" with its first letter
        # dropped, the one slip in the first letter looked for in short words too.
        self._beheaded: dict[str, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            self._beheaded[word[1:]].append(word)
        self.similar = lru_cache(maxsize=4096)(self._similar)
        self.phrase = lru_cache(maxsize=4096)(self._phrase)
        self.plan = lru_cache(maxsize=2048)(self._plan)

    def _rare(self, count: int) -> float:
        return 1.0 + math.log(self._total / max(count, 1))

    def _similar(self, term: str) -> tuple[tuple[str, float, bool], ...]:
        """Words of the programme that `term` may mean, with a similarity from 0 to 1 and
        whether only as a typing slip: itself, and its other forms; else words it begins
        (`safeguard`: `safeguarding`), counting less the more is missing, and words one
        typing slip away (two, for long words)."""
        found: dict[str, tuple[float, bool]] = {}
        forms = [word for word in self._family.get(root(term), ()) if word != term]
        forms = forms[:MAX_PREFIXED]
        if term in self._rarity:
            return ((term, 1.0, False), *((word, _FORM, False) for word in forms))
        if len(term) >= 4:
            # The vocabulary is sorted: the words starting with `term` are one run of it.
            # Its other forms and the words it begins are at most MAX_PREFIXED together.
            first = bisect.bisect_left(self._vocabulary, term)
            room = MAX_PREFIXED - len(forms)
            for word in self._vocabulary[first : first + MAX_PREFIXED]:
                if not word.startswith(term) or room <= 0:
                    break
                if word in forms:
                    continue
                room -= 1
                similarity = 0.5 + 0.4 * len(term) / len(word)
                found[word] = (max(similarity, found.get(word, (0.0, False))[0]), False)
        if len(term) >= 5:
            most = 2 if len(term) >= 9 else 1
            # A slip in the first letter is looked for in longer words only: in short ones
            # it turns one real word into another ("baking" is not "making").
            seconds = ["_" + letter for letter in term[:2]] if len(term) >= 7 else []
            slips: dict[str, float] = {}
            for word in self._beheaded.get(term, ()):
                slips[word] = 0.85
            near: dict[str, float] = {}
            for letter in dict.fromkeys([*term[:2], *seconds]):
                for length in range(len(term) - most, len(term) + most + 1):
                    words = self._by_letter.get((letter, length), ())
                    for word, distance, _ in process.extract(
                        term, words, scorer=OSA.distance, score_cutoff=most, limit=5
                    ):
                        near[word] = distance
            for word in sorted(near, key=lambda w: (near[w], w))[:5]:
                slips[word] = max(slips.get(word, 0.0), 0.85 if near[word] <= 1 else 0.7)
            for word, similarity in slips.items():
                if word not in found:
                    found[word] = (similarity, True)
        # A word the programme does not have may be another form of one it has ("diabetic":
        # "diabetes"), unless it is one slip from a word it has ("atomation": "automation",
        # not "atom").
        slipped = any(similarity >= 0.85 and slip for similarity, slip in found.values())
        for word in forms:
            found[word] = (
                max(_LOOSE_FORM if slipped else _FORM, found.get(word, (0, 0))[0]),
                False,
            )
        return tuple((word, similarity, slip) for word, (similarity, slip) in found.items())

    def _stream(self, session_id: str) -> tuple[tuple[float, Key], ...]:
        """A session's texts as roots in order, each with how much it counts."""
        stream = self._streams.get(session_id)
        if stream is None:
            session = self._sessions[session_id]
            stream = tuple((weight, key(text)) for text, weight in weighted_fields(session))
            self._streams[session_id] = stream
        return stream

    def _phrase(self, phrase: Key) -> dict[str, float]:
        """The sessions that say `phrase` (its words in a row, function words aside), and
        how much where they say it counts."""
        if len(phrase) == 1:
            return self._by_root.get(phrase[0], {})
        postings = [self._by_root.get(word_root) for word_root in phrase]
        if not all(postings):
            return {}
        candidates = set.intersection(*(set(p) for p in postings if p is not None))
        found: dict[str, float] = {}
        size = len(phrase)
        for session_id in candidates:
            for weight, roots in self._stream(session_id):
                if weight > found.get(session_id, 0.0) and any(
                    roots[at : at + size] == phrase for at in range(len(roots) - size + 1)
                ):
                    found[session_id] = weight
        return found

    def _word(self, term: str, typed: str = "") -> Term:
        """A topic word (a stem; `typed` as asked): the sessions mentioning it or another
        form of it, a word it begins, a word it may be a slip for, or something the
        thesaurus says means the same."""
        hits: dict[str, tuple[float, float]] = {}
        rarity = 0.0
        exact = self._exact.get(typed, set())
        slips_only, loose = True, True
        # Another form of a word the programme has counts no more than the word itself,
        # however rare it is: "supporting" is not a better answer to "support".
        ceiling = self._rarity.get(term, math.inf)
        for word, similarity, slip in self.similar(term):
            word_rarity = min(self._rarity[word], ceiling)
            rarity = max(rarity, word_rarity)
            slips_only = slips_only and slip
            loose = loose and similarity < 1.0
            for session_id, weight in self._postings[word].items():
                strength = weight * similarity * word_rarity
                if session_id in exact:
                    strength *= _EXACT
                old = hits.get(session_id, (0.0, 0.0))
                hits[session_id] = (max(old[0], similarity), max(old[1], strength))
        asked = key(typed or term)
        return self._with_equivalents(
            typed or term, (term,), asked, hits, rarity, slips_only=slips_only, loose=loose
        )

    def _with_equivalents(
        self,
        said: str,
        stems: tuple[str, ...],
        asked: Key,
        hits: dict[str, tuple[float, float]],
        rarity: float,
        *,
        slips_only: bool = False,
        loose: bool = False,
    ) -> Term:
        """The term `said` with what the thesaurus finds for it added: a session found only
        through an equivalent covers the term as well (a little less if only related), but
        counts a little less than one that says it, and remembers which it was found
        through; one found through several counts a little more."""
        shown: dict[str, str] = {}
        found = []
        # What is only related is shown when what was asked is not there as asked: for
        # "supervision", the supervision sessions, not every one on reflective practice.
        as_asked = any(similarity >= 1.0 for similarity, _ in hits.values())
        for equivalent in self.thesaurus.equivalents(asked):
            if as_asked and equivalent.similarity < SYNONYM:
                continue
            sessions = self.phrase(equivalent.key)
            if sessions:
                found.append((equivalent, sessions))
        if found:
            slips_only = loose = False
            if not hits:
                rarity = max(self._rare(len(sessions)) for _, sessions in found)
        extra: dict[str, float] = defaultdict(float)
        for equivalent, sessions in found:
            covers = 1.0 if equivalent.similarity == SYNONYM else SYNONYM
            for session_id, weight in sessions.items():
                strength = weight * equivalent.similarity * rarity
                old = hits.get(session_id, (0.0, 0.0))
                if old[0] == 0.0 or (session_id in shown and covers > old[0]):
                    shown[session_id] = equivalent.label
                extra[session_id] += min(strength, old[1])
                hits[session_id] = (max(old[0], covers), max(old[1], strength))
        for session_id, more in extra.items():
            similarity, strength = hits[session_id]
            hits[session_id] = (similarity, strength + _SEVERAL * more)
        return Term(
            said=said,
            stems=stems,
            rarity=rarity or self._unknown,
            hits=hits,
            shown=shown,
            loose=bool(hits) and loose,
            typo_only=bool(hits) and slips_only,
            common=len(hits) > _COMMON_SHARE * self._total,
        )

    def _named(self, words: tuple[str, ...], stems: tuple[str, ...]) -> Term:
        """A phrase said as one (a named act, a role, a term of the thesaurus): the sessions
        saying it, or what means the same; nothing else. An act is also found as its name
        without "Act" (the Mental Capacity Act as "mental capacity"): never as its words
        scattered (the Mental Capacity Act is not the Mental Health Act)."""
        asked = key(" ".join(words))
        # It counts as much as its words would have: a phrase is not a lesser part of the
        # question than the words it is made of.
        rarity = sum(self._rarity.get(word, self._unknown) for word in stems)
        sessions = self.phrase(asked) if asked else {}
        hits = {s: (1.0, weight * rarity) for s, weight in sessions.items()}
        term = self._with_equivalents(" ".join(words), stems, asked, hits, rarity)
        if term.hits or len(asked) < 3 or asked[-1] != "act":
            return term
        unnamed = self.phrase(asked[:-1])
        hits = {s: (SYNONYM, weight * RELATED * rarity) for s, weight in unnamed.items()}
        common = len(hits) > _COMMON_SHARE * self._total
        return Term(term.said, stems, rarity, hits, common=common)

    def _plan(
        self,
        needed: tuple[str, ...],
        typed: tuple[str, ...] = (),
        phrases: tuple[tuple[str, ...], ...] = (),
    ) -> Plan:
        """The terms of a question's topic words (stems; `typed` as asked), reading the
        `phrases` it says as one term each, and a law it names ("the Children Act") as one;
        which of them nothing mentions; and whether what is left is worth answering."""
        typed = typed if len(typed) == len(needed) else needed
        terms: list[Term] = []
        used: set[int] = set()
        for phrase in (*phrases, *self._acts(typed)):
            at = _find(typed, phrase, used)
            if at is not None:
                span = range(at, at + len(phrase))
                terms.append(self._named(phrase, tuple(needed[n] for n in span)))
                used.update(span)
        for number, (term_stem, word) in enumerate(zip(needed, typed, strict=True)):
            if number not in used:
                terms.append(self._word(term_stem, word))
        order = {term_stem: number for number, term_stem in enumerate(needed)}
        terms.sort(key=lambda term: min(order[s] for s in term.stems))
        return _judged(tuple(terms), tuple(t for t in terms if not t.hits))

    def _acts(self, typed: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Laws named in a question, by the words before "act": the longest the programme
        says as a phrase, else the word before it ("the Children Act")."""
        found = []
        for at, word in enumerate(typed):
            if word not in ("act", "acts") or at == 0:
                continue
            said = [typed[at - size : at + 1] for size in range(min(at, 4), 0, -1)]
            named = [phrase for phrase in said if self.phrase(key(" ".join(phrase)))]
            found.append(named[0] if named else said[-1])
        return found

    def loosened(self, plan: Plan) -> Plan:
        """`plan` with the terms found only as another form or a longer word counted as
        missing: for a question no session answers whole ("dementia awareness", where only
        "aware" is elsewhere). A word found only as a typing slip is taken to mean that
        word, so it is not left out ("opera singing" is not "opera")."""
        loose = tuple(
            term
            for term in plan.terms
            if term.loose and not term.typo_only and term not in plan.missing
        )
        if not loose:
            return Plan(plan.terms, plan.missing, plan.common, weak=True)
        return _judged(plan.terms, plan.missing + loose)

    def matches(
        self,
        sessions: Iterable[Session],
        plan: Plan,
        soft: tuple[str, ...] = (),
        sequence: tuple[str, ...] = (),
    ) -> list[Match]:
        """Sessions covering enough of the `plan`'s terms, best first. Its common words and
        `soft` words add to a match but are never needed; `sequence` is every word in the
        order asked (as typed), so that a phrase from a title counts for more than its
        words scattered, and more again when written as asked."""
        counted = plan.counted
        if plan.weak or not counted:
            return []
        total_rarity = sum(term.rarity for term in counted)
        extras = [(_SOFT, self._word(term).hits) for term in soft]
        extras += [(1.0, term.hits) for term in plan.common]
        written = _pairs(list(sequence))
        stemmed = _pairs([stem(word) for word in sequence])
        found = []
        mentioned = {session_id for term in counted for session_id in term.hits}
        for session in sessions:
            if session.id not in mentioned:
                continue
            covered, score, hits = 0.0, 0.0, 0
            through = []
            for term in counted:
                similarity, strength = term.hits.get(session.id, (0.0, 0.0))
                covered += term.rarity * similarity
                score += strength
                hits += similarity > 0
                if session.id in term.shown:
                    through.append((term.said, term.shown[session.id]))
            if hits == 0:
                continue
            for share, extra in extras:
                score += share * extra.get(session.id, (0.0, 0.0))[1]
            in_title = len(stemmed & self._title_pairs[session.id])
            as_written = len(written & self._written_pairs[session.id])
            score *= 1.0 + 0.5 * in_title + 0.25 * as_written
            coverage = covered / total_rarity
            if coverage >= MIN_COVERAGE:
                complete = hits == len(counted)
                found.append(Match(session, coverage, score, complete, tuple(through)))
        if not found:
            return []
        best = max(match.coverage for match in found)
        found = [match for match in found if match.coverage >= best - 0.15]
        top = max(match.score for match in found)
        found = [match for match in found if match.score >= top * 0.2]
        found.sort(key=lambda m: (-round(m.coverage, 1), -m.score, m.session.start, m.session.id))
        return found

    def search(
        self,
        sessions: Iterable[Session],
        plan: Plan,
        soft: tuple[str, ...] = (),
        sequence: tuple[str, ...] = (),
    ) -> tuple[Plan, list[Match]]:
        """`matches`, and when none, the matches of the `loosened` plan; with the plan that
        found them."""
        sessions = list(sessions)
        found = self.matches(sessions, plan, soft, sequence)
        if found or plan.weak:
            return plan, found
        looser = self.loosened(plan)
        return looser, self.matches(sessions, looser, soft, sequence)

    def titled(self, word: str) -> set[str]:
        """The sessions with `word`, a function word, in their title: asked alone, it can
        only mean those."""
        return self._titled.get(word, set())


def _judged(terms: tuple[Term, ...], missing: tuple[Term, ...]) -> Plan:
    """A plan of `terms`, `missing` those left out. Common words found beside rarer ones only
    add to a match. With words left out, what is left is answered only when some of it was
    found as asked (or through the thesaurus), is not common, and is at least half of what
    was asked."""
    found = [term for term in terms if term not in missing]
    rare = [term for term in found if not term.common]
    common = tuple(term for term in found if term.common) if rare else ()
    if not missing:
        return Plan(terms, (), common)
    asked = sum(len(term.stems) for term in terms)
    answered = sum(len(term.stems) for term in found)
    strong = [term for term in rare if not term.loose]
    weak = not strong or answered < _MIN_ANSWERED_SHARE * asked
    return Plan(terms, missing, common, weak)


def _find(words: tuple[str, ...], phrase: tuple[str, ...], used: set[int]) -> int | None:
    """Where `phrase` starts in `words`, among words not yet `used`."""
    size = len(phrase)
    for at in range(len(words) - size + 1):
        if words[at : at + size] == phrase and not used.intersection(range(at, at + size)):
            return at
    return None


def _pairs(words: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset(zip(words, words[1:], strict=False))

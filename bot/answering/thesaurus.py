"""Words that mean the same, or nearly: the thesaurus shipped with the bot (`thesaurus.json`,
the profession's words and abbreviations, each entry checked against a cited glossary), the
words every programme shares (a keynote is a headline), and a programme's own
`event.synonyms`. Looked up by root, function words left out, so "children in care" is
found for "child in care" and "Children in Care"."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.answering.words import STOP_WORDS, root, tokens

SHIPPED = Path(__file__).with_name("thesaurus.json")
# How much a term found through the thesaurus counts, beside the word asked (1.0): one that
# means the same, and one that is only related (narrower, broader, part of the same law).
SYNONYM = 0.85
RELATED = 0.7
# Kinds of session every programme has, named differently from one to the next.
EVENT_WORDS: tuple[tuple[str, ...], ...] = (("headline", "keynote", "plenary"),)

Key = tuple[str, ...]
"""A term as the roots of its words, function words and single letters left out."""


def key(text: str) -> Key:
    """`text` as a `Key`: "Children in Care" is ("child", "care")."""
    return tuple(
        root(word)
        for word in tokens(text)
        if word not in STOP_WORDS and (len(word) > 1 or word.isdigit())
    )


@dataclass(frozen=True)
class Equivalent:
    """A term to look for instead of, or beside, the one asked."""

    key: Key
    label: str  # as written in the thesaurus: "domestic abuse"
    similarity: float  # SYNONYM or RELATED


@dataclass(frozen=True)
class Group:
    """Terms that mean the same (`same`), and terms related to all of them (`related`)."""

    same: tuple[str, ...]
    related: tuple[str, ...] = ()


class Thesaurus:
    """Equivalents by key. Built once per programme; safe to share."""

    def __init__(self, groups: Iterable[Group]) -> None:
        self._equivalents: dict[Key, dict[Key, Equivalent]] = {}
        for group in groups:
            same = [(key(term), term) for term in group.same]
            related = [(key(term), term) for term in group.related]
            for asked, _ in same:
                if not asked:
                    continue
                found = self._equivalents.setdefault(asked, {})
                for terms, similarity in ((same, SYNONYM), (related, RELATED)):
                    for other, label in terms:
                        if other and other != asked:
                            old = found.get(other)
                            if old is None or old.similarity < similarity:
                                found[other] = Equivalent(other, label, similarity)
        self.phrases = frozenset(k for k in self._equivalents if len(k) > 1)

    def equivalents(self, asked: Key) -> tuple[Equivalent, ...]:
        """What else to look for when `asked` is asked."""
        return tuple(self._equivalents.get(asked, {}).values())

    def __len__(self) -> int:
        return len(self._equivalents)


@cache
def shipped_groups() -> tuple[Group, ...]:
    """The entries of `thesaurus.json`, and the words every programme shares."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    groups = [
        Group(tuple(entry["same"]), tuple(entry.get("related", ()))) for entry in data["entries"]
    ]
    return (*groups, *(Group(words) for words in EVENT_WORDS))


def programme_groups(synonyms: Mapping[str, Sequence[str]]) -> tuple[Group, ...]:
    """A programme's `event.synonyms`: each word or phrase with its equivalents, all meaning
    the same."""
    return tuple(Group((term, *equivalents)) for term, equivalents in synonyms.items())


@cache
def shipped() -> Thesaurus:
    return Thesaurus(shipped_groups())


def for_programme(synonyms: Mapping[str, Sequence[str]]) -> Thesaurus:
    """The shipped thesaurus with a programme's own synonyms added."""
    if not synonyms:
        return shipped()
    return Thesaurus((*shipped_groups(), *programme_groups(synonyms)))

"""Word handling shared by the query parser and the topic index: folding, tokens, stems and
the words that phrase a question rather than name a topic."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

# Names whose letters are punctuation or not Latin, kept as words of their own before
# folding would reduce them to a bare letter: C++ is not C, and µPython is MicroPython.
_KEPT = (
    (re.compile(r"(?<![\w.])c\+\+(?!\w)"), " cplusplus "),
    (re.compile(r"(?<![\w.])c#(?!\w)"), " csharp "),
    (re.compile(r"(?<![\w.])f#(?!\w)"), " fsharp "),
    (re.compile(r"(?<![\w])\.net\b"), " dotnet net "),
    (re.compile(r"[µμ]"), "micro"),
)
_TOKEN = re.compile(r"[a-z0-9]+")
# Words joined by hyphens or apostrophes, also searched for whole: `co-production` is
# `coproduction` too, and `O'Brien` is `obrien`.
JOINED = re.compile(r"\b[a-z0-9]+(?:['-][a-z0-9]+)+\b")

# Function words: never a topic.
STOP_WORDS = frozenset(
    [
        "many",
        "much",
        "still",
        "able",
        "possible",
        "dont",
        "doesnt",
        "isnt",
        "arent",
        "cant",
        "wont",
        "didnt",
        "don",
        "doesn",
        "isn",
        "aren",
        "didn",
        "ll",
        "ve",
        "re",
        "a",
        "about",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "anything",
        "anyone",
        "are",
        "around",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "currently",
        "did",
        "do",
        "does",
        "doing",
        "during",
        "for",
        "from",
        "get",
        "going",
        "got",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "his",
        "how",
        "i",
        "id",
        "if",
        "im",
        "in",
        "into",
        "is",
        "it",
        "its",
        "ive",
        "just",
        "me",
        "my",
        "near",
        "next",
        "of",
        "on",
        "one",
        "ones",
        "or",
        "our",
        "please",
        "she",
        "should",
        "so",
        "some",
        "something",
        "than",
        "that",
        "thats",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whos",
        "whose",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)

# Words that phrase a question ("who is giving the talk on...") but can also be part of a
# title ("Start strong", "Public speaking"): searched for, so they can add to a match, but
# never needed for one.
SOFT_WORDS = frozenset(
    [
        "good",
        "best",
        "better",
        "great",
        "interesting",
        "useful",
        "helpful",
        "relevant",
        "recommend",
        "recommended",
        "suggest",
        "suggestions",
        "worth",
        "popular",
        "left",
        "register",
        "registering",
        "sign",
        "book",
        "booking",
        "attend",
        "attending",
        "available",
        "begin",
        "begins",
        "capacity",
        "day",
        "days",
        "end",
        "ends",
        "event",
        "events",
        "find",
        "finish",
        "full",
        "give",
        "given",
        "giving",
        "happen",
        "happening",
        "happens",
        "held",
        "host",
        "hosted",
        "hosting",
        "hosts",
        "info",
        "interested",
        "join",
        "joining",
        "know",
        "lead",
        "leading",
        "led",
        "let",
        "like",
        "link",
        "list",
        "live",
        "located",
        "location",
        "look",
        "looking",
        "more",
        "place",
        "places",
        "present",
        "presented",
        "presenting",
        "presents",
        "right",
        "room",
        "run",
        "running",
        "runs",
        "session",
        "sessions",
        "show",
        "space",
        "spaces",
        "speak",
        "speaker",
        "speakers",
        "speaking",
        "speaks",
        "start",
        "starting",
        "starts",
        "talk",
        "talking",
        "talks",
        "tell",
        "time",
        "times",
        "want",
        "week",
    ]
)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """`text` in lower-case ASCII, accents and special letters folded (`Šindelář` is
    `sindelar`, `Michał` is `michal`, `Straße` is `strasse`), keeping C++, C#, F# and .NET."""
    lowered = text.casefold()
    for pattern, replacement in _KEPT:
        lowered = pattern.sub(replacement, lowered)
    return anyascii(lowered).lower()


def tokens(text: str) -> list[str]:
    """Folded word tokens; `LGBTQ+` is `lgbtq`, `sector-led` is `sector`, `led`, and
    `l'animation` is `l`, `animation`."""
    return _TOKEN.findall(fold(text))


def joined(text: str) -> list[str]:
    """Words written with hyphens or apostrophes, run together: `coproduction`, `obrien`;
    not contractions such as `where's`."""
    return [
        re.sub(r"['-]", "", word) for word in JOINED.findall(fold(text)) if not _contracted(word)
    ]


def _contracted(word: str) -> bool:
    before, apostrophe, _ = word.partition("'")
    return bool(apostrophe) and before in STOP_WORDS


def stem(word: str) -> str:
    """A light stem so that plurals meet: `stereotypes` -> `stereotype`."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def topic_words(text: str) -> list[str]:
    """The stems of `text` that can name a topic (function words removed). A hyphenated word
    also counts whole (`co-production` is `co`, `production` and `coproduction`), as
    people type it either way."""
    words = tokens(text) + joined(text)
    return [stem(word) for word in words if word not in STOP_WORDS]

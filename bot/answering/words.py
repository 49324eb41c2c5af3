"""Word handling shared by the query parser and the topic index: tokens, stems, stop words."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9]+")

# Question phrasing and filler: never a topic on its own.
STOP_WORDS = frozenset(
    {
        "a",
        "about",
        "all",
        "also",
        "an",
        "and",
        "any",
        "anything",
        "are",
        "around",
        "at",
        "attend",
        "attending",
        "be",
        "begin",
        "begins",
        "being",
        "by",
        "can",
        "could",
        "currently",
        "day",
        "days",
        "do",
        "does",
        "doing",
        "during",
        "end",
        "ends",
        "event",
        "events",
        "find",
        "finish",
        "for",
        "from",
        "get",
        "give",
        "going",
        "got",
        "happen",
        "happening",
        "happens",
        "has",
        "have",
        "held",
        "host",
        "hosted",
        "hosting",
        "hosts",
        "how",
        "i",
        "im",
        "in",
        "info",
        "interested",
        "is",
        "it",
        "its",
        "join",
        "joining",
        "just",
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
        "me",
        "more",
        "my",
        "near",
        "next",
        "of",
        "on",
        "one",
        "ones",
        "or",
        "our",
        "place",
        "please",
        "presented",
        "presenting",
        "right",
        "room",
        "run",
        "running",
        "runs",
        "session",
        "sessions",
        "should",
        "show",
        "some",
        "something",
        "speaker",
        "speakers",
        "speaking",
        "speaks",
        "start",
        "starting",
        "starts",
        "talk",
        "talks",
        "tell",
        "that",
        "the",
        "then",
        "there",
        "these",
        "this",
        "those",
        "time",
        "times",
        "to",
        "us",
        "want",
        "was",
        "we",
        "week",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "who",
        "whos",
        "will",
        "with",
        "would",
        "you",
        "your",
    }
)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; `LGBTQ+` becomes `lgbtq`, `sector-led` becomes `sector`, `led`."""
    return _TOKEN.findall(text.lower().replace("'", ""))


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
    """The stems of `text` that can name a topic (stop words removed). A hyphenated word
    also counts whole (`co-production` is `co`, `production` and `coproduction`), as
    people type it either way."""
    words = [stem(word) for word in tokens(text) if word not in STOP_WORDS]
    joined = [stem(word.replace("-", "")) for word in _HYPHENATED.findall(text.lower())]
    return words + joined


_HYPHENATED = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b")

"""Word handling shared by the query parser and the topic index: folding, tokens, stems and
the words that phrase a question rather than name a topic."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer
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
    """
    a able about all also am an and any anyone anything are aren arent around at be been
    being but by can cant could currently did didn didnt do does doesn doesnt doing don
    dont during for from get going got had has have he her here his how i id if im in
    into is isn isnt it its ive just ll many me much my near next of on one ones or our
    please possible re she should so some something still than that thats the their them
    then there these they this those to us ve very was we were what whats when where which
    who whom whos whose will with wont would you your
    """.split()  # noqa: SIM905
)

# Words that phrase a question ("who is giving the talk on...") but can also be part of a
# title ("Start strong", "Public speaking"): searched for, so they can add to a match, but
# never needed for one.
SOFT_WORDS = frozenset(
    """
    attend attending available begin begins best better book booking capacity day days
    end ends event events find finish full give given giving good great happen happening
    happens held help helpful host hosted hosting hosts info interested interesting join
    joining know lead leading led left let like link list live located location look
    looking more people place places popular present presented presenting presents recommend
    recommended register registering relevant right room run running runs session
    sessions show sign space spaces speak speaker speakers speaking speaks start
    starting starts suggest suggestions talk talking talks tell thing things time times
    useful want week worth
    """.split()  # noqa: SIM905
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


_STEMMERS = threading.local()
"""Snowball's stemmer keeps the word it works on in itself: one per thread (requests are
answered on several at once), or one thread's word is cut short by another's."""


def _english() -> snowballstemmer.stemmer:
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """The root a word shares with its other forms (Snowball's English stemmer, after the
    light `stem`): `managers`, `management` and `managing` are `manag`; `raising` and
    `raise` are `rais`; `NQSWs` is `nqsw`. Wider than `stem`, so it counts for a little
    less (`bot/answering/index.py`)."""
    light = stem(word)
    if light.isdigit() or len(light) <= 3:
        return light
    return str(_english().stemWord(light))


def topic_words(text: str) -> list[str]:
    """The stems of `text` that can name a topic (function words removed). A hyphenated word
    also counts whole (`co-production` is `co`, `production` and `coproduction`), as
    people type it either way."""
    words = tokens(text) + joined(text)
    return [stem(word) for word in words if word not in STOP_WORDS]

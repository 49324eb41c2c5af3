"""The work one question costs is bounded, whatever is typed: a fixed number of topic words
is searched for, each with a bounded look through the programme's vocabulary."""

from __future__ import annotations

import random
import string
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.answering import Answerer, parse_query
from bot.answering.index import MAX_PREFIXED, TopicIndex
from bot.answering.query import MAX_TOPICS
from bot.programme import Event, Programme, Session

LONDON = ZoneInfo("Europe/London")


def nonsense(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    letters = string.ascii_lowercase
    return " ".join("".join(rng.choice(letters) for _ in range(8)) for _ in range(words))


def test_a_long_question_of_unknown_words_searches_a_bounded_number_of_them() -> None:
    query = parse_query(nonsense(70), days=(date(2027, 3, 16),), today=date(2027, 3, 16))
    assert len(query.topics) == MAX_TOPICS
    assert query.topics[0] == nonsense(1)  # the first words asked are the ones searched


def test_each_term_is_looked_up_once_however_often_it_is_asked() -> None:
    sessions = [
        Session.model_validate(
            {"id": f"s{n}", "title": nonsense(3, seed=n), "start": "2027-03-16T10:00:00+00:00",
             "end": "2027-03-16T11:00:00+00:00"}
        )
        for n in range(200)
    ]  # fmt: skip
    programme = Programme(
        event=Event(name="SWW", timezone="Europe/London"), sessions=tuple(sessions)
    )
    answerer = Answerer(programme)
    question = nonsense(70, seed=999)
    now = datetime(2027, 3, 16, 9, 0, tzinfo=LONDON)
    answerer.answer(question, now=now)
    looked_up = answerer.index.similar.cache_info().misses
    assert 0 < looked_up <= MAX_TOPICS
    answerer.answer(question, now=now)
    assert answerer.index.similar.cache_info().misses == looked_up


def test_a_short_term_matches_at_most_a_bounded_number_of_longer_words() -> None:
    words = [f"xylo{first}{second}" for first in "abcdefg" for second in "abcdefg"]
    session = Session.model_validate(
        {"id": "s", "title": " ".join(words), "start": "2027-03-16T10:00:00+00:00",
         "end": "2027-03-16T11:00:00+00:00"}
    )  # fmt: skip
    index = TopicIndex([session])
    assert len(index.similar("xylo")) == MAX_PREFIXED


def test_typos_are_still_forgiven_within_the_bound() -> None:
    titles = ["Racism in practice", "Co-production with families", "Supervision that works"]
    sessions = tuple(
        Session.model_validate(
            {"id": f"s{n}", "title": title, "start": "2027-03-16T10:00:00+00:00",
             "end": "2027-03-16T11:00:00+00:00"}
        )
        for n, title in enumerate(titles)
    )  # fmt: skip
    answerer = Answerer(Programme(event=Event(name="SWW", timezone="Europe/London"),
                                  sessions=sessions))  # fmt: skip
    now = datetime(2027, 3, 16, 9, 0, tzinfo=LONDON)
    for typed, title in (("racsim", titles[0]), ("arcism", titles[0]),
                         ("coproduction", titles[1]), ("supervison", titles[2])):  # fmt: skip
        found = answerer.answer(typed, now=now).sessions
        assert [s.title for s in found] == [title], typed

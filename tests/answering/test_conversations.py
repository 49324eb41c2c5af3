"""The conversational set (tests/answering/conversations.json): questions as practitioners
type them, over three programmes, written before the engine answered them. The engine must put
a right session first for at least 95 % of them and answer at least 95 % of those with no
answer "nothing"; `uv run python bench/answers.py --misses 5` shows what goes wrong."""

from __future__ import annotations

import json

import pytest

from bot.answering import Answerer
from tests.support.evaluation import (
    CONVERSATIONAL_CATEGORIES,
    CONVERSATIONS,
    NONSENSE,
    TARGET_CONVERSATIONAL,
    TARGET_NONSENSE,
    Score,
    combined,
    conversations,
    engine_asker,
    score,
)


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return combined(
        score(talk.cases, engine_asker(talk.programme, talk.now)) for talk in conversations()
    )


def test_the_set_is_large_and_covers_every_kind_of_question() -> None:
    data = json.loads(CONVERSATIONS.read_text(encoding="utf-8"))
    questions = data["questions"]
    assert len(questions) >= 150
    assert len(data["programmes"]) >= 3
    assert {q["category"] for q in questions} == set(CONVERSATIONAL_CATEGORIES)
    asked = [(q["programme"], q["question"]) for q in questions]
    assert len(asked) == len(set(asked))


def test_every_expected_session_is_in_its_programme() -> None:
    for talk in conversations():
        known = set(talk.programme.by_id)
        for case in talk.cases:
            assert case.expect <= known, (talk.name, case.question)
            assert case.expect or case.category in (NONSENSE, "phrase", "time-of-day"), case


def test_the_right_session_comes_first(scores: dict[str, Score]) -> None:
    overall = scores["all"]
    assert overall.hit1 >= TARGET_CONVERSATIONAL, f"{overall.hit1:.1%} of {overall.count}"


def test_what_no_session_answers_is_answered_with_nothing(scores: dict[str, Score]) -> None:
    nonsense = scores[NONSENSE]
    assert nonsense.hit1 >= TARGET_NONSENSE, f"{nonsense.hit1:.1%} of {nonsense.count}"


def test_each_programme_is_answered_on_its_own(scores: dict[str, Score]) -> None:
    for talk in conversations():
        ours = score(talk.cases, engine_asker(talk.programme, talk.now))
        assert ours["all"].hit1 >= 0.85, (talk.name, ours["all"])
        assert Answerer(talk.programme).programme is talk.programme

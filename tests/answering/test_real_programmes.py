"""Acceptance tests for the answering engine on real programmes (`tests/data/*.json`, and
`programme.json`): questions generated from each programme (tests/support/evaluation.py),
whose answers nobody wrote by hand, must be answered right first at least 97 % of the time,
nonsense must be answered "nothing" at least 95 % of the time, names typed without their
accents must be found as well as with them, and no category may fall below a naive
substring search. `uv run python bench/answers.py --misses 5` shows what goes wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.programme import load_programme
from tests.conftest import ROOT
from tests.support.evaluation import (
    BASELINE_MARGIN,
    NONSENSE,
    TARGET_HIT1,
    TARGET_NONSENSE,
    Score,
    engine_asker,
    generate_cases,
    score,
    substring_asker,
)

PROGRAMMES = [ROOT / "programme.json", *sorted((ROOT / "tests" / "data").glob("*.json"))]
# At most this many questions a category, so that the file runs in seconds.
PER_CATEGORY = 80


@dataclass(frozen=True)
class Results:
    engine: dict[str, Score]
    baseline: dict[str, Score]


@pytest.fixture(scope="module", params=PROGRAMMES, ids=lambda path: path.name)
def results(request: pytest.FixtureRequest) -> Results:
    path: Path = request.param
    programme, _ = load_programme(path)
    cases = generate_cases(programme, seed=0, per_category=PER_CATEGORY)
    return Results(score(cases, engine_asker(programme)), score(cases, substring_asker(programme)))


@pytest.mark.slow(seconds=2)
def test_the_right_session_comes_first(results: Results) -> None:
    overall = results.engine["all"]
    assert overall.hit1 >= TARGET_HIT1, f"{overall.hit1:.1%} of {overall.count} questions"


def test_nonsense_is_answered_with_nothing(results: Results) -> None:
    if NONSENSE not in results.engine:
        pytest.skip("every nonsense phrase uses a word of this programme")
    nonsense = results.engine[NONSENSE]
    assert nonsense.hit1 >= TARGET_NONSENSE, f"{nonsense.hit1:.1%} of {nonsense.count}"


def test_names_without_accents_are_found_as_well_as_with_them(results: Results) -> None:
    if "speaker-accented" not in results.engine:
        pytest.skip("no speaker's name has an accent")
    plain = results.engine["speaker-unaccented"].hit1
    accented = results.engine["speaker-accented"].hit1
    assert plain >= accented, f"without accents {plain:.1%}, with {accented:.1%}"


def test_every_category_does_at_least_as_well_as_a_substring_search(results: Results) -> None:
    behind = [
        f"{category}: engine {ours.hit1:.1%}, baseline {results.baseline[category].hit1:.1%}"
        for category, ours in results.engine.items()
        if ours.hit1 < results.baseline[category].hit1 - BASELINE_MARGIN
    ]
    assert not behind, "; ".join(behind)

"""The answer-quality benchmark and its harness (tests/support/evaluation.py): the bench runs
and prints its tables; the generated questions are the same each time and sound; the
baseline and the scoring do what they say."""

from __future__ import annotations

import json
import re

import pytest
from anyascii import anyascii

from bot.programme import Programme, load_programme, parse_programme
from tests.bench import run_script
from tests.conftest import ROOT
from tests.support.evaluation import (
    CATEGORIES,
    STOP,
    Case,
    Score,
    generate_cases,
    score,
    substring_asker,
)


@pytest.fixture(scope="module")
def programme() -> Programme:
    return load_programme(ROOT / "programme.json")[0]


def test_the_benchmark_runs_and_prints_its_tables() -> None:
    # On the shipped programme only: the real ones are scored in tests/answering.
    result = run_script("answers.py", "--per-category", "3", "--repeat", "1", "--builds", "1",
                        "--programmes", str(ROOT / "programme.json"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "programme.json: Social Work Week 2023, 24 sessions" in result.stdout
    generated, spoken = result.stdout.split("\nConversational questions")
    row = r"^  ([a-z-]+)\s+(\d+)\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%$"
    rows = re.findall(row, generated, re.MULTILINE)
    categories = [row[0] for row in rows]
    assert {"day-name", "title-phrase", "typo", "nonsense", "all"} <= set(categories)
    assert all(0 < int(row[1]) <= 3 for row in rows if row[0] != "all")
    assert all(0.0 <= float(figure) <= 100.0 for row in rows for figure in row[2:])
    assert "sww-2023: Social Work Week 2023, 24 sessions" in spoken
    said = re.findall(row, spoken, re.MULTILINE)
    assert {"synonym", "abbreviation", "word-form", "ordinal", "nonsense"} <= {r[0] for r in said}
    assert re.search(r"^  p99 per query\s+[\d.]+ ms$", result.stdout, re.MULTILINE)
    assert re.search(r"Python 3\.\d+.*\d+ CPUs", result.stdout)


def test_the_questions_are_the_same_each_time_and_sound(programme: Programme) -> None:
    cases = generate_cases(programme)
    assert cases == generate_cases(programme)
    assert {case.category for case in cases} >= set(CATEGORIES) - {
        "speaker-accented",
        "speaker-unaccented",
    }
    for case in cases:
        if case.category == "nonsense":
            assert case.expect == frozenset()
        else:
            assert case.expect, case
            assert case.expect <= set(programme.by_id), case
    days = {case.question: case for case in cases if case.category == "day-date"}
    assert days["2023-03-22"].exact
    assert days["2023-03-22"].expect == {s.id for s in programme.sessions if s.id[:3] == "wed"}


def test_nonsense_questions_use_no_word_of_the_programme(programme: Programme) -> None:
    text = anyascii((ROOT / "programme.json").read_text(encoding="utf-8")).lower()
    nonsense = [case for case in generate_cases(programme) if case.category == "nonsense"]
    assert len(nonsense) >= 40
    for case in nonsense:
        for word in re.findall(r"[a-z]+", case.question):
            if word not in STOP:
                singular = word.removesuffix("s")
                assert not re.search(rf"\b{singular}(s|es)?\b", text), (case.question, word)


def test_the_cap_samples_each_category(programme: Programme) -> None:
    everything = generate_cases(programme)
    capped = generate_cases(programme, per_category=2)
    counts: dict[str, int] = {}
    for case in capped:
        counts[case.category] = counts.get(case.category, 0) + 1
    assert set(counts) == {case.category for case in everything}
    assert max(counts.values()) == 2
    assert set(capped) <= set(everything)


def test_accented_names_are_asked_with_and_without_their_accents() -> None:
    sessions = [
        {"id": "a", "title": "Graph databases at scale", "start": "2024-05-06T10:00:00",
         "end": "2024-05-06T11:00:00", "speakers": [{"name": "Zoë Ørsted"}]},
        {"id": "b", "title": "Streaming joins explained", "start": "2024-05-07T10:00:00",
         "end": "2024-05-07T11:00:00", "speakers": [{"name": "José Núñez"}, {"name": "Ann Lee"}]},
    ]  # fmt: skip
    event = {"name": "A small conference", "timezone": "Europe/Madrid"}
    small, _ = parse_programme(json.dumps({"event": event, "sessions": sessions}))
    cases = generate_cases(small)
    accented = [c for c in cases if c.category == "speaker-accented"]
    plain = [c for c in cases if c.category == "speaker-unaccented"]
    assert [c.question for c in accented] == ["Zoë Ørsted", "José Núñez"]
    assert [c.question for c in plain] == ["Zoe Orsted", "Jose Nunez"]
    assert [c.expect for c in accented] == [c.expect for c in plain] == [{"a"}, {"b"}]
    capped = generate_cases(small, per_category=1)
    [one_accented] = [c for c in capped if c.category == "speaker-accented"]
    [one_plain] = [c for c in capped if c.category == "speaker-unaccented"]
    assert anyascii(one_accented.question) == one_plain.question


def test_the_baseline_finds_a_title_phrase_and_nothing_for_nonsense(
    programme: Programme,
) -> None:
    ask = substring_asker(programme)
    assert list(ask("when is the Smashing stereotypes session?"))[:1] == ["wed-stereotypes"]
    assert list(ask("kinship care"))[:1] == ["wed-kinship-care"]
    assert list(ask("sourdough baking")) == []
    assert list(ask("what is on?")) == []


def test_score_counts_right_first_and_right_anywhere() -> None:
    cases = [
        Case("topic", "alpha", frozenset({"a"})),
        Case("topic", "beta", frozenset({"b"})),
        Case("day-date", "monday", frozenset({"a", "b"}), exact=True),
        Case("nonsense", "xyzzy", frozenset()),
        Case("nonsense", "plugh", frozenset()),
    ]
    answers = {"alpha": ["a", "c"], "beta": ["c", "b"], "monday": ["a", "c"], "xyzzy": []}
    result = score(cases, lambda question: answers.get(question, ["c"]))
    assert list(result) == ["day-date", "topic", "nonsense", "all"]
    assert result["topic"] == Score(2, 0.5, 1.0)
    assert result["day-date"] == Score(1, 0.0, 1.0)  # exact: "c" is not a Monday session
    assert result["nonsense"] == Score(2, 0.5, 0.5)
    assert result["all"] == Score(3, 1 / 3, 1.0)

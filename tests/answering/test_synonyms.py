"""A programme's own synonyms (`event.synonyms` in programme.json): checked when the programme
is read, with messages that name the bad entry; used by the engine beside the shipped
thesaurus; and `python -m bot check` warns of those that can find nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.answering import Answerer
from bot.check import run_check, summary, synonym_warnings
from bot.programme import ProgrammeError, parse_programme

NOW = datetime(2027, 3, 16, 8, tzinfo=ZoneInfo("Europe/London"))
SESSIONS = [
    {"id": "wellbeing", "title": "Looking after yourself", "start": "2027-03-16T10:00",
     "end": "2027-03-16T11:00", "description": "Wellbeing and burnout."},
    {"id": "court", "title": "Confidence in court", "start": "2027-03-17T10:00",
     "end": "2027-03-17T11:00"},
]  # fmt: skip


def text(synonyms: Any) -> str:
    event = {"name": "Week", "timezone": "Europe/London", "synonyms": synonyms}
    return json.dumps({"event": event, "sessions": SESSIONS})


def test_synonyms_are_read_trimmed() -> None:
    programme, warnings = parse_programme(text({" self care ": [" wellbeing "]}))
    assert programme.event.synonyms == {"self care": ("wellbeing",)}
    assert warnings == []


@pytest.mark.parametrize(
    ("synonyms", "problem"),
    [
        (["wellbeing"], "event: synonyms should be an object: each word or phrase people ask in"),
        ({"self care": "wellbeing"}, 'event: synonyms["self care"] should be a list of words'),
        ({"self care": []}, 'event: synonyms["self care"] is empty: give what it means'),
        ({"  ": ["wellbeing"]}, 'event: synonyms: "  " is not a word or phrase'),
        ({"self care": ["wellbeing", 3]}, 'event: synonyms["self care"][1] should be a word'),
        ({"self care": ["?"]}, 'event: synonyms["self care"][0] should be a word or phrase'),
    ],
)
def test_a_bad_shape_is_named(synonyms: Any, problem: str) -> None:
    with pytest.raises(ProgrammeError) as raised:
        parse_programme(text(synonyms))
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(problem)


def test_the_engine_finds_a_session_through_the_programme_s_synonyms() -> None:
    plain, _ = parse_programme(text({}))
    assert Answerer(plain).answer("self care", now=NOW).kind == "nothing"
    programme, _ = parse_programme(text({"self care": ["wellbeing"], "tribunal": ["court"]}))
    answerer = Answerer(programme)
    answer = answerer.answer("self care", now=NOW)
    assert [s.id for s in answer.sessions] == ["wellbeing"]
    assert answer.note == "Showing “wellbeing” for “self care”."
    assert [s.id for s in answerer.answer("tribunal", now=NOW).sessions] == ["court"]
    # the shipped thesaurus still works beside them
    assert [s.id for s in answerer.answer("burnt out", now=NOW).sessions] == ["wellbeing"]


def test_check_counts_them_and_warns_of_those_that_find_nothing(tmp_path: Path) -> None:
    programme, _ = parse_programme(text({"self care": ["wellbeing"], "parking": ["car park"]}))
    assert (
        "  Synonyms: 2 words or phrases people may ask in (event.synonyms)"
        in summary(programme, Path("programme.json")).splitlines()
    )
    assert synonym_warnings(programme) == [
        "event.synonyms “parking”: no session says “car park”, so asking “parking” finds "
        "nothing through it"
    ]
    path = tmp_path / "programme.json"
    path.write_text(text({"parking": ["car park"]}), encoding="utf-8")
    lines: list[str] = []
    run_check(lines.append, env_file=tmp_path / "none.env", programme_path=path)
    assert any("warning: event.synonyms “parking”" in line for line in lines)
    bad = tmp_path / "bad.json"
    bad.write_text(text({"parking": "car park"}), encoding="utf-8")
    lines = []
    assert run_check(lines.append, env_file=tmp_path / "none.env", programme_path=bad) == 1
    assert any('event: synonyms["parking"] should be a list' in line for line in lines)

"""The programme loader: the shipped file loads, and every kind of mistake is named precisely."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.programme import ProgrammeError, load_programme, parse_programme

ROOT = Path(__file__).resolve().parents[2]


def session(**fields: Any) -> dict[str, Any]:
    base = {
        "id": "s1",
        "title": "A session",
        "start": "2023-03-21T12:30:00",
        "end": "2023-03-21T14:00:00",
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def programme_text(*sessions: dict[str, Any], **event: Any) -> str:
    data = {"event": {"name": "SWW", "timezone": "Europe/London", **event}, "sessions": sessions}
    return json.dumps(data)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(text)
    return caught.value.problems


def test_the_shipped_programme_is_the_2023_week() -> None:
    programme, warnings = load_programme(ROOT / "programme.json")
    assert warnings == []
    assert programme.event.timezone == "Europe/London"
    assert programme.days == tuple(date(2023, 3, day) for day in range(20, 25))
    headline = [s for s in programme.sessions if s.type == "headline"]
    assert [programme.local(s.start).date().day for s in headline] == [20, 21, 22, 23, 24]
    for day in programme.days:
        assert len(programme.on_day(day)) >= 3
    stereotypes = programme.by_id["wed-stereotypes"]
    assert stereotypes.speakers[0].name == "Rebekah Pierre"
    assert programme.local(programme.by_id["thu-lgbtq"].start).hour >= 17
    assert "sample" in (programme.event.note or "")
    for s in programme.sessions:
        assert {"Learn", "Connect", "Influence"} & set(s.tags), s.id


def test_times_without_offset_are_local_to_the_event() -> None:
    programme, _ = parse_programme(
        programme_text(session(start="2023-03-26T12:00:00", end="2023-03-26T13:00:00"))
    )
    start = programme.sessions[0].start
    assert start.utcoffset() is not None
    assert start.astimezone(UTC) == datetime(2023, 3, 26, 11, 0, tzinfo=UTC)  # BST began that day


def test_sessions_are_ordered_by_start() -> None:
    text = programme_text(
        session(id="late", start="2023-03-21T15:00", end="2023-03-21T16:00"),
        session(id="early", start="2023-03-21T09:00", end="2023-03-21T10:00"),
    )
    programme, _ = parse_programme(text)
    assert [s.id for s in programme.sessions] == ["early", "late"]


def test_malformed_json_gives_line_and_column() -> None:
    problems = problems_of('{\n  "event": {,\n}')
    assert problems == [
        "not valid JSON at line 2, column 13: Expecting property name enclosed in double quotes"
    ]


def test_every_problem_is_reported_naming_session_and_field() -> None:
    text = programme_text(
        session(id="a", title=""),
        session(id=None, title="No id"),
        session(id="b", start="2023-03-21T15:00", end="2023-03-21T14:00"),
        session(id="a", capacity="ten"),
        session(id="c", speakers=[{"role": "Chair"}], tags="not a list"),
    )
    problems = problems_of(text)
    assert "session 'a' (#1): title must not be empty" in problems
    assert "session #2 (no id): id is required" in problems
    assert "session 'b' (#3): end: end must be after start" in problems
    assert "session 'a' (#4): capacity: input should be a valid integer" in problems
    assert "session 'c' (#5): speakers[0].name is required" in problems
    assert any(p.startswith("session 'c' (#5): tags:") for p in problems)
    assert "duplicate id 'a': used by 2 sessions" in problems
    assert len(problems) == 7


def test_unknown_timezone() -> None:
    problems = problems_of(programme_text(session(), timezone="Europe/Lundon"))
    assert problems == [
        "event: timezone: unknown timezone 'Europe/Lundon'; use an IANA name such as Europe/London"
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"start": "21 March"}, "session 's1' (#1): start: input should be a valid datetime"),
        ({"end": None}, "session 's1' (#1): end is required"),
        ({"title": 5}, "session 's1' (#1): title: input should be a valid string"),
        ({"capacity": 0}, "session 's1' (#1): capacity: input should be greater than 0"),
        ({"capacity": True}, "session 's1' (#1): capacity: input should be a valid integer"),
        ({"join_url": "zoom"}, "session 's1' (#1): join_url: must be a web address"),
        ({"speakers": "Ann"}, "session 's1' (#1): speakers: input should be a valid"),
    ],
)
def test_wrong_types_and_values(fields: dict[str, Any], expected: str) -> None:
    problems = problems_of(programme_text(session(**fields)))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_missing_event_and_sessions() -> None:
    assert problems_of(json.dumps({"sessions": []})) == [
        '"event" must be an object with "name" and "timezone"',
        '"sessions" must be a non-empty list of sessions',
    ]
    assert problems_of("[1, 2]") == ['the file must hold an object with "event" and "sessions"']
    assert problems_of(programme_text(session(), name=" ")) == ["event: name must not be empty"]


def test_unknown_fields_are_warnings_not_errors() -> None:
    text = programme_text(session(room="B12", speakers=[{"name": "Ann", "pronouns": "she"}]))
    programme, warnings = parse_programme(json.dumps({**json.loads(text), "version": 2}))
    assert len(programme.sessions) == 1
    assert warnings == [
        "top level: unknown field 'version' ignored",
        "session 's1' (#1): unknown field 'room' ignored",
        "session 's1' (#1), speakers[0]: unknown field 'pronouns' ignored",
    ]


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError) as caught:
        load_programme(tmp_path / "nope.json")
    assert caught.value.problems == ["file not found"]

"""The programme loader: the shipped file loads, and every kind of mistake is named precisely."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
    assert problems_of(text) == [
        "session 'a' (#1): title must not be empty",
        "session #2 (no id): id is required",
        "session 'b' (#3): end must be after start",
        "session 'a' (#4): capacity should be a whole number",
        "session 'c' (#5): speakers[0].name is required",
        "session 'c' (#5): tags should be a list",
        "duplicate id 'a': used by 2 sessions",
    ]


def test_unknown_timezone() -> None:
    problems = problems_of(programme_text(session(), timezone="Europe/Lundon"))
    assert problems == [
        "event: timezone: unknown timezone 'Europe/Lundon'; use an IANA name such as Europe/London"
    ]


TIME = "should be a date and time such as 2027-03-16T09:30"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"start": "21 March"}, f"start {TIME}"),
        ({"start": 20230320}, f"start {TIME}"),  # pydantic alone reads it as a 1970 timestamp
        ({"end": 1679400000.5}, f"end {TIME}"),
        ({"start": "2023-03-21"}, f"start {TIME}"),  # a date without a time
        ({"start": "2023-02-30T10:00"}, f"start {TIME} (day value is outside expected range)"),
        ({"end": None}, "end or duration is required"),
        ({"title": 5}, "title should be text"),
        ({"tags": ["Learn", 3]}, "tags[1] should be text"),
        ({"capacity": 0}, "capacity should be more than 0"),
        ({"capacity": True}, "capacity should be a whole number"),
        ({"capacity": 1.5}, "capacity should be a whole number"),
        ({"join_url": "zoom"}, "join_url should be a web address starting with https://"),
        ({"speakers": "Ann"}, "speakers should be a list"),
        ({"speakers": {"name": "Ann"}}, "speakers should be a list"),
        (
            {"speakers": [{"name": "Ann"}, "Bob"]},
            "speakers[1] should be an object with name, role, organisation",
        ),
        ({"speakers": [{"name": 7}]}, "speakers[0].name should be text"),
    ],
)
def test_wrong_types_and_values(fields: dict[str, Any], expected: str) -> None:
    assert problems_of(programme_text(session(**fields))) == [f"session 's1' (#1): {expected}"]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (["Monday"], 'days should be an object such as {"2027-03-16": "World Social Work Day"}'),
        ({"2023-03-21": ""}, "days[2023-03-21] must not be empty"),
        (
            {"21 March": "World Social Work Day"},
            "days[21 March] should be a date such as 2027-03-16 (input is too short)",
        ),
    ],
)
def test_names_of_days_are_checked(days: Any, expected: str) -> None:
    assert problems_of(programme_text(session(), days=days)) == [f"event: {expected}"]


def test_duration_in_minutes_may_replace_end() -> None:
    text = programme_text(
        session(id="a", end=None, duration=90),
        session(id="b", start="2023-03-21T15:00", end="2023-03-21T15:45", duration=45),
    )
    programme, warnings = parse_programme(text)
    assert warnings == []
    a, b = programme.sessions
    assert a.end == datetime(2023, 3, 21, 14, 0, tzinfo=ZoneInfo("Europe/London"))
    assert b.end - b.start == timedelta(minutes=45)


def test_duration_is_real_time_across_a_clock_change() -> None:
    text = programme_text(session(start="2023-03-26T00:30", end=None, duration=60))
    end = parse_programme(text)[0].sessions[0].end
    assert (end.hour, end.minute, end.utcoffset()) == (2, 30, timedelta(hours=1))  # BST


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"duration": 60},
            "end and duration disagree: end is 90 minutes after start, duration is 60 minutes",
        ),
        (
            {"end": "2023-03-21T12:31", "duration": 2},
            "end and duration disagree: end is 1 minute after start, duration is 2 minutes",
        ),
        ({"end": None, "duration": 0}, "duration should be more than 0"),
        ({"end": None, "duration": "60"}, "duration should be a whole number"),
        ({"end": None, "duration": 1.5}, "duration should be a whole number"),
        ({"end": None, "duration": 60, "start": 9}, f"start {TIME}"),  # and nothing on end
    ],
)
def test_duration_problems(fields: dict[str, Any], expected: str) -> None:
    assert problems_of(programme_text(session(**fields))) == [f"session 's1' (#1): {expected}"]


def test_without_end_or_duration_a_wrong_start_is_not_the_only_problem() -> None:
    assert problems_of(programme_text(session(end=None, start=9))) == [
        f"session 's1' (#1): start {TIME}",
        "session 's1' (#1): end or duration is required",
    ]


def test_warnings_come_with_the_problems() -> None:
    text = programme_text(session(end=None, lenght=90))
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(text, source="week.json")
    assert caught.value.source == "week.json"
    assert caught.value.problems == ["session 's1' (#1): end or duration is required"]
    assert caught.value.warnings == ["session 's1' (#1): unknown field 'lenght' ignored"]


def test_a_programme_error_may_be_made_without_warnings() -> None:
    error = ProgrammeError("export.csv", ["row 2: no title"])
    assert (error.problems, error.warnings, str(error)) == (
        ["row 2: no title"],
        [],
        "export.csv: row 2: no title",
    )

"""Sessionize's "All data" export: a real one (DDD Melbourne 2024), and the parts it lacks
(service sessions, unscheduled sessions, a company question) in a small one of the same shape."""

from __future__ import annotations

import json
from typing import Any

from bot.importing.sessionize import read_sessionize
from tests.importing.helpers import DATA, convert_file


def test_a_real_all_data_export() -> None:
    result = convert_file(
        "dddmelbourne-2024-sessionize.json",
        timezone="Australia/Melbourne",
        event_name="DDD Melbourne 2024",
    )
    assert result.problems == [] and result.format == "sessionize"
    assert result.text is not None and result.programme is not None
    data = json.loads(result.text)
    assert data["event"] == {"name": "DDD Melbourne 2024", "timezone": "Australia/Melbourne"}
    assert len(data["sessions"]) == 26
    first = data["sessions"][0]
    assert first == {
        "id": "581840",
        "title": "Will AI Coding Assistants like GitHub CoPilot Make Me Irrelevant?",
        "start": "2024-03-16T09:00:00",
        "end": "2024-03-16T09:45:00",
        "type": "45 minutes",  # the "Session format" category
        "description": first["description"],
        "speakers": [
            {"name": "Julie Lerman", "role": "Software Coach, Pluralsight Author, .NET & DDD"}
        ],
        "location": "Grand Ultra Ballroom",
        "tags": ["Mostly intermediate", "AI", "Career"],  # "Level" and "Tags" categories
    }
    assert "\r" not in result.text
    assert str(result.programme.sessions[0].start) == "2024-03-16 09:00:00+11:00"
    assert result.notes == []


def small_export() -> dict[str, Any]:
    session = {
        "id": "1",
        "title": "Supervision that works",
        "description": "Line one\r\nLine two",
        "startsAt": "2027-03-16T09:30:00",
        "endsAt": "2027-03-16T10:30:00",
        "isServiceSession": False,
        "isPlenumSession": False,
        "speakers": ["a", "b", "zz"],
        "categoryItems": [11, 21],
        "questionAnswers": [],
        "roomId": 5,
        "liveUrl": "https://example.org/live/1",
        "recordingUrl": None,
        "status": "Accepted",
    }
    return {
        "sessions": [
            session,
            session | {"id": "2", "title": "Lunch", "isServiceSession": True, "speakers": []},
            session | {"id": "3", "title": "To be announced", "startsAt": None, "endsAt": None},
            session | {"id": "4", "title": "", "endsAt": "2027-03-16T09:00:00"},
            session | {"id": "5", "startsAt": "tomorrow"},
        ],
        "speakers": [
            {
                "id": "a",
                "firstName": "Jo",
                "lastName": "Bloggs",
                "fullName": "Jo Bloggs",
                "tagLine": "Principal Social Worker",
                "questionAnswers": [{"questionId": 9, "answerValue": "Leeds City Council"}],
            },
            {"id": "b", "firstName": "Ann", "lastName": "Other", "tagLine": ""},
        ],
        "questions": [{"id": 9, "question": "Company", "questionType": "Short_Text"}],
        "categories": [
            {"id": 1, "title": "Session format", "items": [{"id": 11, "name": "Workshop"}]},
            {"id": 2, "title": "Track", "items": [{"id": 21, "name": "Practice"}]},
        ],
        "rooms": [{"id": 5, "name": "Hall A", "sort": 0}],
    }


def test_service_sessions_left_out_and_every_field_mapped() -> None:
    imported = read_sessionize(small_export())
    assert imported.problems == [
        "session 4 (#4), title: missing",
        "session 4 (#4), endsAt: 09:00 is not after startsAt 09:30",
        "session 5 (#5), startsAt: cannot read 'tomorrow' as a date and time",
    ]
    assert [session["title"] for session in imported.sessions] == ["Supervision that works"]
    session = imported.sessions[0]
    assert {key: value for key, value in session.items() if key not in ("start", "end")} == {
        "id": "1",
        "title": "Supervision that works",
        "type": "Workshop",
        "description": "Line one\nLine two",
        "speakers": [
            {
                "name": "Jo Bloggs",
                "role": "Principal Social Worker",
                "organisation": "Leeds City Council",
            },
            {"name": "Ann Other"},
        ],
        "location": "Hall A",
        "join_url": "https://example.org/live/1",
        "tags": ["Practice"],
    }
    assert imported.notes == [
        "session 1 (#1): unknown speaker id 'zz' left out",
        "1 service session (breaks) left out: Lunch",
        "1 session not yet scheduled left out: To be announced",
    ]


def test_the_fixture_is_the_all_data_shape() -> None:
    data = json.loads((DATA / "dddmelbourne-2024-sessionize.json").read_text(encoding="utf-8"))
    assert set(data) == {"sessions", "speakers", "questions", "categories", "rooms"}

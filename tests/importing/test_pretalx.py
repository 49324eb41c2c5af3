"""pretalx's frab-compatible schedule.json: PyConFR 2024 laid out as pretalx exports it, and the
cases it lacks (a talk in two slots, a time without an offset, a bad length) in a small one."""

from __future__ import annotations

import json
from typing import Any

from bot.importing.pretalx import read_pretalx
from tests.importing.helpers import convert_file


def test_pyconfr_2024() -> None:
    result = convert_file("pyconfr-2024-schedule.json")
    assert result.problems == [] and result.format == "pretalx"
    assert result.text is not None and result.programme is not None
    data = json.loads(result.text)
    assert data["event"] == {
        "name": "PyConFR 2024",
        "timezone": "Europe/Paris",
        "url": "https://cfp.pycon.fr/pyconfr-2024/schedule/",
    }
    assert len(data["sessions"]) == 68
    python_313 = next(s for s in data["sessions"] if s["id"] == "8XMBS3")
    assert python_313 == {
        "id": "8XMBS3",
        "title": "Nouveautés de Python 3.13",
        "start": "2024-11-02T10:30:00",
        "end": "2024-11-02T10:55:00",
        "type": "Short talk",
        "description": python_313["description"],
        "speakers": [{"name": "Victor Stinner"}],
        "location": "GAM",
    }
    assert [day.isoformat() for day in result.programme.days] == ["2024-11-02", "2024-11-03"]
    assert result.notes == []


def test_the_timezone_given_wins_and_keeps_the_moments() -> None:
    result = convert_file("pyconfr-2024-schedule.json", timezone="Europe/London")
    assert result.text is not None
    assert json.loads(result.text)["sessions"][0]["start"] == "2024-11-02T08:00:00"
    assert result.notes == ["timezone Europe/London used, not the export's Europe/Paris"]


def talk(code: str, moment: str, **fields: Any) -> dict[str, Any]:
    base = {
        "guid": f"g-{code}",
        "code": code,
        "date": moment,
        "start": moment[11:16],
        "duration": "01:30",
        "room": "Hall A",
        "title": "Django tutorial",
        "track": "Web",
        "type": "Workshop",
        "abstract": "Build an app.",
        "description": "Bring a laptop.",
        "persons": [{"public_name": "Ann Other"}, {"name": "Jo Bloggs"}],
    }
    return base | fields


def test_slots_offsets_and_mistakes() -> None:
    data = {
        "schedule": {
            "conference": {
                "title": "Camp",
                "time_zone_name": "Europe/Berlin",
                "days": [
                    {
                        "date": "2027-07-02",
                        "rooms": {
                            "Hall A": [
                                talk("ABC", "2027-07-02T14:00:00+02:00"),
                                talk("XYZ", "", start="10:00", title="Keynote"),
                                talk("BAD", "2027-07-02T16:00:00+02:00", duration="soon"),
                                talk("NIL", "2027-07-02T17:00:00+02:00", duration="00:00"),
                            ]
                        },
                    },
                    {
                        "date": "2027-07-01",
                        "rooms": {
                            "Hall A": [
                                talk("ABC", "2027-07-01T14:00:00+02:00"),
                            ]
                        },
                    },
                ],
            }
        }
    }
    imported = read_pretalx(data)
    assert imported.problems == [
        "talk BAD (#3, 'Django tutorial'), duration: cannot read 'soon' as hours and minutes "
        "(HH:MM)",
        "talk NIL (#4, 'Django tutorial'), duration: '00:00' is no time at all",
    ]
    by_id = {session["id"]: session for session in imported.sessions}
    assert sorted(by_id) == ["ABC-1", "ABC-2", "XYZ"]
    assert by_id["ABC-1"]["start"].isoformat() == "2027-07-01T14:00:00+02:00"
    assert by_id["XYZ"]["start"].isoformat() == "2027-07-02T10:00:00+02:00"
    assert by_id["ABC-2"]["end"].isoformat() == "2027-07-02T15:30:00+02:00"
    assert by_id["ABC-2"]["description"] == "Build an app.\n\nBring a laptop."
    assert by_id["ABC-2"]["speakers"] == [{"name": "Ann Other"}, {"name": "Jo Bloggs"}]
    assert by_id["ABC-2"]["tags"] == ["Web"]
    assert imported.notes == ["talk ABC is held in 2 slots: ids ABC-1 to ABC-2"]
    assert (imported.event_name, imported.timezone) == ("Camp", "Europe/Berlin")

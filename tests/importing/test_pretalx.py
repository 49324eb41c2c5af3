"""pretalx's frab-compatible schedule.json: PyConFR 2024 laid out as pretalx exports it, and the
cases it lacks (a talk in two slots, a time without an offset, a bad length) in a small one."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from bot.answering import Answerer
from bot.importing.convert import Conversion
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


# Real exports that nobody here wrote (see tests/data/import/README.md).

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
HTML_TAG = re.compile(r"</?(?!https?://|mailto:)[a-z][a-z0-9]*(?:[\s/>]|$)", re.I)


def sessions_of(result: Conversion) -> dict[str, dict[str, Any]]:
    assert result.problems == [] and result.text is not None
    return {session["id"]: session for session in json.loads(result.text)["sessions"]}


def assert_typeable_ids(ids: list[str], shape: str) -> None:
    assert len(set(ids)) == len(ids)
    for session_id in ids:
        assert len(session_id) <= 40 and re.fullmatch(shape, session_id), session_id
        assert not UUID.search(session_id), session_id


def assert_slack_descriptions(sessions: dict[str, dict[str, Any]]) -> None:
    """No HTML left, and every `&` one of Slack's three escapes."""
    for session in sessions.values():
        text = session.get("description", "")
        assert not HTML_TAG.search(text), (session["id"], text)
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), (session["id"], text)


def test_camp_2019_frab_schedule_without_codes() -> None:
    """frab's own schedule.json: no `code`, so ids come from frab's slugs, not its guids."""
    result = convert_file("camp2019-frab-schedule.json")
    assert result.format == "frab" and result.notes == []
    sessions = sessions_of(result)
    assert result.programme is not None
    assert result.programme.event.timezone == "Europe/Berlin"
    assert len(sessions) == 60
    assert_typeable_ids(list(sessions), r"[a-z0-9-]+")
    assert sessions["opening-ceremony"] | {"description": ""} == {
        "id": "opening-ceremony",  # frab's slug Camp2019-10386-opening_ceremony
        "title": "Opening Ceremony",
        "start": "2019-08-21T11:00:00",
        "end": "2019-08-21T11:30:00",
        "type": "lecture",
        "description": "",
        "speakers": [{"name": "jinxx"}, {"name": "smtw"}],
        "location": "Curie",
        "tags": ["CCC"],
    }
    assert sessions["opening-ceremony"]["description"] == "A hearty welcome me lasses and lads!"
    # Long slugs are cut at a word: Camp2019-10370-aufstand_oder_aussterben_ein_vortrag_…
    assert sessions["aufstand-oder-aussterben-ein-vortrag"]["start"] == "2019-08-21T20:00:00"
    reporting = sessions["reporting-from-brussels-the-state-of"]
    assert [s["name"] for s in reporting["speakers"]] == [
        "Chloé Berthélémy (EDRi)",
        "Andreea Belu (EDRi)",
    ]
    assert_slack_descriptions(sessions)
    spispy = sessions["spispy-spi-flash-device-emulation"]["description"]
    assert spispy.startswith(
        "<https://github.com/osresearch/spispy|spispy> is an open source hardware tool"
    )
    show = sessions["achtung-datenpannen"]["description"]
    assert "Die große *Datenschutz- und DSGVO-Show* vermittelt" in show
    assert "\n• Oder die „bisher ungeknackte Vollbitverschlüsselung“?\n" in show
    assert (
        "\n• Folks doing anti-oppression work\n"
        in (sessions["privacy-an-unequally-distributed"]["description"])
    )


def test_rc3_2020_pretalx_export_without_a_timezone() -> None:
    """pretalx 1.3 wrote no `time_zone_name` and no `code` (the code is the `slug`); every
    time carries +01:00, so the programme keeps that offset instead of London's."""
    result = convert_file("rc3-2020-pretalx-schedule.json")
    assert result.format == "pretalx"
    assert result.notes == [
        "the export names no timezone; all its times are at UTC+01:00, so the programme's "
        "timezone is Etc/GMT-1 (that offset all year); give --timezone with the IANA name of "
        "the event's place (such as Europe/Berlin) if its clocks change"
    ]
    sessions = sessions_of(result)
    programme = result.programme
    assert programme is not None and programme.event.timezone == "Etc/GMT-1"
    assert [day.isoformat() for day in programme.days] == [
        "2020-12-27",
        "2020-12-28",
        "2020-12-29",
    ]
    assert len(sessions) == 41
    # pretalx's codes, as pretalx writes them and as `code` gives them in newer exports.
    assert_typeable_ids(list(sessions), r"[A-Z0-9]{6}")
    gluon = sessions["MJA8QY"]
    assert gluon["title"] == "Der faule Admin automatisiert: Gluon auf echter Hardware testen"
    assert (gluon["start"], gluon["end"]) == ("2020-12-27T11:30:00", "2020-12-27T12:10:00")
    assert gluon["speakers"] == [{"name": "Chris Fiege"}, {"name": "Kasa"}]
    assert "auf <https://gluon.readthedocs.io/|Gluon>.\n" in gluon["description"]
    assert_slack_descriptions(sessions)
    boxes = sessions["DZKNXQ"]["description"]
    assert "well my on-line box generator <https://festi.info/boxes.py/?language=en|Boxes.py>." in (
        boxes
    )
    assert "• IBM i, with emphasis on the Single Level Store" in sessions["KMVBDB"]["description"]
    assert "\n\n*Einführung*\n\nZu Beginn der Corona-Pandemie" in sessions["A9EBRK"]["description"]


def test_rc3_talk_at_half_past_eleven_on_sunday_is_found_then() -> None:
    """Read in London time, as before, it started at 10:30 and 11:30 found nothing."""
    result = convert_file("rc3-2020-pretalx-schedule.json")
    assert result.programme is not None
    programme = result.programme
    saturday = datetime(2020, 12, 26, 12, 0, tzinfo=programme.tz)
    answer = Answerer(programme).answer("what's on at 11:30 on sunday?", now=saturday)
    assert "MJA8QY" in [session.id for session in answer.sessions]
    gluon = programme.by_id["MJA8QY"]
    assert programme.local(gluon.start).strftime("%A %H:%M") == "Sunday 11:30"
    named = convert_file("rc3-2020-pretalx-schedule.json", timezone="Europe/Berlin").programme
    assert named is not None and named.event.timezone == "Europe/Berlin"
    assert named.by_id["MJA8QY"].start == gluon.start


def test_ids_from_slugs_and_titles_stay_unique() -> None:
    """frab's slugs without their `<acronym>-<number>-`, titles when there is no slug, and a
    frab number when two talks would share an id; pretalx's slots keep `CODE-1`, `CODE-2`."""
    day = {
        "date": "2027-07-01",
        "rooms": {
            "Hall A": [
                talk("", "2027-07-01T10:00:00+02:00", slug="Camp-101-lightning_talks", id=101),
                talk("", "2027-07-01T18:00:00+02:00", slug="Camp-102-lightning_talks", id=102),
                talk("", "2027-07-01T12:00:00+02:00", guid="0c1a…", title="Ünïcode für alle!"),
                talk("", "2027-07-01T13:00:00+02:00", guid="f00d…", title="Ünïcode für alle"),
            ]
        },
    }
    data = {"schedule": {"conference": {"acronym": "camp", "days": [day]}}}
    imported = read_pretalx(data)
    assert imported.problems == []
    assert [s["id"] for s in imported.sessions] == [
        "lightning-talks",
        "lightning-talks-102",
        "unicode-fur-alle",
        "unicode-fur-alle-2",
    ]

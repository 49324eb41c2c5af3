"""Each format becomes a programme that `check` accepts and the bot answers from; what cannot
be converted says why."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import PurePath

import pytest

from bot.answering import Answerer
from bot.importing.convert import guess_format
from bot.programme import parse_programme
from tests.importing.helpers import DATA, convert_file, convert_text

ANSWERED = [
    (
        "week.csv",
        {},
        "motivational interviewing",
        "Motivational interviewing: a practical introduction",
    ),
    ("week-semicolons.csv", {}, "Rebekah Pierre", "Smashing stereotypes in the profession"),
    (
        "dddmelbourne-2024-sessionize.json",
        {"timezone": "Australia/Melbourne"},
        "databases",
        "Databases Are Amazing",
    ),
    (
        "pyconfr-2024-schedule.json",
        {},
        "open source contributions",
        "Getting Started with Open Source Contributions",
    ),
    ("camp2019-frab-schedule.json", {}, "kubernetes", "Hacking Containers and Kubernetes"),
    (
        "rc3-2020-pretalx-schedule.json",
        {},
        "laser cutter boxes",
        "Create boxes and more with a lasercutter",
    ),
    (
        "pnf-2022-program.csv",
        {"timezone": "Europe/Stockholm"},
        "Frank Hu",
        "Promises and challenges of precision nutrition in disease prevention and management",
    ),
]


@pytest.mark.parametrize(("name", "options", "question", "title"), ANSWERED)
def test_the_bot_answers_from_each_imported_programme(
    name: str, options: dict[str, str], question: str, title: str
) -> None:
    result = convert_file(name, **options)
    assert result.problems == [] and result.text is not None
    programme, warnings = parse_programme(result.text)  # what `check` runs
    assert warnings == []
    first_day = programme.days[0]
    now = datetime.combine(first_day, datetime.min.time(), programme.tz)
    answer = Answerer(programme).answer(question, now=now)
    assert title in [session.title for session in answer.sessions]


def test_the_format_is_told_by_the_name_or_the_contents() -> None:
    for name, expected in (
        ("week.csv", "csv"),
        ("broken.csv", "csv"),
        ("dddmelbourne-2024-sessionize.json", "sessionize"),
        ("pyconfr-2024-schedule.json", "pretalx"),
        ("rc3-2020-pretalx-schedule.json", "pretalx"),
        ("camp2019-frab-schedule.json", "frab"),
        ("pnf-2022-program.csv", "csv"),
    ):
        assert guess_format((DATA / name).read_bytes(), PurePath(name)) == expected
    assert guess_format(b"Title,Date\n", PurePath("export")) == "csv"
    assert guess_format(b'{"data": []}', PurePath("export.json")) is None
    assert guess_format(b"not json", PurePath("export.json")) is None


def test_what_cannot_be_converted() -> None:
    assert convert_text('{"data": []}', filename="export.json").problems == [
        "cannot tell whether export.json is a CSV, Sessionize or frab/pretalx export; name it "
        "with --format csv, --format sessionize or --format frab"
    ]
    assert convert_text("{", filename="x.json", format="pretalx").problems == [
        "x.json is not valid JSON at line 1, column 2: Expecting property name enclosed in "
        "double quotes"
    ]
    assert convert_text('{"schedule": {}}', filename="x.json", format="sessionize").problems == [
        'not a Sessionize "All data" export: it should have "sessions", "speakers" and "rooms" '
        "lists"
    ]
    assert convert_text("[]", filename="x.json", format="pretalx").problems == [
        'not a frab or pretalx schedule.json: it should have "schedule" with "conference"'
    ]
    programme = (DATA.parents[2] / "programme.json").read_text(encoding="utf-8")
    for options in ({}, {"format": "pretalx"}):
        assert convert_text(programme, filename="programme.json", **options).problems == [
            "programme.json is a programme already; check it with `python -m bot check`"
        ]
    assert convert_text("Title,Date,Start,End\n", filename="empty.csv").problems == [
        "no sessions found in empty.csv"
    ]


def test_an_unknown_timezone() -> None:
    result = convert_file("week.csv", timezone="Europe/Lundon")
    assert result.problems == [
        "--timezone: unknown timezone 'Europe/Lundon'; use an IANA name such as Europe/London"
    ]
    text = '{"schedule": {"conference": {"title": "Camp", "time_zone_name": "Mars/Olympus"}}}'
    assert convert_text(text, filename="schedule.json").problems == [
        "the export's timezone: unknown timezone 'Mars/Olympus'; use an IANA name such as "
        "Europe/London"
    ]


def test_the_event_name_given_or_the_file_name() -> None:
    unnamed = convert_file("week.csv").programme
    assert unnamed is not None and unnamed.event.name == "week"
    named = convert_file("pyconfr-2024-schedule.json", event_name="PyCon France")
    assert named.programme is not None and named.programme.event.name == "PyCon France"


def test_the_readme_example() -> None:
    """The CSV shown under "Importing a programme" imports as docs/programme.md says."""
    readme = (DATA.parents[2] / "docs" / "programme.md").read_text(encoding="utf-8")
    section = readme.split("## Importing a programme", 1)[1].split("\n## ", 1)[0]
    example = section.split("```csv\n", 1)[1].split("```", 1)[0]
    result = convert_text(example, event_name="Social Work Week 2027")
    assert result.programme is not None
    assert [session.id for session in result.programme.sessions] == [
        "opening-of-the-week",
        "writing-case-notes-people-can-read",
        "motivational-interviewing-1",
        "motivational-interviewing-2",
    ]
    for note in result.notes:
        assert f"note: {note}" in section


def schedule(*moments: str) -> str:
    """A frab schedule.json naming no timezone, a talk at each of `moments`."""
    talks = [
        {"guid": f"g{n}", "title": f"Talk {n}", "date": moment, "duration": "00:30"}
        for n, moment in enumerate(moments)
    ]
    conference = {"title": "Camp", "days": [{"date": "2027-10-30", "rooms": {"Hall": talks}}]}
    return json.dumps({"schedule": {"conference": conference}})


def test_a_timezone_from_the_offsets_when_the_export_names_none() -> None:
    west = convert_text(schedule("2027-10-30T09:00:00-05:00"), filename="s.json")
    assert west.programme is not None and west.programme.event.timezone == "Etc/GMT+5"
    assert west.programme.sessions[0].start.isoformat() == "2027-10-30T09:00:00-05:00"
    utc = convert_text(
        schedule("2027-10-30T09:00:00+00:00", "2027-10-30T10:00:00Z"), filename="s.json"
    )
    assert utc.programme is not None and utc.programme.event.timezone == "UTC"
    assert utc.notes[0].startswith("the export names no timezone; all its times are at UTC+00:00")
    naive = convert_text(schedule("2027-10-30T09:00:00"), filename="s.json")
    assert naive.programme is not None and naive.programme.event.timezone == "Europe/London"
    assert naive.notes == [
        "times read as Europe/London time; give --timezone if the event is elsewhere"
    ]


def test_offsets_that_no_fixed_zone_fits_need_the_timezone_named() -> None:
    changing = schedule("2027-10-30T09:00:00+02:00", "2027-11-01T09:00:00+01:00")
    assert convert_text(changing, filename="s.json").problems == [
        "the export names no timezone and its times are at different UTC offsets (+01:00, "
        "+02:00), so its clocks change: give --timezone, the IANA name of the event's place, "
        "such as Europe/Berlin"
    ]
    assert convert_text(changing, filename="s.json", timezone="Europe/Berlin").problems == []
    india = schedule("2027-10-30T09:00:00+05:30")
    assert convert_text(india, filename="s.json").problems == [
        "the export names no timezone and its times are at UTC+05:30, which has no "
        "fixed-offset IANA zone: give --timezone, the IANA name of the event's place, such as "
        "Asia/Kolkata"
    ]

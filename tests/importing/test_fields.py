"""The values people type in a programme spreadsheet, read or refused in words they can act on."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.importing.fields import (
    header_key,
    parse_capacity,
    parse_date,
    parse_duration,
    parse_speakers,
    parse_tags,
    parse_time,
    parse_time_range,
    slugify,
)
from bot.programme import Speaker

TUESDAY = date(2027, 3, 16)
HINT = "write it like 2027-03-16, 16/03/2027 or 16 March 2027"


@pytest.mark.parametrize(
    "text",
    [
        "2027-03-16",
        "16/03/2027",
        "16.03.2027",
        "16 March 2027",
        "16 Mar 2027",
        "Tuesday 16 March 2027",
        "Tue, 16th March 2027",
        "March 16, 2027",
        "2027-03-16 00:00:00",
    ],
)
def test_dates_in_the_forms_people_write(text: str) -> None:
    assert parse_date(text) == TUESDAY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Wednesday 16 March 2027", "'Wednesday 16 March 2027': 16 March 2027 is a Tuesday"),
        (
            "03/16/2027",
            "'03/16/2027' is not a date in the calendar (read day first, as 16/03/2027)",
        ),
        ("16 March", f"cannot read '16 March' as a date; {HINT}"),
        ("next Tuesday", f"cannot read 'next Tuesday' as a date; {HINT}"),
    ],
)
def test_dates_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9.30am", time(9, 30)),
        ("2.30pm", time(14, 30)),
        ("14:00", time(14)),
        ("9am", time(9)),
        ("12pm", time(12)),
        ("12am", time(0)),
        ("9:30 a.m.", time(9, 30)),
        ("14h00", time(14)),
        ("09:30:00", time(9, 30)),
    ],
)
def test_clock_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["9", "25:00", "13pm", "9.75am", "noon"])
def test_clock_times_refused(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_time(text)
    assert (
        str(caught.value) == f"cannot read {text!r} as a time; write it like 09:30, 9.30am or 2pm"
    )


def test_a_start_cell_may_hold_the_whole_range() -> None:
    assert parse_time_range("9.30am-11am") == (time(9, 30), time(11))
    assert parse_time_range("14:00 to 15:30") == (time(14), time(15, 30))
    assert parse_time_range("14:00") == (time(14), None)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90", 90),
        ("90 mins", 90),
        ("1h30", 90),
        ("1h", 60),
        ("45m", 45),
        ("1:30", 90),
        ("1.5 hours", 90),
        ("1 hour 30 minutes", 90),
        ("2 hrs", 120),
    ],
)
def test_lengths(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["0", "soon", "1.33h"])
def test_lengths_refused(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    assert str(caught.value) == (
        f"cannot read {text!r} as a length; write minutes (90) or hours and minutes "
        "(1h30, 1:30, 45m)"
    )


def test_speakers_with_role_and_organisation() -> None:
    text = (
        "Rebekah Pierre (Professional Officer, British Association of Social Workers); "
        "Jo Bloggs (Social Work England), Ann Other\n"
        "Łukasz Nowak (Lecturer, Uni, Kraków)"
    )
    assert parse_speakers(text) == [
        Speaker(
            name="Rebekah Pierre",
            role="Professional Officer",
            organisation="British Association of Social Workers",
        ),
        Speaker(name="Jo Bloggs", organisation="Social Work England"),
        Speaker(name="Ann Other"),
        Speaker(name="Łukasz Nowak", role="Lecturer", organisation="Uni, Kraków"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Jo Bloggs (Family Law", "cannot read 'Jo Bloggs (Family Law': unbalanced brackets"),
        (
            "(Social Work England)",
            "cannot read '(Social Work England)': no name before the brackets",
        ),
    ],
)
def test_speakers_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_speakers(text)
    assert str(caught.value) == message


def test_tags_capacity_and_slugs() -> None:
    assert parse_tags("Learn; records, Learn,, court") == ["Learn", "records", "court"]
    assert parse_capacity("200") == 200
    assert parse_capacity("1,000") == 1000
    for text in ("lots", "0", "12.5", "-3"):
        with pytest.raises(ValueError, match="is not a whole number of places above 0"):
            parse_capacity(text)
    assert (
        slugify("Smashing stereotypes: in the profession!")
        == "smashing-stereotypes-in-the-profession"
    )
    assert slugify("Łódź: people's café") == "lodz-peoples-cafe"
    assert slugify("?!") == "session"
    assert len(slugify("word " * 30)) <= 40


def test_headings_compared_without_case_spaces_or_punctuation() -> None:
    assert header_key("Speaker(s)") == "speakers"
    assert header_key(" Start time ") == "starttime"
    assert header_key("Join_URL") == "joinurl"

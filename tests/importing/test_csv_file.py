"""A programme kept in a spreadsheet: the headings people use, a session in two slots, lengths
instead of end times, mixed dates, and every mistake named by row and column."""

from __future__ import annotations

import json
import re

from bot.importing.convert import convert
from tests.importing.helpers import convert_file, convert_text

SWW = "Social Work Week 2027"
MI = "motivational-interviewing-a-practical"


def test_a_week_kept_in_a_spreadsheet() -> None:
    result = convert_file("week.csv", event_name=SWW)
    assert result.problems == []
    assert result.programme is not None and result.text is not None
    data = json.loads(result.text)
    assert data["event"] == {"name": SWW, "timezone": "Europe/London"}
    sessions = {session["id"]: session for session in data["sessions"]}
    assert list(sessions) == [
        "opening-of-social-work-week-2027",
        "racism-in-the-workplace-in-communities",
        "writing-case-notes-people-can-read",
        f"{MI}-1",
        "smashing-stereotypes-in-the-profession",
        "wed-cpd",
        "court-skills-for-social-workers",
        f"{MI}-2",
        "closing-what-we-learned-this-week",
    ]
    assert sessions["racism-in-the-workplace-in-communities"] == {
        "id": "racism-in-the-workplace-in-communities",
        "title": "Racism in the workplace, in communities and in practice",
        "start": "2027-03-15T12:30:00",
        "end": "2027-03-15T14:00:00",
        "type": "headline",
        "description": "A panel on anti-racist practice.\nTime for questions at the end.",
        "speakers": [
            {
                "name": "Kwame Osei",
                "role": "Professional Officer",
                "organisation": "British Association of Social Workers",
            },
            {"name": "Maren Holt", "organisation": "University of Northtown"},
        ],
        "host": "British Association of Social Workers",
        "location": "Online",
        "join_url": "https://example.org/sww2027/racism",
        "tags": ["Influence", "racism"],
        "capacity": 500,
    }
    # Lengths instead of end times: 90 minutes, 1h30, 45m, 1:00; and a range in the start cell.
    times = {key: (s["start"], s["end"]) for key, s in sessions.items()}
    assert times["writing-case-notes-people-can-read"] == (
        "2027-03-16T10:00:00",
        "2027-03-16T11:30:00",
    )
    assert times[f"{MI}-2"] == ("2027-03-18T13:00:00", "2027-03-18T14:30:00")
    assert times["wed-cpd"] == ("2027-03-17T15:00:00", "2027-03-17T15:45:00")
    assert times["closing-what-we-learned-this-week"][1] == "2027-03-19T17:00:00"
    assert times["court-skills-for-social-workers"] == (
        "2027-03-18T09:30:00",
        "2027-03-18T11:00:00",
    )
    assert sessions[f"{MI}-1"]["speakers"][1] == {
        "name": "Nina Kowalska",
        "role": "Practice Educator",
        "organisation": "Łódź University",
    }
    assert result.notes == [
        "column 'Notes for the team' ignored",
        f"rows 5 and 9: 'Motivational interviewing: a practical introduction' is held in 2 "
        f"slots, given ids {MI}-1 and {MI}-2",
        "times read as Europe/London time; give --timezone if the event is elsewhere",
    ]
    assert [day.isoformat() for day in result.programme.days] == [
        "2027-03-15",
        "2027-03-16",
        "2027-03-17",
        "2027-03-18",
        "2027-03-19",
    ]


def test_the_same_week_with_a_bom_semicolons_and_other_headings() -> None:
    """Excel in much of Europe saves "CSV UTF-8" with a byte-order mark, `;` between cells and
    CRLF line ends; these headings and dates differ too, and the programme is the same."""
    raw = convert_file("week-semicolons.csv").text
    assert raw is not None
    assert (
        convert_file("week-semicolons.csv", event_name=SWW).text
        == convert_file("week.csv", event_name=SWW).text
    )


def test_a_broken_spreadsheet_lists_every_bad_row_and_column() -> None:
    result = convert_file("broken.csv")
    assert result.text is None and result.programme is None
    assert result.problems == [
        "row 4, column 'Title': the title is missing",
        "row 5, column 'Date': '31/02/2027' is not a date in the calendar (read day first, as "
        "16/03/2027)",
        "row 5, column 'Start time': cannot read '25:00' as a time; write it like 09:30, 9.30am "
        "or 2pm",
        "row 6, column 'End time': ends at 13:00, not after it starts (14:00)",
        "row 7, column 'Speakers': cannot read 'Jo Bloggs (Family Law Chambers': unbalanced "
        "brackets",
        "row 7, column 'Capacity': 'lots' is not a whole number of places above 0",
        "row 8, column 'Joining link': 'www.example.org/reflect' must be a web address starting "
        "with https://",
        "row 8, column 'Capacity': '0' is not a whole number of places above 0",
        "row 9, columns 'End time' and 'Duration': give an end time or a length",
        "row 11, column 'ID': id 'thu-panel' is already used by row 10 for another session "
        "('Ask the chief social workers')",
        "row 12: 10 cells under 9 headings (a comma or semicolon in a cell that is not in quotes?)",
        "row 13, column 'Date': 'Monday 19 March 2027': 19 March 2027 is a Friday",
        "row 13, column 'Duration': cannot read '1 hour and a bit' as a length; write minutes "
        "(90) or hours and minutes (1h30, 1:30, 45m)",
    ]
    assert result.notes == ["row 1 (above the column headings) skipped"]


def test_missing_and_doubled_columns() -> None:
    result = convert_text("Session,Room,Venue,Notes\nOpening,Hall A,Hall B,\n")
    assert result.problems == [
        "columns 'Room' and 'Venue' both give the location; keep one",
        "no column for the date (a heading such as 'Date')",
        "no column for the start time (a heading such as 'Start time' or 'From')",
        "no column for the end time or the length (a heading such as 'End time', 'To' or "
        "'Duration')",
    ]
    result = convert_text("Speaker,Date\nJo,2027-03-16\n")
    assert result.problems == [
        "no column for the session title: the first row should name the columns, such as "
        "Title, Date, Start time, End time"
    ]


def test_ids_given_made_and_clashing() -> None:
    text = (
        "ID,Title,Date,From,To\n"
        "tutorial-2,Case law update,2027-03-16,09:00,10:00\n"
        ",Tutorial,2027-03-16,11:00,12:00\n"
        ",tutorial,2027-03-17,11:00,12:00\n"
        "keynote,Keynote,2027-03-18,09:00,10:00\n"
        ",Café Ω: people's hour,2027-03-18,12:00,13:00\n"
    )
    result = convert_text(text)
    assert result.problems == ["id 'tutorial-2' is used by rows 2 and 4"]
    fixed = convert_text(text.replace("tutorial-2,", "case-law,"))
    assert fixed.text is not None
    ids = [session["id"] for session in json.loads(fixed.text)["sessions"]]
    assert ids == ["case-law", "tutorial-1", "tutorial-2", "keynote", "cafe-o-peoples-hour"]


def test_a_title_whose_made_id_is_taken() -> None:
    text = (
        "ID,Title,Date,From,To\n"
        "opening,Welcome,2027-03-16,09:00,10:00\n"
        ",Opening,2027-03-16,11:00,12:00\n"
    )
    assert convert_text(text).problems == [
        "row 3, the id made from its title, 'opening' is already used by row 2 for another "
        "session ('Welcome')"
    ]


def test_other_encodings_separators_and_shapes() -> None:
    """Windows-1252 (Excel's plain "CSV"), tabs in a .tsv, empty rows, a missing title cell."""
    text = "Title\tDate\tStart\tDuration\nCafé talk\t16/03/2027\t9am\t30\n\t\t\t\n"
    result = convert_text(text, filename="week.tsv")
    assert result.problems == []
    cp1252 = "Title;Date;Start;Length\nCafé talk;16/03/2027;9am;30\n".encode("cp1252")
    result = convert(cp1252, filename="week.csv")
    assert result.text is not None
    assert json.loads(result.text)["sessions"][0]["title"] == "Café talk"
    assert result.notes[0] == "the file is not UTF-8; read it as Windows-1252 (Excel's CSV)"


PNF = "Precision Nutrition Forum 2022"
DEEP = (
    "Deep molecular phenotyping in cohorts and trials - Elucidating the interplay between "
    "diet, metabolism, and disease risk"
)


def test_precision_nutrition_forum_2022() -> None:
    """Real (see tests/data/import/README.md): `session` is the block a talk is in, `title` the
    talk's title, `full_name` its speaker; a block's name has commas and stays one tag."""
    result = convert_file("pnf-2022-program.csv", timezone="Europe/Stockholm", event_name=PNF)
    assert result.problems == [] and result.text is not None
    assert result.notes == [
        "column 'speaker_id' ignored",
        "column 'session' read as a track (a tag), as 'title' gives the title",
    ]
    sessions = json.loads(result.text)["sessions"]
    assert len(sessions) == 23
    ids = [session["id"] for session in sessions]
    assert len(set(ids)) == len(ids)
    assert all(len(i) <= 40 and re.fullmatch(r"[a-z0-9-]+", i) for i in ids), ids
    by_id = {session["id"]: session for session in sessions}
    assert by_id["promises-and-challenges-of-precision"] == {
        "id": "promises-and-challenges-of-precision",
        "title": "Promises and challenges of precision nutrition in disease prevention and "
        "management",
        "start": "2022-09-12T13:45:00",
        "end": "2022-09-12T14:15:00",
        "speakers": [{"name": "Frank Hu"}],
        "tags": ["Towards Precision Nutrition - Improving Individual and Population Health"],
    }
    michaelsson = next(s for s in sessions if s["speakers"] == [{"name": "Karl Michaëlsson"}])
    assert michaelsson["tags"] == [DEEP]
    assert (michaelsson["start"], michaelsson["end"]) == (
        "2022-09-13T09:20:00",
        "2022-09-13T09:45:00",
    )
    speakers = [speaker["name"] for session in sessions for speaker in session["speakers"]]
    assert len(speakers) == len(set(speakers)) == 23
    assert "Göran Bergström" in speakers and "Marta Guasch-Ferré" in speakers
    assert result.programme is not None
    first = result.programme.sessions[0]
    assert first.start.isoformat() == "2022-09-12T13:45:00+02:00"  # Gothenburg's summer time


def test_precision_nutrition_forum_2022_with_its_breaks() -> None:
    """An earlier version of the same file, with breaks and remarks that have no speaker."""
    result = convert_file("pnf-2022-schedule-with-breaks.csv", timezone="Europe/Stockholm")
    assert result.problems == [] and result.text is not None
    sessions = {s["id"]: s for s in json.loads(result.text)["sessions"]}
    assert len(sessions) == 29
    assert sessions["coffee-and-snack-break-2"] == {
        "id": "coffee-and-snack-break-2",
        "title": "Coffee and snack break.",
        "start": "2022-09-13T10:45:00",
        "end": "2022-09-13T11:15:00",
        "tags": ["Break"],
    }
    assert sessions["poster-presentation-flash-talks-poster"]["tags"] == ["Posters and networking"]
    assert "speakers" not in sessions["opening-remarks-for-conference-by-rikard"]


def test_session_title_and_name_headings() -> None:
    """`Session` and `Name` are the title only when no other column is; tracks are one tag
    each, only tag columns are split."""
    row = "2027-03-16,09:00,10:00"
    given = convert_text(f"Session,Name,Date,From,To\nOpening,Ann Lee,{row}\n")
    assert given.text is not None
    assert json.loads(given.text)["sessions"][0] | {"start": "", "end": ""} == {
        "id": "opening",
        "title": "Opening",
        "start": "",
        "end": "",
        "speakers": [{"name": "Ann Lee"}],
    }
    assert given.notes[0] == "column 'Name' read as the speakers, as 'Session' gives the title"
    named = convert_text(f"Name,Date,From,To\nOpening,{row}\n")
    assert named.programme is not None and named.programme.sessions[0].title == "Opening"
    tracks = convert_text(
        "Talk title,Presenter,Stream,Block,Keywords,Date,From,To\n"
        f'Case law,Jo Bloggs,"Law, courts",Morning,"law, courts; rights",{row}\n'
    )
    assert tracks.text is not None
    session = json.loads(tracks.text)["sessions"][0]
    assert session["speakers"] == [{"name": "Jo Bloggs"}]
    assert session["tags"] == ["Law, courts", "Morning", "law", "courts", "rights"]

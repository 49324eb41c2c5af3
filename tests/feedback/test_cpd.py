"""The CPD record, pure: who attended what, hours, who ran it, reflections; the CSV (parsed
back, formulas defused) and the Markdown (escaped)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.feedback.cpd import (
    CSV_HEADER,
    CpdRow,
    cpd_csv,
    cpd_hours,
    cpd_markdown,
    cpd_rows,
    hours_words,
    md_escape,
    provider,
)
from bot.programme import Event, Programme, Session, Speaker
from bot.records import Feedback

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2023, 3, 22, 12, 0, tzinfo=LONDON)


def london(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 3, day, hour, minute, tzinfo=LONDON)


def session(sid: str, start: datetime, minutes: int, **extra: object) -> Session:
    return Session.model_validate(
        {"id": sid, "title": f"Session {sid}", "start": start,
         "end": start + timedelta(minutes=minutes)} | extra
    )  # fmt: skip


WEEK = Programme(
    event=Event(name="Social Work Week 2023", timezone="Europe/London"),
    sessions=(
        session("mon", london(20, 9, 30), 90, host="Social Work England", type="Headline"),
        session(
            "tue",
            london(21, 12, 30),
            45,
            speakers=[
                Speaker(name="A", organisation="BASW"),
                Speaker(name="B", organisation="BASW"),
                Speaker(name="C", organisation="University of Leeds"),
                Speaker(name="D"),
            ],
        ),
        session("absent", london(21, 15), 60),
        session("late", london(21, 17), 60),
        session("later", london(22, 14), 60),  # has not ended at NOW
    ),
)
BEFORE = datetime(2023, 3, 1, tzinfo=UTC)


def feedback(sid: str, **fields: Any) -> Feedback:
    return Feedback(user_id="U1", session_id=sid, at=NOW, **fields)


def record() -> list[CpdRow]:
    return cpd_rows(
        WEEK,
        registered_at={
            "mon": BEFORE,
            "tue": london(21, 12, 30),
            "absent": BEFORE,
            "late": london(21, 17, 1),
            "later": BEFORE,
        },
        feedback={
            "mon": feedback("mon", rating=5, learnt="Supervision matters", change="Weekly 1:1s"),
            "absent": feedback("absent", attended=False),
        },
        now=NOW,
    )


def test_only_sessions_attended_are_in_the_record() -> None:
    # Registered at the start (exactly at it counts), ended, not "didn't attend".
    assert [row.session_id for row in record()] == ["mon", "tue"]


def test_each_row_has_date_hours_provider_and_reflection() -> None:
    mon, tue = record()
    assert (mon.title, mon.hours, mon.provider, mon.type) == (
        "Session mon", 1.5, "Social Work England", "Headline"
    )  # fmt: skip
    assert (mon.learnt, mon.change, mon.rating) == ("Supervision matters", "Weekly 1:1s", 5)
    assert mon.start == london(20, 9, 30) and mon.start.tzinfo == LONDON
    assert (tue.hours, tue.provider, tue.learnt) == (0.75, "BASW, University of Leeds", "")
    assert cpd_hours([mon, tue]) == 2.25
    assert hours_words(2.25) == "2.25 hours" and hours_words(1.0) == "1 hour"


def test_the_host_wins_over_the_speakers_organisations() -> None:
    both = session("x", NOW, 60, host="Host org", speakers=[Speaker(name="A", organisation="B")])
    assert provider(both) == "Host org"
    assert provider(session("y", NOW, 60)) == ""


def test_the_csv_parses_back_with_every_field_and_formulas_defused() -> None:
    mon, tue = record()
    risky = Feedback(user_id="U1", session_id="tue", at=NOW, learnt="=HYPERLINK(\"x\")",
                     change="-1 less, +1 more\nsecond line")  # fmt: skip
    rows_in = [mon, cpd_rows(WEEK, registered_at={"tue": BEFORE}, feedback={"tue": risky},
                             now=NOW)[0]]  # fmt: skip
    rows = list(csv.reader(io.StringIO(cpd_csv(rows_in, event="Social Work Week 2023"))))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1] == [
        "2023-03-20", "09:30–11:00 GMT", "1.5", "Session mon", "Headline",
        "Social Work England", "Social Work Week 2023", "Supervision matters", "Weekly 1:1s",
    ]  # fmt: skip
    assert rows[2][2] == "0.75"
    assert rows[2][7] == '\'=HYPERLINK("x")'
    assert rows[2][8] == "'-1 less, +1 more\nsecond line"
    assert len(rows) == 3


def test_the_markdown_has_the_total_each_session_and_escapes_what_people_typed() -> None:
    mon, tue = record()
    typed = Feedback(user_id="U1", session_id="tue", at=NOW,
                     learnt="# Not a heading\n*not bold* <b>x</b> [link](http://x)\n1. item",
                     change="")  # fmt: skip
    tue = cpd_rows(WEEK, registered_at={"tue": BEFORE}, feedback={"tue": typed}, now=NOW)[0]
    text = cpd_markdown([mon, tue], event="Social Work Week 2023")
    assert text.startswith("# CPD record: Social Work Week 2023\n\n")
    assert "Total: 2.25 hours of CPD over 2 sessions." in text
    assert "## Session mon\n" in text
    assert "- Date: Monday 20 March 2023" in text
    assert "- Time: Mon 20 Mar, 09:30–11:00 GMT" in text
    assert "- Time spent: 1.5 hours" in text
    assert "- Provided by: Social Work England" in text
    assert "**What I learnt**\n\nSupervision matters\n" in text
    assert "**How it will change my practice**\n\nWeekly 1:1s\n" in text
    assert (
        "\\# Not a heading  \n\\*not bold\\* \\<b\\>x\\</b\\> \\[link\\](http://x)  \n1\\. item"
        in text
    )
    assert "_Not written yet._" in text  # tue's change


def test_md_escape_leaves_plain_words_alone() -> None:
    assert md_escape("Kinship care, and 3 things.") == "Kinship care, and 3 things."
    assert md_escape("- a\n+ b\n> c\n  2) d") == "\\- a\n\\+ b\n\\> c\n  2\\) d"

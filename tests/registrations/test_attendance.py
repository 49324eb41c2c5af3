"""The organisers' attendance CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.current import CurrentProgramme
from bot.programme import Event, Programme, Session
from bot.records import MemoryStore
from bot.registrations import Registrations
from bot.registrations.attendance import HEADER, attendance_csv

START = datetime(2026, 3, 16, 12, 30, tzinfo=UTC)  # 12:30 in London in March (GMT)


def make(session_id: str, **fields: object) -> Session:
    base: dict[str, object] = {
        "id": session_id,
        "title": session_id,
        "start": START,
        "end": START + timedelta(hours=1),
    }
    return Session.model_validate(base | fields)


def programme(*sessions: Session) -> Programme:
    return Programme(event=Event(name="SWW", timezone="Europe/London"), sessions=sessions)


def csv_of(plan: Programme, store: MemoryStore) -> str:
    registrations = Registrations(store=store, current=CurrentProgramme(plan), clock=lambda: START)
    return attendance_csv(plan, registrations)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_one_row_per_session_in_programme_order() -> None:
    store = MemoryStore()
    for user in ["U1", "U2", "U3"]:
        store.register(user_id=user, session_id="late", capacity=2)
    store.register(user_id="U2", session_id="early", capacity=None)
    store.unregister(user_id="U1", session_id="late", capacity=2)  # U3 moves up
    summer = START + timedelta(days=100)  # British Summer Time
    hour = timedelta(hours=1)
    plan = programme(
        make("early", title="Reflective practice, together"),
        make("late", title='Ethics "in practice"\nPart 2', start=summer, end=summer + hour),
        make("empty", title="Nobody yet"),
    )
    text = csv_of(plan, store)
    assert text.endswith("\r\n")
    assert rows(text) == [
        list(HEADER),
        ["early", "Reflective practice, together", "2026-03-16T12:30:00+00:00", "1", "0", "U2"],
        ["late", 'Ethics "in practice"\nPart 2', "2026-06-24T13:30:00+01:00", "2", "0", "U2 U3"],
        ["empty", "Nobody yet", "2026-03-16T12:30:00+00:00", "0", "0", ""],
    ]


def test_waitlisted_people_are_counted_not_listed() -> None:
    store = MemoryStore()
    for user in ["U1", "U2", "U3"]:
        store.register(user_id=user, session_id="s1", capacity=1)
    [_, row] = rows(csv_of(programme(make("s1")), store))
    assert row[3:] == ["1", "2", "U1"]


def test_formulas_in_programme_text_are_defused() -> None:
    titles = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Safe = fine", "'quoted"]
    plan = programme(*(make(f"s{n}", title=title) for n, title in enumerate(titles)))
    plan = programme(*plan.sessions, make("=evil"))
    got = [row[:2] for row in rows(csv_of(plan, MemoryStore()))[1:]]
    assert got == [
        ["s0", '\'=HYPERLINK("http://x")'],
        ["s1", "'+1"],
        ["s2", "'-2"],
        ["s3", "'@SUM(A1)"],
        ["s4", "Safe = fine"],
        ["s5", "'quoted"],
        ["'=evil", "'=evil"],
    ]


def test_an_empty_programme_is_just_the_header() -> None:
    assert rows(csv_of(programme(), MemoryStore())) == [list(HEADER)]

"""The week at a glance, when it runs, and how sessions are joined (bot/answering/week.py), on
small programmes built here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.answering import DaySummary
from bot.answering.week import joining_note, week_note, week_summary
from bot.programme import Event, Programme, Session

LONDON = ZoneInfo("Europe/London")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY = (date(2023, 3, 20 + n) for n in range(4))
ONLINE = (
    "Online sessions have a “Join online” link on their card, and in the reminder you get"
    " before each session you register for."
)
IN_PERSON = "In-person sessions take place where their card says."
REGISTER = "Register for a session to be reminded, with the link, before it starts."
REGISTER_NO_LINK = "Register for a session to be reminded before it starts."


def session(session_id: str, day: date, hour: int = 10, **fields: object) -> Session:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)
    base = {"id": session_id, "title": session_id.title(), "start": start}
    return Session.model_validate(base | {"end": start + timedelta(hours=1)} | fields)


def programme(
    *sessions: Session,
    days: dict[date, str] | None = None,
    url: str | None = None,
    timezone: str = "Europe/London",
) -> Programme:
    event = Event(name="Social Work Week", timezone=timezone, days=days or {}, url=url)
    return Programme(event=event, sessions=tuple(sorted(sessions, key=lambda s: s.start)))


# --- week_summary -------------------------------------------------------------------------------


def test_each_day_with_its_name_count_and_featured_sessions() -> None:
    keynote = session("keynote", TUESDAY, 12, type="Keynote")
    plenary = session("plenary", TUESDAY, 16, type="plenary")
    headline = session("headline", THURSDAY, 9, type="HEADLINE")
    week = programme(
        session("welcome", MONDAY, 9),
        session("workshop", MONDAY, 11, type="workshop"),
        keynote,
        plenary,
        session("panel", TUESDAY, 14, type="panel"),
        headline,
        days={TUESDAY: "World Social Work Day", WEDNESDAY: "A day with no sessions"},
    )
    assert week_summary(week) == (
        DaySummary(MONDAY, None, 2, ()),
        DaySummary(TUESDAY, "World Social Work Day", 3, (keynote, plenary)),
        DaySummary(THURSDAY, None, 1, (headline,)),
    )


def test_a_session_counts_on_its_day_in_event_time() -> None:
    # 01:30 UTC on Tuesday is 21:30 on Monday in New York
    start = datetime(2023, 3, 21, 1, 30, tzinfo=UTC)
    late = session("late", TUESDAY, start=start, end=start + timedelta(hours=1), type="headline")
    early = session("early", TUESDAY, 14)  # 10:00 in New York
    summary = week_summary(programme(late, early, timezone="America/New_York"))
    assert [(day.day, day.count, day.featured) for day in summary] == [
        (MONDAY, 1, (late,)),
        (TUESDAY, 1, ()),
    ]


# --- week_note ----------------------------------------------------------------------------------

TWO_DAYS = programme(session("first", MONDAY), session("last", THURSDAY))


@pytest.mark.parametrize(
    ("today", "tense"),
    [
        (MONDAY - timedelta(days=30), "runs"),
        (MONDAY - timedelta(days=1), "runs"),
        (MONDAY, "is on now, running"),
        (TUESDAY, "is on now, running"),  # between its days, but within the week
        (THURSDAY, "is on now, running"),
        (THURSDAY + timedelta(days=1), "ran"),
    ],
)
def test_week_note_tense(today: date, tense: str) -> None:
    assert week_note(TWO_DAYS, today) == (
        f"Social Work Week {tense} 20 March–23 March 2023: 2 sessions over 2 days."
    )


def test_week_note_counts_in_the_singular() -> None:
    one = programme(session("only", WEDNESDAY))
    assert week_note(one, MONDAY) == (
        "Social Work Week runs 22 March–22 March 2023: 1 session over 1 day."
    )


def test_week_note_counts_a_session_held_twice_once() -> None:
    twice = programme(
        session("clinic-1", MONDAY, title="Clinic"), session("clinic-2", MONDAY, 14, title="Clinic")
    )
    assert week_note(twice, MONDAY).endswith(": 1 session over 1 day.")


# --- joining_note -------------------------------------------------------------------------------


def test_joining_online_sessions() -> None:
    online = programme(session("webinar", MONDAY, join_url="https://example.org/zoom"))
    assert joining_note(online) == (f"{ONLINE} {REGISTER}")


def test_joining_in_person_and_online_sessions_with_the_event_page() -> None:
    both = programme(
        session("webinar", MONDAY, join_url="https://example.org/zoom", location="Online"),
        session("talk", TUESDAY, location="Leeds"),
        url="https://example.org/week",
    )
    assert joining_note(both) == (
        f"{ONLINE} {IN_PERSON} {REGISTER} More about the week: https://example.org/week"
    )


def test_joining_in_person_sessions_only() -> None:
    in_person = programme(session("talk", MONDAY, location="Leeds"))
    note = joining_note(in_person)
    assert note.startswith(IN_PERSON)
    assert "Join online" not in note
    assert "More about the week" not in note


def test_joining_when_the_programme_says_nothing_of_places_or_links() -> None:
    assert joining_note(programme(session("talk", MONDAY))) == REGISTER_NO_LINK


def test_joining_in_person_sessions_promises_no_link() -> None:
    note = joining_note(programme(session("talk", MONDAY, location="Leeds")))
    assert "link" not in note

"""The iCalendar file, pure: parsed back with `icalendar`, it holds one event per entry with
a stable UID, times in the event's timezone (TZID, with its VTIMEZONE), the revision number
as SEQUENCE, where and how to join, and a cancelled session marked cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.calendar.feed import FeedEntry, calendar_file, description, fingerprint, last_seen
from bot.programme import Session, Speaker

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2023, 3, 21, 13, 0, tzinfo=UTC)


def make_session(session_id: str, start: datetime, **fields: object) -> Session:
    base: dict[str, object] = {
        "id": session_id,
        "title": f"Session {session_id}",
        "start": start,
        "end": start + timedelta(minutes=90),
    }
    return Session.model_validate(base | fields)


WEDNESDAY = make_session(
    "wed-court",
    datetime(2023, 3, 22, 9, 30, tzinfo=LONDON),
    title="Court skills, evidence & you",
    location="Leeds",
    join_url="https://example.org/join/court",
    host="Social Work England",
    speakers=[Speaker(name="Ann Lee", role="Chair", organisation="BASW")],
    description="How to give evidence. " * 100,
)
AFTER_THE_CLOCKS_CHANGE = make_session(
    "mon-online", datetime(2023, 3, 27, 12, 0, tzinfo=LONDON), join_url="https://example.org/j"
)


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def by_uid(calendar: Calendar) -> dict[str, Event]:
    return {str(event["UID"]): event for event in calendar.events}


def test_each_entry_is_an_event_in_the_events_timezone() -> None:
    ics = calendar_file(
        name="Social Work Week",
        tz=LONDON,
        entries=[FeedEntry(WEDNESDAY, sequence=0), FeedEntry(AFTER_THE_CLOCKS_CHANGE, 3)],
        stamp=STAMP,
    )
    calendar = parse(ics)
    assert str(calendar["X-WR-CALNAME"]) == "Social Work Week"
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in ics and b"X-PUBLISHED-TTL:PT1H" in ics
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert calendar.get_missing_tzids() == set()
    events = by_uid(calendar)
    assert set(events) == {"wed-court@socialworkweek-bot", "mon-online@socialworkweek-bot"}
    court, online = events["wed-court@socialworkweek-bot"], events["mon-online@socialworkweek-bot"]
    assert b"DTSTART;TZID=Europe/London:20230322T093000" in ics
    assert b"DTEND;TZID=Europe/London:20230322T110000" in ics
    assert b"DTSTART;TZID=Europe/London:20230327T120000" in ics  # BST: 11:00 UTC
    assert online.start == datetime(2023, 3, 27, 11, 0, tzinfo=UTC)
    assert isinstance(court.start, datetime) and str(court.start.tzinfo) == "Europe/London"
    assert court.end - court.start == timedelta(minutes=90)
    assert court["SEQUENCE"] == 0 and online["SEQUENCE"] == 3
    assert court.stamp == STAMP
    assert str(court["SUMMARY"]) == "Court skills, evidence & you"
    assert str(court["LOCATION"]) == "Leeds" and str(court["URL"]) == WEDNESDAY.join_url
    assert str(online["LOCATION"]) == "https://example.org/j"  # online only: its link
    assert str(court["STATUS"]) == "CONFIRMED"
    description = str(court["DESCRIPTION"])
    assert description.startswith("With Ann Lee (Chair, BASW)\n\nHosted by Social Work England")
    assert description.endswith("Join online: https://example.org/join/court")
    assert len(description) < 800  # the long description is shortened


def test_a_description_is_plain_text_in_calendars() -> None:
    """Descriptions are Slack mrkdwn; a calendar shows a link's words and address, and `&`."""
    boxes = WEDNESDAY.model_copy(
        update={"description": "With <https://festi.info/boxes.py/|Boxes.py> &amp; a laser."}
    )
    assert description(boxes).endswith(
        "With Boxes.py (https://festi.info/boxes.py/) & a laser.\n\n"
        "Join online: https://example.org/join/court"
    )


def test_a_cancelled_session_is_marked_cancelled() -> None:
    ics = calendar_file(
        name="SWW", tz=LONDON, entries=[FeedEntry(WEDNESDAY, 2, cancelled=True)], stamp=STAMP
    )
    (event,) = parse(ics).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 2
    assert str(event["SUMMARY"]) == "Cancelled: Court skills, evidence & you"
    assert str(event["DESCRIPTION"]).startswith("This session has been cancelled.")


def test_a_calendar_without_sessions_is_still_a_calendar() -> None:
    calendar = parse(calendar_file(name="SWW", tz=LONDON, entries=[], stamp=STAMP))
    assert calendar.walk("VEVENT") == [] and str(calendar["X-WR-CALNAME"]) == "SWW"


def test_the_fingerprint_changes_with_what_a_calendar_shows_only() -> None:
    base = fingerprint(WEDNESDAY)
    assert base == fingerprint(WEDNESDAY.model_copy())
    later = WEDNESDAY.model_copy(update={"start": WEDNESDAY.start + timedelta(hours=1),
                                         "end": WEDNESDAY.end + timedelta(hours=1)})  # fmt: skip
    moved = WEDNESDAY.model_copy(update={"location": "Bristol"})
    renamed = WEDNESDAY.model_copy(update={"title": "Court skills"})
    relinked = WEDNESDAY.model_copy(update={"join_url": "https://example.org/new"})
    reworded = WEDNESDAY.model_copy(update={"description": "Something else."})
    changed = {fingerprint(s) for s in (later, moved, renamed, relinked)}
    assert len(changed | {base, fingerprint(WEDNESDAY, cancelled=True)}) == 6
    assert fingerprint(reworded) == base


def test_a_session_can_be_drawn_again_from_its_fingerprint() -> None:
    seen = last_seen(WEDNESDAY.id, fingerprint(WEDNESDAY, cancelled=True))
    assert seen is not None
    assert (seen.title, seen.start, seen.end) == (WEDNESDAY.title, WEDNESDAY.start, WEDNESDAY.end)
    assert (seen.location, seen.join_url) == (WEDNESDAY.location, WEDNESDAY.join_url)
    for unreadable in ("", "{}", "0" * 32, '{"title": 1}'):
        assert last_seen("x", unreadable) is None

"""Each person's calendar, through the real bot: the feed holds their registered sessions
only (not their waitlist places) and follows every change: a new registration, leaving, a
session moved (new times, SEQUENCE raised) or cancelled (marked so). The link is private,
one per person, and a reset stops the old one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar, Event

from bot.calendar import Calendar as Calendars
from bot.records import MemoryStore
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body
from tests.support.live_programme import write_programme

PUBLIC_URL = "https://bot.example.org"
SESSIONS: list[dict[str, Any]] = [
    {"id": "wed-court", "title": "Court skills", "start": "2023-03-22T09:30:00",
     "end": "2023-03-22T11:00:00", "location": "Leeds",
     "join_url": "https://example.org/join/court"},
    {"id": "wed-racism", "title": "Racism in practice", "start": "2023-03-22T14:00:00",
     "end": "2023-03-22T15:00:00", "join_url": "https://example.org/join/racism"},
    {"id": "thu-full", "title": "Full house", "start": "2023-03-23T10:00:00",
     "end": "2023-03-23T11:00:00", "capacity": 1},
]  # fmt: skip


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    path = tmp_path / "programme.json"
    write_programme(path, SESSIONS)
    return path


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"public_url": PUBLIC_URL}


def register(bot: RunningBot, session_id: str, user_id: str = "U1") -> None:
    reply = ack_body(bot.send.command("/register", session_id, user_id=user_id))
    assert "You're" in reply["text"] or "waitlist" in reply["text"], reply["text"]


def token_of(link: str | None) -> str:
    assert link is not None
    match = re.fullmatch(re.escape(PUBLIC_URL) + r"/calendar/([A-Za-z0-9_-]+)\.ics", link)
    assert match, link
    return match[1]


def feed(bot: RunningBot, user_id: str = "U1") -> tuple[bytes, dict[str, Event]]:
    """The person's feed, as their calendar app reads it, and its events by session id."""
    ics = bot.parts.calendar.feed(token_of(bot.parts.calendar.link(user_id)))
    assert ics is not None
    events = Calendar.from_ical(ics).events
    return ics, {str(e["UID"]).removesuffix("@socialworkweek-bot"): e for e in events}


def test_the_feed_holds_the_persons_registered_sessions_only(bot: RunningBot) -> None:
    register(bot, "thu-full", user_id="U2")  # takes the only place
    for session_id in ("wed-court", "thu-full"):  # ...so U1 is on its waitlist
        register(bot, session_id)
    ics, events = feed(bot)
    assert list(events) == ["wed-court"]
    court = events["wed-court"]
    assert b"DTSTART;TZID=Europe/London:20230322T093000" in ics
    assert b"DTEND;TZID=Europe/London:20230322T110000" in ics
    assert str(court["SUMMARY"]) == "Court skills" and str(court["LOCATION"]) == "Leeds"
    assert str(court["URL"]) == "https://example.org/join/court"
    assert court["SEQUENCE"] == 0
    token = token_of(bot.parts.calendar.link("U1"))
    assert b"U1" not in ics and b"U2" not in ics and token.encode() not in ics
    _, theirs = feed(bot, "U2")
    assert list(theirs) == ["thu-full"]  # the same UID scheme, their own sessions


def test_the_feed_follows_registrations(bot: RunningBot) -> None:
    register(bot, "wed-court")
    assert list(feed(bot)[1]) == ["wed-court"]
    register(bot, "wed-racism")
    _, events = feed(bot)
    assert list(events) == ["wed-court", "wed-racism"]
    assert str(events["wed-racism"]["LOCATION"]) == "https://example.org/join/racism"
    ack_body(bot.send.command("/unregister", "wed-court", user_id="U1"))
    assert list(feed(bot)[1]) == ["wed-racism"]


def test_a_moved_session_has_its_new_times_and_a_higher_sequence(
    bot: RunningBot, programme_path: Path
) -> None:
    register(bot, "wed-court")
    register(bot, "wed-racism")
    assert feed(bot)[1]["wed-court"]["SEQUENCE"] == 0
    assert feed(bot)[1]["wed-court"]["SEQUENCE"] == 0  # read again: nothing changed
    moved = [{**SESSIONS[0], "start": "2023-03-22T12:30:00", "end": "2023-03-22T14:00:00"},
             *SESSIONS[1:]]  # fmt: skip
    write_programme(programme_path, moved)
    assert bot.parts.reloader.reload()
    ics, events = feed(bot)
    assert b"DTSTART;TZID=Europe/London:20230322T123000" in ics
    assert b"DTEND;TZID=Europe/London:20230322T140000" in ics
    assert events["wed-court"]["SEQUENCE"] == 1
    assert events["wed-racism"]["SEQUENCE"] == 0  # untouched
    assert feed(bot)[1]["wed-court"]["SEQUENCE"] == 1  # and it stays there
    relocated = [{**moved[0], "location": "Bristol"}, *SESSIONS[1:]]
    write_programme(programme_path, relocated)
    assert bot.parts.reloader.reload()
    court = feed(bot)[1]["wed-court"]
    assert court["SEQUENCE"] == 2 and str(court["LOCATION"]) == "Bristol"


def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(
    bot: RunningBot, programme_path: Path
) -> None:
    register(bot, "wed-court")
    register(bot, "wed-racism")
    assert feed(bot)[1]["wed-court"]["SEQUENCE"] == 0
    write_programme(programme_path, SESSIONS[1:])  # wed-court is removed from the programme
    assert bot.parts.reloader.reload()
    _, events = feed(bot)
    court = events["wed-court"]
    assert str(court["STATUS"]) == "CANCELLED" and court["SEQUENCE"] == 1
    assert str(events["wed-racism"]["STATUS"]) == "CONFIRMED"
    write_programme(programme_path, SESSIONS)  # and it comes back
    assert bot.parts.reloader.reload()
    court = feed(bot)[1]["wed-court"]
    assert str(court["STATUS"]) == "CONFIRMED" and court["SEQUENCE"] == 2


def test_a_session_cancelled_while_the_bot_was_down_is_marked_cancelled(
    served_bot: RunningBot, programme_path: Path
) -> None:
    register(served_bot, "wed-court")
    assert feed(served_bot)[1]["wed-court"]["SEQUENCE"] == 0  # what the calendar app saw
    served_bot.parts.close()  # the bot stops...
    write_programme(programme_path, SESSIONS[1:])  # ...the session is removed meanwhile...
    restarted = served_bot.restart()  # ...and it starts again
    try:
        ics = restarted.calendar.feed(token_of(restarted.calendar.link("U1")))
        assert ics is not None
        (court,) = Calendar.from_ical(ics).events
        assert str(court["UID"]) == "wed-court@socialworkweek-bot"
        assert str(court["STATUS"]) == "CANCELLED" and court["SEQUENCE"] == 1
        assert b"DTSTART;TZID=Europe/London:20230322T093000" in ics  # the times it had
        assert str(court["LOCATION"]) == "Leeds"
    finally:
        restarted.close()


def test_one_private_link_per_person_until_it_is_reset(bot: RunningBot) -> None:
    calendar = bot.parts.calendar
    register(bot, "wed-court")
    first = calendar.link("U1")
    assert calendar.link("U1") == first  # made once, then kept
    assert calendar.link("U2") != first
    token = token_of(first)
    assert len(token) >= 32  # at least 128 bits, URL-safe
    assert bot.store.calendar_owner(token=token) == "U1"
    new = calendar.reset("U1")
    assert new != first and calendar.link("U1") == new
    assert calendar.feed(token) is None  # the old link finds nothing
    assert calendar.feed(token_of(new)) is not None


@pytest.mark.parametrize(
    "token", ["", "x", "A" * 43, "../../etc/passwd", "A" * 42 + "!", "A" * 500, "U1"]
)
def test_unknown_or_malformed_tokens_find_nothing(bot: RunningBot, token: str) -> None:
    register(bot, "wed-court")
    bot.parts.calendar.link("U1")
    assert bot.parts.calendar.feed(token) is None


def test_without_a_public_url_there_is_no_link_and_no_token(bot: RunningBot) -> None:
    store = MemoryStore()
    calendar = Calendars(store=store, current=bot.parts.current, url=None, clock=bot.clock)
    assert calendar.link("U1") is None and calendar.reset("U1") is None
    assert store.calendar_token(user_id="U1") is None

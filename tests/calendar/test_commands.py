"""`/mysessions calendar` and `/mysessions calendar reset`: with PUBLIC_URL, the person's
private feed link and how to subscribe (and a new link that stops the old one); without it,
an .ics file of their sessions in their DM. `/mysessions` alone keeps showing the agenda,
with the feed's link when there is one; anything else gets a short help line."""

from __future__ import annotations

import re
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body

PUBLIC_URL = "https://bot.example.org"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/calendar/[A-Za-z0-9_-]{32,}\.ics")


def register(bot: RunningBot, *session_ids: str, user_id: str = "U1") -> None:
    for session_id in session_ids:
        ack_body(bot.send.command("/register", session_id, user_id=user_id))


def mysessions(bot: RunningBot, text: str, user_id: str = "U1") -> dict[str, Any]:
    return ack_body(bot.send.command("/mysessions", text, user_id=user_id))


# --- without PUBLIC_URL: a file in the DM ------------------------------------------------------


def test_without_a_public_url_the_calendar_is_sent_as_a_file(bot: RunningBot) -> None:
    register(bot, "wed-stereotypes", "fri-court-skills")
    reply = mysessions(bot, "calendar")
    assert reply["text"].startswith("I've sent your calendar to our DM")
    assert reply["response_type"] == "ephemeral"
    (complete,) = bot.slack.wait_for("files.completeUploadExternal")
    (opened,) = bot.slack.calls_to("conversations.open")
    assert opened.args["users"] == "U1"
    assert complete.args["channel_id"].startswith("D")
    (content,) = bot.slack.uploads.values()
    calendar = Calendar.from_ical(content)
    uids = sorted(str(event["UID"]) for event in calendar.walk("VEVENT"))
    assert uids == ["fri-court-skills@socialworkweek-bot", "wed-stereotypes@socialworkweek-bot"]
    assert b"DTSTART;TZID=Europe/London:" in content and b"U1" not in content
    assert str(calendar["X-WR-CALNAME"]) == bot.parts.current.programme.event.name


def test_an_upload_slack_refuses_is_apologised_for(bot: RunningBot) -> None:
    register(bot, "wed-stereotypes")
    refused = {"ok": False, "error": "not_allowed_token_type"}
    bot.slack.fail_next("files.getUploadURLExternal", status=200, body=refused)
    reply = mysessions(bot, "calendar")
    assert reply["text"].startswith("I've sent your calendar to our DM")
    (apology,) = bot.slack.wait_for_response()
    assert apology.payload["text"].startswith("Sorry, something went wrong on my side.")
    assert bot.slack.uploads == {}
    assert bot.store.seats_of(user_id="U1")  # nothing lost


def test_reset_without_a_public_url_sends_the_file_too(bot: RunningBot) -> None:
    register(bot, "wed-stereotypes")
    assert mysessions(bot, "calendar reset")["text"].startswith("I've sent your calendar")
    bot.slack.wait_for("files.completeUploadExternal")


def test_with_no_sessions_nothing_is_sent(bot: RunningBot) -> None:
    reply = mysessions(bot, "calendar")
    assert reply["text"].startswith("You have no sessions yet")
    assert bot.parts.settle()  # the work after the acknowledgement is done
    assert bot.slack.calls_to("files.getUploadURLExternal") == []
    assert bot.slack.calls_to("conversations.open") == []


def test_the_agenda_has_no_calendar_link_without_a_public_url(bot: RunningBot) -> None:
    register(bot, "wed-stereotypes")
    reply = mysessions(bot, "")
    assert reply["blocks"][0]["text"]["text"] == "Your sessions"
    assert ":calendar:" not in str(reply) and "bot.example.org" not in str(reply)
    assert "Add to calendar" in str(reply)  # the links that need no server are there
    assert bot.store.calendar_token(user_id="U1") is None


@pytest.mark.parametrize("text", ["help", "calendar please", "reset", "tuesday", "new"])
def test_anything_else_gets_a_short_help_line(bot: RunningBot, text: str) -> None:
    reply = mysessions(bot, text)
    assert reply["text"].startswith("`/mysessions` lists your sessions")
    assert "`/mysessions calendar reset`" in reply["text"]


# --- with PUBLIC_URL: a private feed -----------------------------------------------------------


class TestWithPublicUrl:
    @pytest.fixture
    def settings_overrides(self) -> dict[str, Any]:
        return {"public_url": PUBLIC_URL}

    def test_calendar_gives_the_link_and_how_to_subscribe(self, bot: RunningBot) -> None:
        register(bot, "wed-stereotypes")
        reply = mysessions(bot, "Calendar")
        text = reply["blocks"][0]["text"]["text"]
        (link,) = LINK.findall(text)
        assert link == bot.parts.calendar.link("U1")
        assert "From URL" in text and "Subscribe from web" in text
        assert "`/mysessions calendar reset`" in text
        assert LINK.findall(reply["text"]) == [link]  # the notification text too
        assert bot.parts.settle()
        assert bot.slack.calls_to("files.getUploadURLExternal") == []  # no file
        token = link.rsplit("/", 1)[1].removesuffix(".ics")
        assert bot.parts.calendar.feed(token) is not None

    @pytest.mark.parametrize("text", ["calender", "cal", "ics", "calendar link"])
    def test_calendar_as_people_type_it(self, bot: RunningBot, text: str) -> None:
        assert LINK.findall(mysessions(bot, text)["text"]) == [bot.parts.calendar.link("U1")]

    def test_reset_gives_a_new_link_and_the_old_one_stops(self, bot: RunningBot) -> None:
        register(bot, "wed-stereotypes")
        (old,) = LINK.findall(mysessions(bot, "calendar")["text"])
        reply = mysessions(bot, "Calender  reset")
        (new,) = LINK.findall(reply["text"])
        assert new != old and "stopped working" in reply["text"]
        calendar = bot.parts.calendar
        assert calendar.feed(old.rsplit("/", 1)[1].removesuffix(".ics")) is None
        assert calendar.feed(new.rsplit("/", 1)[1].removesuffix(".ics")) is not None
        assert LINK.findall(mysessions(bot, "calendar")["text"]) == [new]

    def test_the_agenda_ends_with_the_calendar_link(self, bot: RunningBot) -> None:
        register(bot, "wed-stereotypes")
        reply = mysessions(bot, "")
        last = reply["blocks"][-1]
        assert last["type"] == "context"
        assert LINK.findall(last["elements"][0]["text"]) == [bot.parts.calendar.link("U1")]
        assert any("Add to calendar" in str(block) for block in reply["blocks"][1:-1])

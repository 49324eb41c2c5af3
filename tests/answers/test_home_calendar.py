"""App Home with PUBLIC_URL set: the person's own calendar link, the same as `/mysessions`'s."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"public_url": "https://bot.example.org"}


def test_home_shows_the_private_calendar_link(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "stereotypes", user_id="U1"))
    bot.send.event({"type": "app_home_opened", "user": "U1", "channel": "D0U1", "tab": "home"})
    (publish,) = bot.slack.wait_for("views.publish")
    text = json.dumps(publish.args["view"]["blocks"])
    (token,) = re.findall(r"https://bot\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics", text)
    assert bot.store.calendar_owner(token=token) == "U1"
    agenda = ack_body(bot.send.command("/mysessions", user_id="U1"))
    assert f"/calendar/{token}.ics" in json.dumps(agenda["blocks"])  # one link per person
    feed = bot.parts.calendar.feed(token)
    assert feed is not None
    (event,) = Calendar.from_ical(feed).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Smashing stereotypes in the profession"

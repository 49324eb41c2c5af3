from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.blocks import ids
from bot.blocks.reminders import change_news, reminder_message, starting_soon_message
from bot.blocks.values import read_button_value
from bot.programme import Session
from bot.programme.diff import SessionChange
from tests.blocks.test_sessions import assert_valid_message

LONDON = ZoneInfo("Europe/London")
START = datetime(2023, 3, 21, 12, 30, tzinfo=LONDON)
SESSION = Session.model_validate(
    {"id": "tue", "title": "Racism & practice", "start": START,
     "end": START + timedelta(hours=1, minutes=30), "location": "Leeds"}
)  # fmt: skip


def test_reminder_has_the_time_left_the_place_and_an_unregister_button() -> None:
    message = reminder_message(SESSION, LONDON, starts="starts in 15 minutes")
    assert_valid_message(message.blocks, message.text)
    assert message.text == "Racism &amp; practice starts in 15 minutes. Leeds"
    assert message.blocks[0]["text"]["text"] == (
        ":alarm_clock: *Racism &amp; practice* starts in 15 minutes."
    )
    button = message.blocks[1]["accessory"]
    assert button["action_id"] == ids.SESSION_UNREGISTER
    origin, session_id = read_button_value(button["value"])
    assert (origin.view, session_id) == ("reminder", "tue")


def test_starting_soon_offers_registering_to_the_channel() -> None:
    message = starting_soon_message(SESSION, LONDON, starts="starts in 15 minutes", registered=12)
    assert_valid_message(message.blocks, message.text)
    button = message.blocks[1]["accessory"]
    assert button["action_id"] == ids.SESSION_REGISTER
    assert read_button_value(button["value"])[0].view == "channel"
    assert message.blocks[2]["elements"][0]["text"] == "12 registered."


def test_change_news_says_what_changed() -> None:
    moved = SESSION.model_copy(
        update={"start": START + timedelta(minutes=30), "end": START + timedelta(hours=2),
                "location": "Bristol"}
    )  # fmt: skip
    news = change_news(SessionChange(SESSION, moved), LONDON)
    assert_valid_message(news.blocks, news.text)
    assert news.text.splitlines() == [
        ":pencil2: Racism &amp; practice has changed:",
        "Time: Tue 21 Mar, 12:30–14:00 GMT → Tue 21 Mar, 13:00–14:30 GMT",
        "Place: Leeds → Bristol",
    ]
    cancelled = change_news(SessionChange(SESSION, None), LONDON)
    assert cancelled.text == (
        ":no_entry: Racism &amp; practice (Tue 21 Mar, 12:30–14:00 GMT) has been cancelled. Sorry."
    )

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks import ids
from bot.blocks.values import read_button_value
from bot.programme import Session
from bot.reminders.messages import (
    reminder_message,
    reminder_settings,
    reminders_problem,
    reminders_stopped,
    starting_soon_message,
)
from bot.standin.block_rules import block_problems
from tests.registrations.test_sessions import assert_valid_message

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


# --- the day-before wording, "Stop reminders", and the `/reminders` settings -----------------


def test_a_reminder_a_day_before_names_the_day_in_each_readers_own_time() -> None:
    message = reminder_message(SESSION, LONDON, starts="starts tomorrow at 12:30", dated=True)
    assert_valid_message(message.blocks, message.text)
    assert block_problems(message.blocks, limit=50) == []
    assert message.text == "Racism &amp; practice starts tomorrow at 12:30. Leeds"
    stamp = int(START.timestamp())
    assert message.blocks[0]["text"]["text"] == (
        f":alarm_clock: *Racism &amp; practice* <!date^{stamp}^starts {{date_pretty}} at "
        "{time}|starts tomorrow at 12:30>."
    )


def test_a_countdown_keeps_its_words() -> None:
    message = reminder_message(SESSION, LONDON, starts="starts in 15 minutes")
    assert "<!date^" not in message.blocks[0]["text"]["text"]


def test_every_reminder_has_a_stop_button() -> None:
    message = reminder_message(SESSION, LONDON, starts="starts in 15 minutes")
    (stop,) = message.blocks[-1]["elements"]
    assert (stop["action_id"], stop["text"]["text"]) == (ids.REMINDERS_STOP, "Stop reminders")


def test_stopping_keeps_the_reminder_and_says_how_to_turn_them_back_on() -> None:
    reminder = reminder_message(SESSION, LONDON, starts="starts in 15 minutes")
    # Slack sends the message back with the press, each block with an id of its own.
    sent_back = {"text": reminder.text, "blocks": [
        {**block, "block_id": f"b{n}"} for n, block in enumerate(reminder.blocks)
    ]}  # fmt: skip
    stopped = reminders_stopped(sent_back)
    assert block_problems(stopped.blocks, limit=50) == []
    assert stopped.blocks[:2] == sent_back["blocks"][:2]  # the reminder and its Unregister
    assert ids.REMINDERS_STOP not in str(stopped.blocks)
    assert stopped.blocks[-1]["elements"][0]["text"] == (
        ":no_bell: Reminders are off. `/reminders on` to turn them back on."
    )
    assert stopped.text.startswith(reminder.text)
    assert reminders_stopped({"text": stopped.text, "blocks": stopped.blocks}) == stopped


PLANNED = (86400, 900)


def buttons_of(message_blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    row = next(b for b in message_blocks if b["type"] == "actions")
    return {e["text"]["text"]: e for e in row["elements"]}


def test_settings_show_the_choice_with_on_off_and_a_toggle_per_reminder() -> None:
    message = reminder_settings((900,), PLANNED)
    assert block_problems(message.blocks, limit=50) == []
    assert message.blocks[0]["text"]["text"] == (
        ":bell: You get reminders *15 minutes* before each of your sessions, no others."
    )
    buttons = buttons_of(message.blocks)
    assert list(buttons) == ["On", "Off", "1 day before", "✓ 15 minutes before"]
    assert buttons["✓ 15 minutes before"]["style"] == "primary"
    assert "style" not in buttons["1 day before"] and "style" not in buttons["On"]
    assert buttons["1 day before"]["action_id"] == ids.numbered(ids.REMINDERS_OFFSET, 1)
    assert buttons["1 day before"]["value"] == "86400"


def test_settings_when_off_and_just_saved() -> None:
    message = reminder_settings((), PLANNED, saved=True)
    assert message.text == "Saved. Your reminders are off."
    assert message.blocks[0]["text"]["text"] == ":white_check_mark: Your reminders are *off*."
    assert buttons_of(message.blocks)["Off"]["style"] == "primary"
    assert message.blocks[-1]["elements"][0]["text"] == "`/reminders on` to turn them back on."


def test_with_one_reminder_planned_there_is_nothing_to_toggle() -> None:
    assert list(buttons_of(reminder_settings(None, (900,)).blocks)) == ["On", "Off"]


def test_a_problem_is_shown_escaped() -> None:
    message = reminders_problem("I didn't understand “<!channel>”.")
    assert message.blocks[0]["text"]["text"] == "I didn't understand “&lt;!channel&gt;”."

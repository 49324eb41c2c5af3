"""The reminder buttons: On, Off and the toggles under `/reminders`, redrawn in place; and
"Stop reminders" under a real reminder DM, which keeps the reminder and stops the next."""

from __future__ import annotations

from typing import Any

from bot.blocks import ids
from bot.reminders.jobs import REMINDER
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, button_in, first_text, pressed
from tests.support.own_week import (
    DAY,
    LUNCH,
    QUARTER,
    clock,
    dms,
    programme_path,
    settings_overrides,
    wait_until,
)

__all__ = ["clock", "programme_path", "settings_overrides"]


def press(bot: RunningBot, message: dict[str, Any], action_id: str, count: int) -> dict[str, Any]:
    """Press a button of `message` as U1 would; the payload it was redrawn with."""
    url = bot.slack.response_url(f"r{count}")
    sent_back = {"type": "message", "ts": "1.0", "text": message["text"],
                 "blocks": message["blocks"]}  # fmt: skip
    result = bot.send.action([pressed(button_in(message, action_id))], user_id="U1",
                             channel_id="D0U1", message=sent_back, response_url=url)  # fmt: skip
    assert result.status == 200
    payload: dict[str, Any] = bot.slack.wait_for_response(count=count)[-1].payload
    return payload


def test_toggles_and_on_off_redraw_the_settings_in_place(bot: RunningBot) -> None:
    settings = ack_body(bot.send.command("/reminders", user_id="U1"))
    day_toggle = ids.numbered(ids.REMINDERS_OFFSET, 1)
    redrawn = press(bot, settings, day_toggle, 1)
    assert redrawn["replace_original"] is True
    assert bot.store.reminders_of(user_id="U1") == (900,)
    assert first_text(redrawn) == (
        ":white_check_mark: You get reminders *15 minutes* before each of your sessions, no others."
    )
    assert button_in(redrawn, day_toggle)["text"]["text"] == "1 day before"

    redrawn = press(bot, redrawn, ids.numbered(ids.REMINDERS_OFFSET, 2), 2)
    assert bot.store.reminders_of(user_id="U1") == ()  # the last one off: all off
    redrawn = press(bot, redrawn, ids.REMINDERS_ON, 3)
    assert bot.store.reminders_of(user_id="U1") is None
    redrawn = press(bot, redrawn, ids.REMINDERS_OFF, 4)
    assert bot.store.reminders_of(user_id="U1") == ()
    assert first_text(redrawn) == ":white_check_mark: Your reminders are *off*."


def test_a_toggle_for_a_reminder_no_longer_planned_changes_nothing(bot: RunningBot) -> None:
    settings = ack_body(bot.send.command("/reminders", user_id="U1"))
    toggle = ids.numbered(ids.REMINDERS_OFFSET, 1)
    stale = {**settings, "blocks": [
        {**b, "elements": [{**e, "value": "3600"} if e["action_id"] == toggle else e
                           for e in b["elements"]]} if b["type"] == "actions" else b
        for b in settings["blocks"]
    ]}  # fmt: skip
    press(bot, stale, toggle, 2)  # a notice, then the settings as they stand
    notice = bot.slack.responses[0].payload
    assert notice["text"] == "That reminder is no longer offered, so nothing changed."
    assert bot.store.reminders_of(user_id="U1") is None


def test_stop_reminders_on_a_real_reminder_stops_the_next_one(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", LUNCH, user_id="U1"))
    bot.parts.reminders.run(LUNCH, DAY)  # Tuesday 12:30: a day before Wednesday 12:30
    wait_until(lambda: len(dms(bot, "U1")) == 1)
    (reminder,) = dms(bot, "U1")
    # The day before: words in the event's time for notifications; each reader's own in blocks.
    assert reminder["text"] == "Lunch and learn starts tomorrow at 12:30. Leeds"
    lead = reminder["blocks"][0]["text"]["text"]
    assert "<!date^" in lead and "|starts tomorrow at 12:30>" in lead

    stopped = press(bot, reminder, ids.REMINDERS_STOP, 1)
    assert bot.store.reminders_of(user_id="U1") == ()
    assert stopped["replace_original"] is True
    assert stopped["blocks"][0]["text"]["text"] == lead  # the reminder is still there
    assert stopped["blocks"][-1]["elements"][0]["text"] == (
        ":no_bell: Reminders are off. `/reminders on` to turn them back on."
    )
    assert ids.REMINDERS_STOP not in str(stopped["blocks"])

    bot.parts.reminders.run(LUNCH, QUARTER)
    wait_until(lambda: bot.store.counts(kind=REMINDER, subject=LUNCH).settled == 2)
    assert bot.store.counts(kind=REMINDER, subject=LUNCH).cancelled == 1
    assert len(dms(bot, "U1")) == 1

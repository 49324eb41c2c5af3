"""Reminders end to end, on real time through the fake Slack: at the right moments, to the
right people, exactly once across restarts, caught up when missed, never late floods."""

from __future__ import annotations

import time

from bot.app import Bot
from tests.conftest import ANNOUNCEMENTS, RunningBot
from tests.listeners.helpers import ack_body
from tests.support.live_programme import dms, wait_until


def test_each_registrant_is_reminded_at_each_offset_once(bot: RunningBot, parts: Bot) -> None:
    for user in ("U1", "U2"):
        ack_body(bot.send.command("/register", "soon", user_id=user))
    parts.start()
    wait_until(lambda: len(dms(bot, "U1")) == 2 and len(dms(bot, "U2")) == 2)
    # Seconds ahead is "now" in words; the Slack date in the blocks gives the exact time.
    assert dms(bot, "U1") == ["Session soon starts now. Leeds"] * 2
    reminder = next(c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "U1")
    button = reminder.args["blocks"][1]["accessory"]
    assert button["text"]["text"] == "Unregister"
    wait_until(lambda: any(c.args["channel"] == ANNOUNCEMENTS
                           for c in bot.slack.calls_to("chat.postMessage")))  # fmt: skip
    soon = [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == ANNOUNCEMENTS]
    assert len(soon) == 1 and soon[0].args["text"].startswith("Starting soon: Session soon")
    time.sleep(1.5)
    assert len(dms(bot, "U1")) == 2 and len(dms(bot, "U2")) == 2


def test_exactly_once_across_a_restart_between_reminders(served_bot: RunningBot) -> None:
    bot = served_bot
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    bot.parts.start()
    wait_until(lambda: len(dms(bot, "U1")) == 1)  # the 2-second reminder
    second = bot.restart()  # rebuilt from the programme and the store
    try:
        wait_until(lambda: len(dms(bot, "U1")) == 2)  # the 1-second reminder, once
        time.sleep(1.5)
        assert len(dms(bot, "U1")) == 2
    finally:
        second.close()


def test_a_missed_moment_is_caught_up_once_before_the_start(bot: RunningBot, parts: Bot) -> None:
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    time.sleep(2.2)  # the bot is "down" past both moments, but the session has not started
    parts.start()
    wait_until(lambda: len(dms(bot, "U1")) == 1)
    time.sleep(1.0)
    assert len(dms(bot, "U1")) == 1  # one catch-up, not one per missed offset
    assert dms(bot, "U1") == ["Session soon starts now. Leeds"]


def test_after_the_start_missed_reminders_are_skipped(bot: RunningBot, parts: Bot) -> None:
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    time.sleep(3.2)
    parts.start()
    time.sleep(1.0)
    assert dms(bot, "U1") == []


def test_registering_after_a_moment_brings_no_late_reminder(bot: RunningBot, parts: Bot) -> None:
    parts.start()
    time.sleep(1.3)  # the 2-second reminder's moment has passed
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    wait_until(lambda: len(dms(bot, "U1")) == 1)  # only the 1-second reminder
    time.sleep(1.2)
    assert len(dms(bot, "U1")) == 1


def test_a_user_who_cannot_be_messaged_does_not_stop_the_others(
    bot: RunningBot, parts: Bot
) -> None:
    for user in ("U1", "U2", "U3"):
        ack_body(bot.send.command("/register", "soon", user_id=user))
    bot.slack.unreachable_users.add("U2")
    parts.start()
    wait_until(lambda: len(dms(bot, "U1")) == 2 and len(dms(bot, "U3")) == 2)
    assert dms(bot, "U2") == []

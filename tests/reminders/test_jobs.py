"""Reminders end to end through the fake Slack, on the bot's clock moved by each test: at the
right moments, to the right people, exactly once across restarts, caught up when missed, never
late floods."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.conftest import ANNOUNCEMENTS, Clock, RunningBot
from tests.conftest import move_clock as move
from tests.listeners.helpers import ack_body
from tests.support.live_programme import dms

MINUTE = timedelta(minutes=1)


def register(bot: RunningBot, *users: str) -> None:
    for user in users:
        ack_body(bot.send.command("/register", "soon", user_id=user))


def test_each_registrant_is_reminded_at_each_offset_once(
    bot: RunningBot, clock: Clock, start: datetime
) -> None:
    register(bot, "U1", "U2")
    bot.parts.start()
    move(clock, bot.parts, start - 16 * MINUTE)
    assert dms(bot, "U1") == dms(bot, "U2") == []  # not yet
    move(clock, bot.parts, start - 15 * MINUTE)
    assert dms(bot, "U1") == dms(bot, "U2") == ["Session soon starts in 15 minutes. Leeds"]
    reminder = next(c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "U1")
    button = reminder.args["blocks"][1]["accessory"]
    assert button["text"]["text"] == "Unregister"
    move(clock, bot.parts, start - 5 * MINUTE)
    assert dms(bot, "U1")[1:] == dms(bot, "U2")[1:] == ["Session soon starts in 5 minutes. Leeds"]
    soon = [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == ANNOUNCEMENTS]
    assert len(soon) == 1 and soon[0].args["text"].startswith("Starting soon: Session soon")
    move(clock, bot.parts, start + MINUTE)
    assert len(dms(bot, "U1")) == len(dms(bot, "U2")) == 2


def test_exactly_once_across_a_restart_between_reminders(
    served_bot: RunningBot, clock: Clock, start: datetime
) -> None:
    bot = served_bot
    register(bot, "U1")
    bot.parts.start()
    move(clock, bot.parts, start - 15 * MINUTE)
    assert len(dms(bot, "U1")) == 1
    move(clock, bot.parts, start - 10 * MINUTE)
    second = bot.restart()  # rebuilt from the programme and the store
    try:
        move(clock, second, start - 5 * MINUTE)
        assert len(dms(bot, "U1")) == 2  # the 5-minute reminder, once
        move(clock, second, start + MINUTE)
        assert len(dms(bot, "U1")) == 2
    finally:
        second.close()


def test_a_missed_moment_is_caught_up_once_before_the_start(
    bot: RunningBot, clock: Clock, start: datetime
) -> None:
    register(bot, "U1")
    clock.now = start - 2 * MINUTE  # the bot was "down" past both moments; not yet started
    bot.parts.start()
    assert bot.parts.settle()
    assert dms(bot, "U1") == ["Session soon starts in 2 minutes. Leeds"]  # one, not one each
    move(clock, bot.parts, start + MINUTE)
    assert len(dms(bot, "U1")) == 1


def test_after_the_start_missed_reminders_are_skipped(
    bot: RunningBot, clock: Clock, start: datetime
) -> None:
    register(bot, "U1")
    clock.now = start + MINUTE
    bot.parts.start()
    assert bot.parts.settle()
    assert dms(bot, "U1") == []


def test_registering_after_a_moment_brings_no_late_reminder(
    bot: RunningBot, clock: Clock, start: datetime
) -> None:
    bot.parts.start()
    move(clock, bot.parts, start - 10 * MINUTE)  # the 15-minute reminder's moment has passed
    register(bot, "U1")
    move(clock, bot.parts, start - 5 * MINUTE)
    assert dms(bot, "U1") == ["Session soon starts in 5 minutes. Leeds"]  # only that one
    move(clock, bot.parts, start + MINUTE)
    assert len(dms(bot, "U1")) == 1


def test_a_user_who_cannot_be_messaged_does_not_stop_the_others(
    bot: RunningBot, clock: Clock, start: datetime
) -> None:
    register(bot, "U1", "U2", "U3")
    bot.slack.unreachable_users.add("U2")
    bot.parts.start()
    move(clock, bot.parts, start - 5 * MINUTE)
    assert len(dms(bot, "U1")) == len(dms(bot, "U3")) == 2
    assert dms(bot, "U2") == []

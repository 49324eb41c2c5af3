"""Reminder choices honoured by the outbox when each reminder is sent: off, some, on; across a
restart of the bot on its durable store; and when changed after the batch was queued."""

from __future__ import annotations

import pytest

from bot.app import Bot
from bot.reminders.jobs import REMINDER
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body
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

# What the person typed, in order, and which reminders (seconds before) then reach them.
CHOICES = [
    (["off"], set()),
    (["15m"], {900}),
    (["off", "on"], {86400, 900}),
    (["1d"], {86400}),
]


def run_batches(parts: Bot) -> None:
    """Both of the lunch session's reminder batches, as the scheduler runs them."""
    parts.reminders.run(LUNCH, DAY)
    parts.reminders.run(LUNCH, QUARTER)


def settled(parts: Bot, people: int = 1) -> bool:
    """Every one of the lunch session's reminders, 2 per person, has been sent or cancelled."""
    counts = parts.store.counts(kind=REMINDER, subject=LUNCH)
    return counts.total == 2 * people and counts.pending == 0


def sent_offsets(parts: Bot, user: str) -> set[int]:
    """Which of `user`'s lunch reminders were sent, by offset in seconds."""
    found = set()
    for seconds in (86400, 900):
        entry = parts.store.entry(key=_key(parts, user, seconds))
        assert entry is not None
        if entry.status == "sent":
            found.add(seconds)
        else:
            assert entry.status == "cancelled"
    return found


def _key(parts: Bot, user: str, seconds: int) -> str:
    session = parts.current.programme.by_id[LUNCH]
    due = int(session.start.timestamp()) - seconds  # no clock change on the way
    return f"{REMINDER}|{LUNCH}|{user}|{seconds}:{due}"


@pytest.mark.parametrize(("typed", "expected"), CHOICES)
def test_choices_are_honoured_when_the_reminders_are_sent(
    bot: RunningBot, typed: list[str], expected: set[int]
) -> None:
    ack_body(bot.send.command("/register", LUNCH, user_id="U1"))
    ack_body(bot.send.command("/register", LUNCH, user_id="U2"))  # never chose: gets both
    for text in typed:
        ack_body(bot.send.command("/reminders", text, user_id="U1"))
    run_batches(bot.parts)
    wait_until(lambda: settled(bot.parts, people=2))
    assert sent_offsets(bot.parts, "U1") == expected
    assert len(dms(bot, "U1")) == len(expected)
    assert sent_offsets(bot.parts, "U2") == {86400, 900}


@pytest.mark.parametrize(("typed", "expected"), CHOICES)
def test_choices_hold_across_a_restart(
    served_bot: RunningBot, typed: list[str], expected: set[int]
) -> None:
    bot = served_bot
    ack_body(bot.send.command("/register", LUNCH, user_id="U1"))
    for text in typed:
        ack_body(bot.send.command("/reminders", text, user_id="U1"))
    restarted = bot.restart()  # a new bot on the same database file
    try:
        run_batches(restarted)
        wait_until(lambda: settled(restarted))
        assert sent_offsets(restarted, "U1") == expected
        assert len(dms(bot, "U1")) == len(expected)
    finally:
        restarted.close()


def test_a_choice_made_after_the_batch_was_queued_still_counts(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", LUNCH, user_id="U1"))
    bot.slack.fail_for("chat.postMessage", 1.0)  # Slack is down: the reminder waits, queued
    bot.parts.reminders.run(LUNCH, DAY)
    bot.slack.wait_for("chat.postMessage")  # it was drawn and tried once, while wanted
    ack_body(bot.send.command("/reminders", "off", user_id="U1"))
    wait_until(lambda: bot.store.counts(kind=REMINDER, subject=LUNCH).cancelled == 1)
    assert dms(bot, "U1") == []


def test_a_choice_made_while_the_bot_was_down_counts_after_the_restart(
    served_bot: RunningBot,
) -> None:
    bot = served_bot
    ack_body(bot.send.command("/register", LUNCH, user_id="U1"))
    bot.parts.outbox.close()  # the sender stops, as in a crash: the batch stays queued
    run_batches(bot.parts)
    assert bot.store.counts(kind=REMINDER, subject=LUNCH).pending == 2
    ack_body(bot.send.command("/reminders", "15m", user_id="U1"))
    restarted = bot.restart()
    try:
        wait_until(lambda: settled(restarted))
        assert sent_offsets(restarted, "U1") == {900}
        assert len(dms(bot, "U1")) == 1
    finally:
        restarted.close()

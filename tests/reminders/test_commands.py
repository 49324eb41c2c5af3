"""`/reminders`: shown with buttons, changed (`on`, `off`, `15m`), explained; answered in the
acknowledgement once the choice is stored; bad input changes nothing and says why."""

from __future__ import annotations

import pytest

from bot.blocks import ids
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, first_text
from tests.support.own_week import clock, programme_path, settings_overrides

__all__ = ["clock", "programme_path", "settings_overrides"]


def action_ids(reply: dict[str, object]) -> list[str]:
    row = next(b for b in reply["blocks"] if b["type"] == "actions")  # type: ignore[attr-defined]
    return [e["action_id"] for e in row["elements"]]


def test_reminders_alone_shows_the_choice_with_buttons(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/reminders", user_id="U1"))
    assert reply["response_type"] == "ephemeral"
    assert first_text(reply) == (
        ":bell: Your reminders are *on*: 1 day and 15 minutes before each of your sessions."
    )
    assert action_ids(reply) == [
        ids.REMINDERS_ON, ids.REMINDERS_OFF,
        ids.numbered(ids.REMINDERS_OFFSET, 1), ids.numbered(ids.REMINDERS_OFFSET, 2),
    ]  # fmt: skip
    assert bot.store.reminders_of(user_id="U1") is None  # looking changes nothing


@pytest.mark.parametrize(
    ("text", "stored", "says"),
    [
        ("off", (), ":white_check_mark: Your reminders are *off*."),
        ("15m", (900,), ":white_check_mark: You get reminders *15 minutes* before each of "
                        "your sessions, no others."),
        ("1d", (86400,), ":white_check_mark: You get reminders *1 day* before each of your "
                         "sessions, no others."),
        ("1d 15m", None, ":white_check_mark: Your reminders are *on*: 1 day and 15 minutes "
                         "before each of your sessions."),
    ],
)  # fmt: skip
def test_a_choice_is_stored_then_confirmed(
    bot: RunningBot, text: str, stored: tuple[int, ...] | None, says: str
) -> None:
    reply = ack_body(bot.send.command("/reminders", text, user_id="U1"))
    assert first_text(reply) == says
    assert reply["text"].startswith("Saved. ")
    assert bot.store.reminders_of(user_id="U1") == stored


def test_on_after_off_turns_them_all_back_on(bot: RunningBot) -> None:
    ack_body(bot.send.command("/reminders", "off", user_id="U1"))
    reply = ack_body(bot.send.command("/reminders", "on", user_id="U1"))
    assert bot.store.reminders_of(user_id="U1") is None
    assert "*on*" in first_text(reply)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("3h", "There is no reminder 3 hours before a session. Reminders go 1 day and 15 "
               "minutes before a session; choose from those: `/reminders 15m`. Nothing changed."),
        ("banana", "I didn't understand “banana”. Try `/reminders on`, `/reminders off`, or "
                   "`/reminders 15m`. Nothing changed."),
        ("1d 3h", "There is no reminder 3 hours before a session. Reminders go 1 day and 15 "
                  "minutes before a session; choose from those: `/reminders 15m`. Nothing "
                  "changed."),  # all or nothing
    ],
)  # fmt: skip
def test_bad_input_says_why_and_changes_nothing(bot: RunningBot, text: str, says: str) -> None:
    ack_body(bot.send.command("/reminders", "15m", user_id="U1"))
    reply = ack_body(bot.send.command("/reminders", text, user_id="U1"))
    assert first_text(reply) == says
    assert "actions" not in str(reply["blocks"])
    assert bot.store.reminders_of(user_id="U1") == (900,)


def test_help_explains_each_form(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/reminders", "help", user_id="U1"))
    assert first_text(reply).splitlines() == [
        "I remind you 1 day and 15 minutes before each session you're registered for.",
        "`/reminders` shows your choice, with buttons.",
        "`/reminders off` stops them; `/reminders on` turns them all back on.",
        "`/reminders 15m` keeps only that one; name several with spaces: `/reminders 1d 15m`.",
    ]
    assert bot.store.reminders_of(user_id="U1") is None

"""Buttons in the console's replies are numbered; typing a number presses that button, as a
`block_actions` payload through the app, and what the bot answers is shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from bot.console.display import Shown
from bot.registrations.messages import home_view
from tests.console.conftest import StartConsole, squeeze, tuesday

RACISM = "Racism in the workplace, in communities and in practice"
CARE_LEAVERS = "Staying close: supporting care leavers into adulthood"


def test_pressing_a_number_presses_that_button(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(10, 30))
    reply = running.type("/sessions tuesday")
    assert "[1 Register]" in reply and "[3 Register]" in reply and "[4 " not in reply
    assert reply.index("[1 Register]") > reply.index(RACISM)  # in the order shown

    reply = running.type("1")
    assert f"You're registered for {RACISM}" in squeeze(reply)
    assert "[1 Unregister]" in reply and "[2 Register]" in reply
    assert running.console.bot.registrations.seats(user_id="U0CONSOLEUSER")

    reply = running.type("1")
    assert f"You're no longer registered for {RACISM}" in squeeze(reply)
    assert "[1 Register]" in reply


def test_numbers_restart_with_each_reply(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(10, 30))
    assert "[3 Register]" in running.type("/sessions tuesday")
    reply = running.type("/sessions care leavers")
    assert "[1 Register]" in reply and "[2 " not in reply

    assert running.type("3") == "That button is no longer shown.\n\n"
    assert running.type("12") == "There is no button 12.\n\n"
    assert not running.console.bot.registrations.seats(user_id="U0CONSOLEUSER")

    assert f"You're registered for {CARE_LEAVERS}" in squeeze(running.type("1"))


def test_a_reply_without_buttons_leaves_none_to_press(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(10, 30))
    running.type("/sessions tuesday")
    assert "[" not in running.type("hi")
    assert running.type("1") == "That button is no longer shown.\n\n"


def test_more_and_previous_show_other_pages(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(10, 30))
    first = running.type("/sessions sample")
    more = first.rsplit("[", 1)[1]
    assert more.endswith("More ›]\n\n")
    number = more.split()[0]

    second = running.type(number)
    assert "‹ Previous]" in second
    assert second.split("=====", 1)[1] != first.split("=====", 1)[1]


def test_a_button_on_the_home_tab_redraws_it(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(10, 30))
    running.type("/register care leavers")
    bot = running.console.bot
    agenda = bot.registrations.agenda(user_id="U0CONSOLEUSER")
    seats = bot.registrations.seats(user_id="U0CONSOLEUSER")
    view = home_view(agenda, [], seats, bot.current.programme.tz, examples=bot.current.examples)
    running.console.show(Shown(view, view=True, note="Home tab"))
    assert "[1 Unregister]" in running.screen.new()

    reply = running.type("1")
    assert reply.startswith("» Home tab\n")
    assert f"You're no longer registered for {CARE_LEAVERS}" in squeeze(reply)
    assert not bot.registrations.seats(user_id="U0CONSOLEUSER")


def test_the_payload_is_a_block_action_as_slack_sends_it(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(10, 30))
    seen: list[dict[str, Any]] = []

    def record(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        seen.append(body)
        return next()

    running.console.app.use(record)
    running.type("/sessions care leavers")
    running.type("1")

    body = seen[-1]
    assert body["type"] == "block_actions"
    assert body["user"]["id"] == "U0CONSOLEUSER"
    (action,) = body["actions"]
    assert action["action_id"].startswith("session_register")
    assert json.loads(action["value"])["s"] == "tue-care-leavers"
    assert body["response_url"].startswith(running.console.slack.base_url + "/response/")
    assert body["container"]["is_ephemeral"] is True

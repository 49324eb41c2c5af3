"""Registering by asking in a DM or an @mention ("sign me up for the racism one"), end to end:
signed events to the real app, replies through the fake Slack. One session clearly named is
registered as `/register` registers it; anything less is offered, with a line saying to press
Register."""

from __future__ import annotations

import pytest

from bot.blocks import ids
from tests.answers.test_questions import dm
from tests.conftest import RunningBot
from tests.listeners.helpers import first_text, pressed, session_buttons, titles

RACISM = "Racism in the workplace, in communities and in practice"


@pytest.mark.parametrize(
    "asked",
    [
        "register me for the racism one",
        "sign me up for racism",
        "book me on the racism session",
        "can I register for the racism session?",
        "I want to go to the racism one",
        "put me down for racism please",
    ],
)
def test_a_request_in_a_dm_registers_the_one_session_it_names(bot: RunningBot, asked: str) -> None:
    bot.send.event(dm(asked))
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.args["channel"] == "D0USER"
    assert first_text(call.args).startswith(f":white_check_mark: You're registered for *{RACISM}*")
    assert call.args["text"].startswith(f":white_check_mark: You're registered for *{RACISM}*")
    assert "Tue 21 Mar, 12:30–14:00 GMT" in call.args["text"]
    assert bot.store.registrants(session_id="tue-racism") == ["U123"]


def test_a_request_by_mention_registers_and_confirms_in_the_thread(bot: RunningBot) -> None:
    event = {
        "type": "app_mention",
        "channel": "C0GENERAL",
        "user": "U7",
        "text": "<@UBOT> please book me on the stereotypes session",
        "ts": "1679400000.000100",
    }
    bot.send.event(event)
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == "1679400000.000100"
    assert "You're registered for *Smashing stereotypes in the profession*" in first_text(call.args)
    assert bot.store.registrants(session_id="wed-stereotypes") == ["U7"]


def test_an_unclear_request_offers_the_choices_and_says_to_press_register(
    bot: RunningBot,
) -> None:
    bot.send.event(dm("sign me up for the mental capacity session"))
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert first_text(call.args) == (
        "Several sessions match “the mental capacity session”: press *Register* on the one"
        " you mean."
    )
    offered = session_buttons(call.args)
    assert len(offered) > 1
    assert {b["text"]["text"] for b in offered.values()} == {"Register"}
    assert bot.store.seats_of(user_id="U123") == {}  # nothing registered on a guess

    # Pressing one registers it, and redraws the reply in place.
    choice = offered["Mental capacity assessments in adult social care"]
    url = bot.slack.response_url("choice")
    bot.send.action([pressed(choice)], channel_id="D0USER", response_url=url)
    (response,) = bot.slack.wait_for_response()
    assert response.payload["replace_original"] is True
    assert "You're registered for *Mental capacity assessments" in first_text(response.payload)
    assert list(bot.store.seats_of(user_id="U123")) == ["thu-mental-capacity"]


def test_a_request_for_nothing_known_registers_nothing(bot: RunningBot) -> None:
    bot.send.event(dm("sign me up for pilates"))
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert first_text(call.args).startswith("I couldn't find a session about “pilates”.")
    assert bot.store.seats_of(user_id="U123") == {}


def test_register_me_alone_says_how(bot: RunningBot) -> None:
    bot.send.event(dm("register me"))
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.args["text"].startswith("Register with /register and a session's name")
    assert bot.store.seats_of(user_id="U123") == {}


def test_a_question_about_registering_is_answered_not_acted_on(bot: RunningBot) -> None:
    bot.send.event(dm("how do I register for the racism session?"))
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert titles(call.args) == [RACISM]
    assert session_buttons(call.args)[RACISM]["action_id"] == ids.SESSION_REGISTER
    assert bot.store.seats_of(user_id="U123") == {}


def test_asking_twice_registers_once(bot: RunningBot) -> None:
    bot.send.event(dm("sign me up for racism"))
    bot.slack.wait_for("chat.postMessage")
    bot.send.event(dm("sign me up for racism"))
    second = bot.slack.wait_for("chat.postMessage", count=2)[1]
    assert first_text(second.args).startswith(f"You're already registered for *{RACISM}*")
    assert bot.store.registrants(session_id="tue-racism") == ["U123"]

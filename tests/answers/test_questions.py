"""Questions in a DM and as an @mention: signed events to the real app, replies via the fake."""

from __future__ import annotations

import time

from tests.conftest import RunningBot
from tests.listeners.helpers import titles


def dm(text: str, **extra: object) -> dict[str, object]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D0USER",
        "user": "U123",
        "text": text,
        "ts": f"{time.time():.6f}",
        "event_ts": f"{time.time():.6f}",
    } | extra


def test_a_direct_message_is_answered_in_the_dm(bot: RunningBot) -> None:
    result = bot.send.event(dm("who is running the stereotypes session?"))
    assert result.status == 200
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.args["channel"] == "D0USER"
    assert "thread_ts" not in call.args
    assert titles(call.args) == ["Smashing stereotypes in the profession"]
    assert call.args["blocks"][1]["text"]["text"].startswith(
        "*Smashing stereotypes in the profession* is led by Rebekah Pierre"
    )
    assert call.args["text"]


def test_a_mention_is_answered_in_its_thread(bot: RunningBot) -> None:
    event = {
        "type": "app_mention",
        "channel": "C0GENERAL",
        "user": "U123",
        "text": "<@UBOT> anything on racism tomorrow?",
        "ts": "1679400000.000100",
        "event_ts": "1679400000.000100",
    }
    assert bot.send.event(event).status == 200
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.args["channel"] == "C0GENERAL"
    assert call.args["thread_ts"] == "1679400000.000100"
    assert titles(call.args) == ["Racism in the workplace, in communities and in practice"]


def test_a_mention_inside_a_thread_answers_in_that_thread(bot: RunningBot) -> None:
    event = {
        "type": "app_mention",
        "channel": "C0GENERAL",
        "user": "U123",
        "text": "<@UBOT> tuesday",
        "ts": "1679400000.000200",
        "thread_ts": "1679400000.000100",
    }
    bot.send.event(event)
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == "1679400000.000100"


def test_the_same_event_delivered_again_is_answered_once(bot: RunningBot) -> None:
    event = dm("tuesday")
    assert bot.send.event(event, event_id="Ev0SAME").status == 200
    bot.slack.wait_for("chat.postMessage")
    for retry in (1, 2, 3):
        result = bot.send.event(event, event_id="Ev0SAME", retry_num=retry)
        assert result.status == 200
    assert bot.parts.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_edits_and_the_bots_own_messages_get_no_answer(bot: RunningBot) -> None:
    bot.send.event(dm("tuesday", subtype="message_changed"))
    bot.send.event(dm("tuesday", user="UBOT", bot_id="BBOT"))
    bot.send.event(dm("tuesday", subtype="bot_message", bot_id="BOTHER"))
    bot.send.event(dm("now"))  # a real question, sent last, to know the others were handled
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert bot.parts.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert titles(call.args) == ["Racism in the workplace, in communities and in practice"]

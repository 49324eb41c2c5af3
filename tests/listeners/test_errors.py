"""When something fails, the person is told plainly and the log has the whole traceback."""

from __future__ import annotations

import errno
import json
import logging
import os
import time

import pytest

from bot.answers.replies import Replies
from bot.blocks import ids
from bot.blocks.values import Origin, button_value
from bot.listeners.errors import NOT_SAVED, SORRY
from bot.records import TinyDBStore
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, titles
from tests.support.slack_requests import get_json


def dm(text: str) -> dict[str, str]:
    ts = f"{time.time():.6f}"
    return {"type": "message", "channel_type": "im", "channel": "D0USER", "user": "U123",
            "text": text, "ts": ts}  # fmt: skip


def test_a_failed_reply_is_logged_and_the_person_told(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "fatal_error"})
    assert bot.send.event(dm("tuesday")).status == 200
    first, second = bot.slack.wait_for("chat.postMessage", count=2)
    assert first.failed
    assert second.args["text"] == SORRY and second.args["channel"] == "D0USER"
    failures = [r for r in caplog.records if r.name == "bot.listeners.errors"]
    assert failures and failures[0].exc_info is not None  # the traceback is kept
    assert "fatal_error" in str(failures[0].exc_info[1])


def test_slack_server_errors_are_retried(bot: RunningBot) -> None:
    bot.slack.fail_next("chat.postMessage", status=503)
    bot.send.event(dm("racism"))
    first, second = bot.slack.wait_for("chat.postMessage", count=2, timeout=10)
    assert first.failed and not second.failed
    assert titles(second.args) == ["Racism in the workplace, in communities and in practice"]


def test_a_button_whose_work_fails_gets_an_apology_and_the_log_its_traceback(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.ERROR)

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a fault in the redraw")

    monkeypatch.setattr(Replies, "redraw", broken)
    value = button_value(Origin("answer", "tuesday", page=1, asked_at=time.time()))
    pressed = {"type": "button", "action_id": ids.SESSIONS_PAGE_NEXT, "block_id": "b",
               "value": value, "text": {"type": "plain_text", "text": "More"}}  # fmt: skip
    assert bot.send.action([pressed], response_url=bot.slack.response_url("x")).status == 200
    (response,) = bot.slack.wait_for_response()
    assert response.payload == {
        "text": SORRY,
        "response_type": "ephemeral",
        "replace_original": False,
    }
    failures = [r for r in caplog.records if r.name == "bot.listeners.errors"]
    assert failures and failures[0].exc_info is not None
    assert "a fault in the redraw" in str(failures[0].exc_info[1])


def test_a_full_disk_refuses_a_change_plainly_and_the_bot_keeps_answering(
    served_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = served_bot
    store = bot.store
    assert isinstance(store, TinyDBStore)
    real_write, full = os.write, [True]

    def write(fd: int, data: bytes | memoryview) -> int:
        if full[0] and fd == store.engine._journal.fd:  # type: ignore[attr-defined]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    refused = ack_body(bot.send.command("/register", "racism", user_id="U1"))
    assert refused["text"] == NOT_SAVED
    assert store.seats_of(user_id="U1") == {}
    answered = ack_body(bot.send.command("/sessions", "racism", user_id="U1"))
    assert "Racism in the workplace" in json.dumps(answered)  # reads go on
    status, health = get_json(bot.send.base_url, "/healthz")
    assert status == 503 and "No space left on device" in health["problems"][0]
    full[0] = False  # the disk has room again
    saved = ack_body(bot.send.command("/register", "racism", user_id="U1"))
    assert "You're registered" in saved["text"]
    assert get_json(bot.send.base_url, "/healthz")[0] == 200

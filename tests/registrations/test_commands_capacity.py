"""A session with a capacity: a waitlist in order, and promotion when someone leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, first_text


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    session = {
        "id": "small",
        "title": "Small group supervision",
        "start": "2023-03-21T15:00:00",
        "end": "2023-03-21T16:00:00",
        "capacity": 2,
    }
    path = tmp_path / "programme.json"
    event = {"name": "SWW", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": [session]}))
    return path


def test_full_session_waitlists_in_order_and_promotes(bot: RunningBot) -> None:
    for user in ("U1", "U2"):
        reply = ack_body(bot.send.command("/register", "small", user_id=user))
        assert "You're registered" in first_text(reply)
    third = ack_body(bot.send.command("/register", "small", user_id="U3"))
    assert first_text(third).startswith(
        "*Small group supervision* is full, so you're on the waitlist, number 1."
    )
    fourth = ack_body(bot.send.command("/register", "small", user_id="U4"))
    assert "number 2" in first_text(fourth)
    again = ack_body(bot.send.command("/register", "small", user_id="U4"))
    assert (
        first_text(again)
        == "You're already on the waitlist for *Small group supervision*, number 2."
    )

    left = ack_body(bot.send.command("/unregister", "small", user_id="U1"))
    assert first_text(left) == "You're no longer registered for *Small group supervision*."
    (dm,) = bot.slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == "U3"
    assert dm.args["text"].startswith(":tada: A place came free: you're now registered for")
    store = bot.store
    assert store.registrants(session_id="small") == ["U2", "U3"]
    assert store.waitlist(session_id="small") == ["U4"]
    mine = ack_body(bot.send.command("/mysessions", user_id="U4"))
    assert "On the waitlist, number 1" in str(mine["blocks"])


def test_a_request_in_a_dm_for_a_full_session_joins_its_waitlist(bot: RunningBot) -> None:
    for user in ("U1", "U2"):
        ack_body(bot.send.command("/register", "small", user_id=user))
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "D0U3",
        "user": "U3",
        "text": "Can you sign me up for small group supervision?",
        "ts": "1679400000.000100",
    }
    bot.send.event(event)
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert call.args["channel"] == "D0U3"
    assert first_text(call.args).startswith(
        "*Small group supervision* is full, so you're on the waitlist, number 1."
    )
    assert bot.store.registrants(session_id="small") == ["U1", "U2"]
    assert bot.store.waitlist(session_id="small") == ["U3"]

"""HTTP mode, served by waitress: only requests signed by Slack, recent, untampered and of
Slack's shape reach the listeners; anything else is refused in one log line, and nothing in
it is used."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.server import http_server
from tests.conftest import SIGNING_SECRET, RunningBot
from tests.support.slack_payloads import action_payload, command_payload
from tests.support.slack_requests import get_json
from tests.support.wsgi_server import WsgiServer

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def bot(served_bot: RunningBot) -> Iterator[RunningBot]:
    yield served_bot


def body() -> bytes:
    return urlencode(command_payload("/sessions", "tuesday")).encode()


def test_a_signed_request_is_answered(bot: RunningBot) -> None:
    assert bot.send.post_signed(body(), FORM).status == 200


def test_unsigned_requests_are_rejected(bot: RunningBot) -> None:
    assert bot.send.post_raw(body(), {"Content-Type": FORM}).status == 401


def test_wrongly_signed_requests_are_rejected(bot: RunningBot) -> None:
    headers = bot.send.signature_headers(body())
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert bot.send.post_raw(body(), {"Content-Type": FORM, **headers}).status == 401


def test_a_tampered_body_is_rejected(bot: RunningBot) -> None:
    headers = bot.send.signature_headers(body())
    tampered = urlencode(command_payload("/sessions", "wednesday")).encode()
    assert bot.send.post_raw(tampered, {"Content-Type": FORM, **headers}).status == 401


def test_stale_requests_are_rejected(bot: RunningBot) -> None:
    assert bot.send.post_signed(body(), FORM, timestamp_offset=-6 * 60).status == 401


def test_nothing_reaches_the_listeners_when_rejected(bot: RunningBot) -> None:
    bot.send.post_raw(body(), {"Content-Type": FORM})
    assert [call.method for call in bot.slack.calls] == ["auth.test"]


def raw_post(bot: RunningBot, body: bytes, headers: dict[str, str]) -> int:
    """POST exactly this, with no signature added; the status."""
    return bot.send.post_raw(body, headers).status


def test_an_unreadable_timestamp_is_refused_and_its_response_url_never_called(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    hostile = urlencode(command_payload("/sessions", "x", response_url=bot.slack.response_url()))
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": "abc",
        "X-Slack-Signature": "v0=1",
    }
    assert raw_post(bot, hostile.encode(), headers) == 401
    time.sleep(0.3)
    assert bot.slack.responses == []
    assert [call.method for call in bot.slack.calls] == ["auth.test"]
    assert "Traceback" not in caplog.text
    assert "Refused a request without a valid signature" in caplog.text


def test_a_body_over_one_mebibyte_is_refused_unread(bot: RunningBot) -> None:
    def server() -> Any:
        return http_server(bot.app, signing_secret=SIGNING_SECRET, host="127.0.0.1", port=0)

    with WsgiServer(None, server=server) as served:
        port = int(served.base_url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.putrequest("POST", "/slack/events")
            connection.putheader("Content-Type", FORM)
            connection.putheader("Content-Length", str(300 * 1024 * 1024))
            connection.endheaders()
            connection.send(b"command=%2Fsessions")  # the rest never comes
            assert connection.getresponse().status == 413
        finally:
            connection.close()


def signed_anyway(body: bytes) -> dict[str, str]:
    """A valid signature for any bytes, UTF-8 or not (slack_sdk's helper decodes first)."""
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{bad", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"payload=zz", FORM),
        (b"payload=%5B1%5D", FORM),
        (b"command=%2Fsessions&text=\xff\xfe", FORM),
        (b"\xff\xfe\xfd", FORM),
    ],
)
def test_malformed_bodies_get_400_signed_or_not(
    bot: RunningBot, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert raw_post(bot, body, {"Content-Type": content_type, **signed_anyway(body)}) == 400
    assert raw_post(bot, body, {"Content-Type": content_type}) in (400, 401)
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("command", ["/sessions", "/register", "/mysessions", "/announce"])
def test_a_signed_command_without_a_user_gets_a_clear_answer(
    bot: RunningBot, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    payload = command_payload(command, "tuesday")
    del payload["user_id"]
    result = bot.send.post_signed(urlencode(payload).encode(), FORM)
    assert result.status == 200
    assert result.json()["text"] == "Sorry, I couldn't tell who asked. Please try again from Slack."
    assert "Traceback" not in caplog.text


def test_the_health_check_reports_and_says_when_the_store_cannot_take_changes(
    bot: RunningBot,
) -> None:
    status, health = get_json(bot.send.base_url, "/healthz")
    assert status == 200
    assert health["ok"] is True and health["problems"] == []
    assert health["programme"]["sessions"] == len(bot.parts.current.programme.sessions)
    assert health["store"] == "taking changes" and health["outbox_backlog"] == 0
    bot.store.close()  # as after a failed write: no change can be saved
    status, health = get_json(bot.send.base_url, "/healthz")
    assert status == 503
    assert health["ok"] is False and health["problems"] == ["the store is closed"]


def test_a_signed_interaction_without_a_user_changes_nothing(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    button = {"action_id": "session_register", "value": '{"v":"agenda","s":"tue-racism"}'}
    payload = action_payload([button], response_url=bot.slack.response_url())
    del payload["user"]
    result = bot.send.interactive(payload)
    assert result.status == 400
    time.sleep(0.3)
    assert bot.store.registrants(session_id="tue-racism") == []
    assert bot.slack.responses == []
    assert "Traceback" not in caplog.text

"""HTTP mode: only requests signed by Slack, recent and untampered, reach the listeners."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.conftest import RunningBot
from tests.support.slack_payloads import command_payload

FORM = "application/x-www-form-urlencoded"


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

"""HTTP mode, served by waitress: only requests signed by Slack, recent, untampered and of
Slack's shape reach the listeners; anything else is refused in one log line, and nothing in
it is used."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.server import close_socket_mode, http_server, socket_mode_handler
from bot.standin.slack_payloads import action_payload, command_payload
from tests.conftest import SIGNING_SECRET, RunningBot
from tests.support.fake_socket_mode import SocketModeSlack
from tests.support.slack_requests import SignedRequests, get_json
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
    assert bot.parts.settle()  # had anything been started, it would have run by now
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
    assert bot.parts.settle()  # had anything been started, it would have run by now
    assert bot.store.registrants(session_id="tue-racism") == []
    assert bot.slack.responses == []
    assert "Traceback" not in caplog.text


def served(bot: RunningBot, **options: Any) -> Callable[[], Any]:
    """Builds the bot's waitress server exactly as `python -m bot` does (with `options`)."""

    def server() -> Any:
        return http_server(bot.app, signing_secret=SIGNING_SECRET, health=bot.parts.health,
                           host="127.0.0.1", port=0, **options)  # fmt: skip

    return server


@pytest.fixture
def waitress(bot: RunningBot) -> Iterator[str]:
    """The bot served by waitress exactly as `python -m bot` serves it: its base URL."""
    with WsgiServer(None, server=served(bot)) as running:
        yield running.base_url


@pytest.mark.parametrize("trickle", [False, True], ids=["idle", "slow"])
def test_hundreds_of_idle_or_slow_connections_do_not_stop_the_bot(
    bot: RunningBot, waitress: str, trickle: bool
) -> None:
    """300 connections held open (saying nothing, or a header a byte at a time): the
    health check and a signed /sessions are still answered within 3 s."""
    host, port = "127.0.0.1", int(waitress.rsplit(":", 1)[1])
    held = [socket.create_connection((host, port), timeout=5) for _ in range(300)]
    try:
        if trickle:
            for connection in held:
                connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        time.sleep(0.5)
        started = time.monotonic()
        status, health = get_json(waitress, "/healthz")
        assert status == 200 and health["ok"] is True
        send = SignedRequests(waitress + "/slack/events", SIGNING_SECRET,
                              response_url=bot.slack.response_url)  # fmt: skip
        answer = send.command("/sessions", "tuesday", user_id="U1")
        assert answer.status == 200 and "Tue" in answer.body
        assert time.monotonic() - started < 3.0
    finally:
        for connection in held:
            connection.close()


def test_the_bot_closes_a_connection_silent_for_ten_seconds(bot: RunningBot) -> None:
    server = served(bot)()
    try:
        assert server.adj.channel_timeout == 10
        assert server.adj.cleanup_interval <= 2
    finally:
        server.close()


def test_a_connection_that_says_nothing_is_closed_once_its_silence_is_up(
    bot: RunningBot,
) -> None:
    """As production closes one after ten seconds, here after one (waitress counts whole
    seconds)."""
    with WsgiServer(None, server=served(bot, silence=1)) as running:
        connection = socket.create_connection(
            ("127.0.0.1", int(running.base_url.rsplit(":", 1)[1]))
        )
        connection.settimeout(30)
        started = time.monotonic()
        assert connection.recv(1) == b""  # closed by the server
        assert 0.9 <= time.monotonic() - started < 6.0
        connection.close()


# --- Socket Mode: closing ---------------------------------------------------------------------


class _HeldAtStart:
    """The Socket Mode client's logger, holding its session thread where slack_sdk 3.47's
    builtin client says it starts to receive (just before it marks the connection live)
    until `close()` has marked the connection ended and closed it: the moment a stop right
    after connecting can hit."""

    def __init__(self, client: Any) -> None:
        self._client, self._logger = client, client.logger
        self.starting = threading.Event()
        self.held = False

    def info(self, message: str, *args: Any, **kwargs: Any) -> None:
        if message.startswith("Starting to receive messages"):
            self.starting.set()
            session = self._client.current_session
            state = self._client.current_session_state
            deadline = time.monotonic() + 5
            while not (state.terminated and not session.is_active()):
                assert time.monotonic() < deadline, "close() never came"
                time.sleep(0.01)
            self.held = True
        self._logger.info(message, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


def test_socket_mode_closes_even_when_stopped_as_its_session_starts(
    fake_slack: SocketModeSlack,
) -> None:
    """slack_sdk's own `close()` then waits forever (its session thread marks the closed
    connection live again, and waits on it); the bot's stop returns."""
    app = App(client=WebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url),
              signing_secret="unused-in-socket-mode", name="bot")  # fmt: skip
    handler = socket_mode_handler(app, app_token=fake_slack.app_token)
    held = _HeldAtStart(handler.client)
    handler.client.logger = held  # type: ignore[assignment]
    handler.connect()
    assert held.starting.wait(5), "the session never started"
    stopping = threading.Thread(target=close_socket_mode, args=(handler,), daemon=True)
    started = time.monotonic()
    stopping.start()
    stopping.join(10)
    assert held.held, "the session thread was not caught at its start: the test proves nothing"
    assert not stopping.is_alive(), "the stop hung"
    assert time.monotonic() - started < 2.0
    assert not handler.client.current_session_runner.is_alive()

"""The stand-in Slack's Socket Mode endpoint, driven by a real Bolt app and SocketModeHandler."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, Say
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from bot.server import close_socket_mode
from bot.standin.slack_payloads import action_payload, command_payload, event_envelope
from tests.support.fake_socket_mode import SocketModeSlack
from tests.support.waiting import wait_until


def build_app(fake: SocketModeSlack) -> App:
    client = WebClient(token=fake.bot_token, base_url=fake.api_url)
    app = App(client=client, signing_secret="unused-in-socket-mode")

    @app.command("/ping")
    def ping(ack: Ack, command: dict[str, Any]) -> None:
        ack(f"pong {command['text']}".strip())

    @app.command("/blocks-only")
    def blocks_only(ack: Ack) -> None:
        ack(blocks=[{"type": "divider"}])

    @app.event("app_mention")
    def mention(say: Say) -> None:
        say("Hello!")

    @app.action("register")
    def register(ack: Ack) -> None:
        ack()

    return app


@pytest.fixture
def handler(fake_slack: SocketModeSlack) -> Iterator[SocketModeHandler]:
    app = build_app(fake_slack)
    # No web_client given: the handler uses app.client, so apps.connections.open hits the fake.
    handler = SocketModeHandler(app, fake_slack.app_token)
    handler.connect()
    fake_slack.wait_socket_connected()
    yield handler
    close_socket_mode(handler)


def test_connects_through_the_app_client(
    fake_slack: SocketModeSlack, handler: SocketModeHandler
) -> None:
    [call] = fake_slack.calls_to("apps.connections.open")
    assert call.headers["authorization"] == f"Bearer {fake_slack.app_token}"
    assert handler.client.is_connected()


def test_slash_command_ack_payload(fake_slack: SocketModeSlack, handler: SocketModeHandler) -> None:
    payload = command_payload("/ping", "hi", response_url=fake_slack.response_url())
    assert fake_slack.socket_send("slash_commands", payload) == {"text": "pong hi"}


def test_event_ack_has_no_payload(fake_slack: SocketModeSlack, handler: SocketModeHandler) -> None:
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> hi",
        "channel": "C1",
        "ts": "1.2",
    }
    assert fake_slack.socket_send("events_api", event_envelope(event)) is None
    [call] = fake_slack.wait_for("chat.postMessage")
    assert call.args["text"] == "Hello!"


def test_interactive_action(fake_slack: SocketModeSlack, handler: SocketModeHandler) -> None:
    payload = action_payload([{"action_id": "register", "value": "s1"}])
    assert fake_slack.socket_send("interactive", payload) is None


def test_ack_payloads_are_checked(fake_slack: SocketModeSlack, handler: SocketModeHandler) -> None:
    fake_slack.socket_send("slash_commands", command_payload("/blocks-only"))
    assert fake_slack.violations == [
        "socket mode ack: blocks without a non-empty `text` fallback (used in notifications)"
    ]
    fake_slack.violations.clear()


def test_unacknowledged_envelope_times_out(
    fake_slack: SocketModeSlack, handler: SocketModeHandler
) -> None:
    with pytest.raises(AssertionError, match="did a listener match it"):
        fake_slack.socket_send("slash_commands", command_payload("/unknown"), timeout=0.3)


def test_explicit_web_client_is_used_for_connections_open(fake_slack: SocketModeSlack) -> None:
    nowhere = WebClient(token=fake_slack.bot_token, base_url="http://127.0.0.1:9/api/")
    app = App(client=nowhere, signing_secret="x", token_verification_enabled=False)
    web_client = WebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    handler = SocketModeHandler(app, fake_slack.app_token, web_client=web_client)
    handler.connect()
    fake_slack.wait_socket_connected()
    close_socket_mode(handler)
    assert len(fake_slack.calls_to("apps.connections.open")) == 1


def test_client_pings_are_answered(handler: SocketModeHandler) -> None:
    session = handler.client.current_session
    assert session is not None
    wait_until(lambda: session.last_ping_pong_time is not None, 2, "no ping answered")


def test_stop_closes_connections_quickly() -> None:
    fake = SocketModeSlack().start()
    handler = SocketModeHandler(build_app(fake), fake.app_token)
    handler.connect()
    fake.wait_socket_connected()
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 1.0
    close_socket_mode(handler)
    assert fake.violations == []


def test_wait_socket_connected_times_out(fake_slack: SocketModeSlack) -> None:
    with pytest.raises(AssertionError, match="no Socket Mode client connected"):
        fake_slack.wait_socket_connected(timeout=0.05)

"""SignedRequests against a tiny Bolt app served over HTTP by waitress."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.standin.fake_slack import FakeSlack
from tests.support.slack_requests import JSON, SignedRequests
from tests.support.wsgi_server import WsgiServer

SECRET = "test-signing-secret"


@pytest.fixture
def received() -> list[dict[str, Any]]:
    """Request bodies the Bolt app's listeners saw."""
    return []


@pytest.fixture
def slack(fake_slack: FakeSlack, received: list[dict[str, Any]]) -> Iterator[SignedRequests]:
    client = WebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    app = App(client=client, signing_secret=SECRET)

    @app.command("/sessions")
    def sessions(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        received.append(body)
        ack(f"sessions: {body['text']}")
        respond("Later")

    @app.event("app_mention")
    def mention(body: dict[str, Any]) -> None:
        received.append(body)

    @app.action("register")
    def register(ack: Ack, body: dict[str, Any]) -> None:
        received.append(body)
        ack()

    with WsgiServer(SlackRequestHandler(app)) as server:
        yield SignedRequests(
            f"{server.base_url}/slack/events", SECRET, response_url=fake_slack.response_url
        )


def test_signed_command(
    fake_slack: FakeSlack, slack: SignedRequests, received: list[dict[str, Any]]
) -> None:
    result = slack.command("/sessions", "today", user_id="U7")
    assert result.status == 200
    # Bolt acks a plain string as a text/plain body (Socket Mode wraps it as {"text": ...}).
    assert result.body == "sessions: today"
    assert result.headers["content-type"].startswith("text/plain")
    [body] = received
    assert body["user_id"] == "U7"
    assert body["team_id"] == "T0TEST"
    [response] = fake_slack.wait_for_response()
    assert response.payload["text"] == "Later"


def test_signed_event_with_retry_headers(
    slack: SignedRequests, received: list[dict[str, Any]]
) -> None:
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> hi",
        "channel": "C1",
        "ts": "1.2",
    }
    assert slack.event(event, event_id="Ev1", retry_num=1).status == 200
    assert received[0]["event_id"] == "Ev1"
    assert received[0]["authorizations"][0]["user_id"] == "UBOT"


def test_signed_action(slack: SignedRequests, received: list[dict[str, Any]]) -> None:
    assert slack.action([{"action_id": "register", "value": "s1"}], user_id="U2").status == 200
    [body] = received
    assert body["type"] == "block_actions"
    assert body["user"]["id"] == "U2"
    assert body["actions"][0]["value"] == "s1"


def test_action_from_a_view(slack: SignedRequests, received: list[dict[str, Any]]) -> None:
    view = {"id": "V1", "type": "home", "blocks": []}
    assert slack.action([{"action_id": "register"}], view=view).status == 200
    assert received[0]["container"] == {"type": "view", "view_id": "V1"}
    assert "response_url" not in received[0]


def test_unsigned_request_is_rejected(slack: SignedRequests) -> None:
    body = json.dumps({"type": "event_callback", "event": {}}).encode()
    assert slack.post_raw(body, {"Content-Type": JSON}).status == 401


def test_wrong_signature_is_rejected(slack: SignedRequests) -> None:
    body = b"command=%2Fsessions&text="
    headers = slack.signature_headers(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert slack.post_raw(body, headers).status == 401


def test_stale_timestamp_is_rejected(slack: SignedRequests, received: list[dict[str, Any]]) -> None:
    slack.timestamp_offset = -10 * 60
    assert slack.command("/sessions").status == 401
    assert received == []

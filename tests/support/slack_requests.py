"""Signed HTTP requests to a Bolt app, exactly as Slack sends them (stdlib only)."""

import http.client
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

from bot.standin.fake_http import wsgi_environ
from bot.standin.slack_payloads import (
    action_payload,
    command_payload,
    event_envelope,
    suggestion_payload,
)

__all__ = [
    "HttpResult",
    "SignedRequests",
    "action_payload",
    "command_payload",
    "event_envelope",
    "suggestion_payload",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class HttpResult:
    """An HTTP response; header names are lower-cased."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class SignedRequests:
    """Posts slash commands, events and actions to `base_url`, signed with `signing_secret`."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        timestamp_offset: int = 0,
        response_url: Callable[[], str] | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url
        self.timestamp_offset = timestamp_offset
        self._verifier = SignatureVerifier(signing_secret)
        self._response_url = response_url
        self._timeout = timeout

    def command(
        self,
        command: str = "/sessions",
        text: str = "",
        *,
        user_id: str = "U123",
        channel_id: str = "C123",
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> HttpResult:
        """A slash command, form-encoded."""
        payload = command_payload(
            command,
            text,
            user_id=user_id,
            channel_id=channel_id,
            response_url=response_url or self._new_response_url(),
            trigger_id=trigger_id,
        )
        return self.post_signed(urlencode(payload).encode(), FORM)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> HttpResult:
        """An Events API callback, as JSON; retry_num adds Slack's retry headers."""
        body = json.dumps(event_envelope(event, event_id=event_id)).encode()
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.post_signed(body, JSON, headers)

    def action(
        self,
        actions: list[dict[str, Any]],
        *,
        user_id: str = "U123",
        channel_id: str = "C123",
        message: dict[str, Any] | None = None,
        response_url: str | None = None,
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
    ) -> HttpResult:
        """A block_actions interaction (from a message, or from `view`)."""
        payload = action_payload(
            actions,
            user_id=user_id,
            channel_id=channel_id,
            message=message,
            response_url=response_url or (self._new_response_url() if view is None else None),
            container=container,
            view=view,
        )
        return self.interactive(payload)

    def suggestion(
        self,
        action_id: str,
        value: str = "",
        *,
        block_id: str = "block",
        user_id: str = "U123",
        channel_id: str = "C123",
    ) -> HttpResult:
        """A block_suggestion: `value` typed in an external select; the reply holds the
        options (`.json()["options"]`)."""
        payload = suggestion_payload(
            action_id, value, block_id=block_id, user_id=user_id, channel_id=channel_id
        )
        return self.interactive(payload)

    def interactive(self, payload: dict[str, Any]) -> HttpResult:
        """Any interaction payload (view_submission, shortcut...), as `payload=<json>`."""
        return self.post_signed(urlencode({"payload": json.dumps(payload)}).encode(), FORM)

    def post_signed(
        self,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
        *,
        timestamp_offset: int | None = None,
    ) -> HttpResult:
        """Post `body` with a valid signature (timestamp shifted by `timestamp_offset` seconds)."""
        signed = self.signature_headers(body, timestamp_offset=timestamp_offset)
        return self.post_raw(body, {"Content-Type": content_type, **signed, **(headers or {})})

    def signature_headers(
        self, body: bytes, *, timestamp_offset: int | None = None
    ) -> dict[str, str]:
        """X-Slack-Request-Timestamp and X-Slack-Signature for `body`."""
        offset = self.timestamp_offset if timestamp_offset is None else timestamp_offset
        timestamp = str(int(time.time()) + offset)
        signature = self._verifier.generate_signature(timestamp=timestamp, body=body)
        return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature or ""}

    def post_raw(self, body: bytes, headers: Mapping[str, str]) -> HttpResult:
        """Post exactly `body` and `headers` (for unsigned or tampered requests)."""
        url = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=self._timeout)
        try:
            path = url.path + (f"?{url.query}" if url.query else "")
            connection.request("POST", path or "/", body=body, headers=dict(headers))
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            response_headers = {k.lower(): v for k, v in response.getheaders()}
            return HttpResult(response.status, response_headers, text)
        finally:
            connection.close()

    def _new_response_url(self) -> str | None:
        return self._response_url() if self._response_url else None


def get_json(base_url: str, path: str, *, timeout: float = 5.0) -> tuple[int, Any]:
    """GET `path` from the server at `base_url` (e.g. http://127.0.0.1:3000, any path after
    it ignored): the status and the JSON body (the bot's health check)."""
    status, body = get_text(base_url, path, timeout=timeout)
    return status, json.loads(body)


def get_text(base_url: str, path: str, *, timeout: float = 5.0) -> tuple[int, str]:
    """GET `path` from the server at `base_url`: the status and the body as text."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


class InProcessRequests(SignedRequests):
    """The same signed requests, handed to a WSGI application (the bot's door in front of its
    Bolt app, `bot.server.wsgi_app`) in this process instead of posted over HTTP: every
    request is checked at the door, signature included, exactly as when served."""

    def __init__(
        self,
        application: Callable[..., Any],
        signing_secret: str,
        *,
        response_url: Callable[[], str] | None = None,
    ) -> None:
        super().__init__("http://in-process/slack/events", signing_secret,
                         response_url=response_url)  # fmt: skip
        self._application = application

    def post_raw(self, body: bytes, headers: Mapping[str, str]) -> HttpResult:
        environ = wsgi_environ("POST", urlsplit(self.base_url).path, body, headers)
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, response_headers: list[tuple[str, str]],
                           exc_info: Any = None) -> None:  # fmt: skip
            started.append((status, response_headers))

        content = b"".join(self._application(environ, start_response))
        status, response_headers = started[0]
        return HttpResult(
            int(status.split()[0]),
            {name.lower(): value for name, value in response_headers},
            content.decode("utf-8"),
        )

"""Payloads shaped like the ones Slack sends: slash commands, events, block actions and menu
suggestions. The tests send them, and so does the console for what the person types."""

import time
import uuid
from typing import Any

TEAM_ID = "T0TEST"
TEAM_DOMAIN = "fake-workspace"
APP_ID = "A0TEST"
BOT_USER_ID = "UBOT"
VERIFICATION_TOKEN = "legacy-verification-token"
DEFAULT_RESPONSE_URL = "https://hooks.slack.com/commands/T0TEST/1/unset-response-url"


def new_trigger_id() -> str:
    """A fresh, plausible trigger_id."""
    return f"{int(time.time())}.1234567890.{uuid.uuid4().hex[:32]}"


def command_payload(
    command: str = "/sessions",
    text: str = "",
    *,
    user_id: str = "U123",
    channel_id: str = "C123",
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, str]:
    """A slash command invocation (form fields over HTTP, the payload in Socket Mode)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": _channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url or DEFAULT_RESPONSE_URL,
        "trigger_id": trigger_id or new_trigger_id(),
    }


def event_envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """An Events API `event_callback` envelope around `event`."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def message_event(text: str, *, user_id: str, channel_id: str) -> dict[str, Any]:
    """A `message` event: `text` typed by `user_id` in a DM with the bot (`channel_id`), as
    Slack escapes it."""
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel_id,
        "user": user_id,
        "text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "ts": f"{time.time():.6f}",
    }


def action_payload(
    actions: list[dict[str, Any]],
    *,
    user_id: str = "U123",
    channel_id: str = "C123",
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
    container: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A `block_actions` payload: from a message, or from a view when `view` is given. An
    `ephemeral` message is not sent back with it, as Slack does not."""
    now = f"{time.time():.6f}"
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower()},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": new_trigger_id(),
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "actions": [
            {"block_id": "block", "type": "button", "action_ts": now, **a} for a in actions
        ],
    }
    payload |= _source(channel_id=channel_id, message=message, view=view, ephemeral=ephemeral)
    if view is None:
        payload["response_url"] = response_url or DEFAULT_RESPONSE_URL
    if container is not None:
        payload["container"] = container
    return payload


def suggestion_payload(
    action_id: str,
    value: str = "",
    *,
    block_id: str = "block",
    user_id: str = "U123",
    channel_id: str = "C123",
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A `block_suggestion` payload: someone typed `value` in the external select `action_id`
    of a message, or of a view when `view` is given (Slack asks for the options to show; the
    reply to it carries them)."""
    source = _source(channel_id=channel_id, message=message, view=view, ephemeral=ephemeral)
    payload: dict[str, Any] = {
        "type": "block_suggestion",
        "user": {"id": user_id, "name": user_id.lower(), "team_id": TEAM_ID},
        "container": source.pop("container"),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    return payload | source | {"action_ts": f"{time.time():.6f}"}


def _channel_name(channel_id: str) -> str:
    return "directmessage" if channel_id.startswith("D") else "general"


def _source(
    *, channel_id: str, message: dict[str, Any] | None, view: dict[str, Any] | None, ephemeral: bool
) -> dict[str, Any]:
    """Where an interaction happened: in a view, or in a message of `channel_id`."""
    if view is not None:
        return {"container": {"type": "view", "view_id": view.get("id", "V0000000")}, "view": view}
    now = f"{time.time():.6f}"
    message = message or {"type": "message", "ts": now, "text": "", "user": BOT_USER_ID}
    source: dict[str, Any] = {
        "container": {
            "type": "message",
            "message_ts": message.get("ts", now),
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        },
        "channel": {"id": channel_id, "name": _channel_name(channel_id)},
    }
    if not ephemeral:
        source["message"] = message
    return source

"""Socket Mode payloads as Slack sends them, for what the person does in the console: a slash
command, a direct message to the bot, a button pressed or an option chosen."""

from __future__ import annotations

import time
from typing import Any

from bot.console.client import BOT_USER_ID, CHANNEL_ID, TEAM_ID, USER_ID, Shown
from bot.console.render import MENUS, Control
from bot.console.respond import RESPONSE_URL

APP_ID = "A0CONSOLE"
HOME_VIEW_ID = "V0CONSOLEHOME"


def command_payload(command: str, text: str, *, number: int) -> dict[str, Any]:
    return {
        "command": command,
        "text": text,
        "user_id": USER_ID,
        "channel_id": CHANNEL_ID,
        "channel_name": "directmessage",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "response_url": f"{RESPONSE_URL}/{number}",
        "trigger_id": f"console.{number}",
    }


def message_payload(text: str, *, number: int) -> dict[str, Any]:
    return {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event_id": f"Ev0CONSOLE{number}",
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": CHANNEL_ID,
            "user": USER_ID,
            "text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            "ts": f"{time.time():.6f}",
        },
    }


def action_payload(
    shown: Shown, control: Control, *, number: int, option: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A `block_actions` payload: `control` pressed (or `option` chosen in it, a menu) where
    `shown` is: in a message, with a response_url, or in the Home tab."""
    element = control.element
    action: dict[str, Any] = {
        "type": element.get("type"),
        "action_id": element.get("action_id"),
        "block_id": control.block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if element.get("type") in MENUS:
        action["selected_option"] = option
    else:
        action["text"] = element.get("text")
        if "value" in element:
            action["value"] = element["value"]
    payload = _interaction("block_actions", shown, number=number)
    return payload | {"trigger_id": f"console.{number}", "actions": [action]}


def suggestion_payload(shown: Shown, control: Control, *, number: int) -> dict[str, Any]:
    """A `block_suggestion` payload: the menu `control` opened, nothing typed in it yet."""
    payload = _interaction("block_suggestion", shown, number=number)
    payload.pop("response_url", None)  # a menu's search is answered in its acknowledgement
    return payload | {
        "action_id": control.element.get("action_id"),
        "block_id": control.block_id,
        "value": "",
    }


def _interaction(kind: str, shown: Shown, *, number: int) -> dict[str, Any]:
    """What every interaction payload says: who, and where (a message, or the Home tab)."""
    payload: dict[str, Any] = {
        "type": kind,
        "user": {"id": USER_ID, "username": "you", "name": "you", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "team": {"id": TEAM_ID, "domain": "console"},
        "state": {"values": {}},
    }
    if shown.view:
        view = {**shown.message, "id": HOME_VIEW_ID}
        return payload | {"container": {"type": "view", "view_id": HOME_VIEW_ID}, "view": view}
    ts = shown.ts or f"{time.time():.6f}"
    container = {
        "type": "message",
        "message_ts": ts,
        "channel_id": shown.channel,
        "is_ephemeral": shown.ephemeral,
    }
    payload |= {
        "container": container,
        "channel": {"id": shown.channel, "name": "directmessage"},
        "response_url": f"{RESPONSE_URL}/{number}",
    }
    if not shown.ephemeral:
        payload["message"] = {"type": "message", "ts": ts, "user": BOT_USER_ID, **shown.message}
    return payload

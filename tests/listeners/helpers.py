"""Reading the bot's replies in end-to-end tests."""

from __future__ import annotations

import json
from typing import Any

from bot.standin.slack_rules import check_ack


def titles(message: dict[str, Any]) -> list[str]:
    """The session titles in a reply, in order (each session's section starts with its title)."""
    found = []
    for block in message.get("blocks", []):
        if block["type"] == "section":
            first = block["text"]["text"].split("\n", 1)[0]
            if first.startswith("*") and first.endswith("*") and "\n" in block["text"]["text"]:
                found.append(first.strip("*").replace("&amp;", "&"))
    return found


def session_buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each session's button, by the session's title."""
    found = {}
    for block in message.get("blocks", []):
        accessory = block.get("accessory")
        if block["type"] == "section" and accessory and accessory["type"] == "button":
            title = block["text"]["text"].split("\n", 1)[0].strip("*").replace("&amp;", "&")
            found[title] = accessory
    return found


def button_in(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The button (or other element) with `action_id` in `message`'s action blocks."""
    for block in message.get("blocks", []):
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button in {message}")


def pressed(button: dict[str, Any]) -> dict[str, Any]:
    """The `actions` entry Slack sends when `button` is pressed."""
    return {**button, "block_id": "b", "action_ts": "1.0"}


def ack_body(result: Any) -> dict[str, Any]:
    """The JSON reply in a slash command's acknowledgement, checked against Slack's rules."""
    assert result.status == 200, result.body
    # Sent as anything but JSON, Slack shows the reply's JSON as text.
    assert result.headers["content-type"].startswith("application/json"), result.headers
    body: dict[str, Any] = json.loads(result.body)
    breach = check_ack(body)
    assert breach is None, breach
    return body


def first_text(message: dict[str, Any]) -> str:
    """The text of the first section: where notices and confirmations go."""
    for block in message.get("blocks", []):
        if block["type"] == "section":
            text: str = block["text"]["text"]
            return text
    raise AssertionError(f"no section in {message}")

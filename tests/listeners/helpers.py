"""Reading the bot's replies in end-to-end tests."""

from __future__ import annotations

import json
from typing import Any

from tests.support.slack_rules import check_ack


def titles(message: dict[str, Any]) -> list[str]:
    """The session titles in a reply, in order (each session's section starts with its title)."""
    found = []
    for block in message.get("blocks", []):
        if block["type"] == "section":
            first = block["text"]["text"].split("\n", 1)[0]
            if first.startswith("*") and first.endswith("*") and "\n" in block["text"]["text"]:
                found.append(first.strip("*").replace("&amp;", "&"))
    return found


def ack_body(result: Any) -> dict[str, Any]:
    """The JSON reply in a slash command's acknowledgement, checked against Slack's rules."""
    assert result.status == 200, result.body
    body: dict[str, Any] = json.loads(result.body)
    breach = check_ack(body)
    assert breach is None, breach
    return body

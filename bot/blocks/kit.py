"""Block Kit elements as plain dicts, each cut to Slack's limits as it is built.

Plain dicts because they sit on the path that must acknowledge Slack quickly: building and
validating slack_sdk's model objects took most of a `/sessions` reply's time. The limits
slack_sdk's models would check are enforced here by construction, and every test message
is still parsed and validated with slack_sdk's models (bot/standin/block_rules.py).
"""

from __future__ import annotations

from typing import Any

from bot.blocks.formatting import truncate

Block = dict[str, Any]

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
CONTEXT_TEXT_LIMIT = 2000
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000


def header(text: str) -> Block:
    """A header: plain text, never formatted, so safe for anything a person typed."""
    plain = {"type": "plain_text", "text": truncate(text, HEADER_LIMIT), "emoji": True}
    return {"type": "header", "text": plain}


def section(mrkdwn: str) -> Block:
    """A section of mrkdwn (already escaped)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_LIMIT)}}


def context(mrkdwn: str) -> Block:
    """Small print: one mrkdwn element."""
    element = {"type": "mrkdwn", "text": truncate(mrkdwn, CONTEXT_TEXT_LIMIT)}
    return {"type": "context", "elements": [element]}


def button(text: str, *, action_id: str, value: str) -> Block:
    """A button element. `value` must fit (2,000 characters): it is not cut, since cutting
    it would corrupt what the listener reads back."""
    if len(value) > BUTTON_VALUE_LIMIT:
        raise ValueError(f"button value of {len(value)} characters is over Slack's limit")
    label = {"type": "plain_text", "text": truncate(text, BUTTON_TEXT_LIMIT), "emoji": True}
    return {"type": "button", "text": label, "action_id": action_id, "value": value}


def actions(*elements: Block) -> Block:
    """A row of buttons."""
    return {"type": "actions", "elements": list(elements)}

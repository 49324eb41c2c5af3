"""What the outbox says to Slack and hears back, beyond posting: which errors are worth
another try, how long a 429 asks to wait, and whether a message is already there.

Each message the outbox posts carries its entry's key as message metadata (`tag`). When a
sender finds an entry that another attempt was posting when it stopped hearing from it (a
replica killed mid-call, a call that timed out), `delivered` looks for that key in the
person's DM before anything is posted again, so a kill repeats nothing there. Channels are
not checked (reading them needs scopes the bot does not ask for): an interrupted post to a
channel may repeat once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

EVENT_TYPE = "outbox_entry"
LOOKBACK = 60.0
"""Seconds before a recorded attempt that `delivered` looks back: the clocks of the process
that recorded it and of Slack may differ a little."""
PAGES = 5  # of 200 messages: more than a person's DM gets in the minutes a retry takes

# Slack error codes that mean "try again later" rather than "this will never work".
TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def tag(key: str) -> dict[str, Any]:
    """The message metadata that marks a message as the outbox entry `key`."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def delivered(client: WebClient, *, key: str, recipient: str, since: datetime) -> bool | None:
    """Whether the message of entry `key`, attempted at `since`, is in `recipient`'s DM
    (a person, or the id of a DM with them):
    True if it is; False if not, or if nobody can tell (a channel, a scope the install
    lacks), so that it is sent; None if Slack cannot answer now: ask again later."""
    if recipient[:1] not in ("U", "W", "D"):
        logger.warning("%s may have reached its channel before; sending it again", key)
        return False
    try:
        channel = recipient
        if recipient[:1] != "D":  # a person: their DM with the bot
            channel = client.conversations_open(users=recipient)["channel"]["id"]
        oldest = f"{since.timestamp() - LOOKBACK:.6f}"
        cursor: str | None = None
        for _ in range(PAGES):
            page = client.conversations_history(
                channel=channel, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor
            )
            if any(_tagged(message, key) for message in page.get("messages") or []):
                return True
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                return False
        return False
    except SlackApiError as error:
        status, code = error.response.status_code, error_code(error)
        if status == 429 or status >= 500 or code in TRANSIENT:
            return None
        logger.warning("Could not check whether %s reached Slack (%s); sending it again", key, code)
        return False
    except (OSError, HTTPException):
        return None


def _tagged(message: Any, key: str) -> bool:
    metadata = message.get("metadata") if isinstance(message, dict) else None
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("key") == key


def error_code(error: SlackApiError) -> str:
    data = error.response.data
    return str(data.get("error")) if isinstance(data, dict) else "unreadable_response"


def retry_after(headers: dict[str, Any]) -> float:
    """Seconds from a Retry-After header (1 if missing or unreadable, as Slack's default)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):  # some slack_sdk paths keep header values as lists
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0

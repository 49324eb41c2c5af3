"""The More / Previous buttons under a long list of sessions, and "Read more" under the one
session an answer is about."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.answers.replies import Replies
from bot.blocks.values import STALE, pressed_value


def sessions_page(
    action: dict[str, Any], body: dict[str, Any], respond: Respond, *, replies: Replies
) -> None:
    """Show another page of the same answer, or its session's whole description, in place of
    the message that had the button."""
    pressed = pressed_value(action)
    if pressed is None:
        respond(replace_original=False, response_type="ephemeral", text=STALE)
        return
    origin, _ = pressed
    message = replies.redraw(origin, user_id=body["user"]["id"])
    respond(replace_original=True, **message.as_kwargs())

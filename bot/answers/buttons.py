"""The More / Previous buttons under a long list of sessions, and "Read more" under the one
session an answer is about."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond

from bot.answers.replies import Replies
from bot.blocks.values import STALE, read_button_value

logger = logging.getLogger(__name__)


def sessions_page(
    action: dict[str, Any], body: dict[str, Any], respond: Respond, *, replies: Replies
) -> None:
    """Show another page of the same answer, or its session's whole description, in place of
    the message that had the button."""
    try:
        origin, _ = read_button_value(action["value"])
    except ValueError as error:
        logger.warning("A %s button not of ours: %s", action["action_id"], error)
        respond(replace_original=False, response_type="ephemeral", text=STALE)
        return
    message = replies.redraw(origin, user_id=body["user"]["id"])
    respond(replace_original=True, **message.as_kwargs())

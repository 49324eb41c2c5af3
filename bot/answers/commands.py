"""`/sessions [question]`: answered privately, inside the acknowledgement itself."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.answers.replies import Replies


def sessions_command(ack: Ack, command: dict[str, Any], *, replies: Replies) -> None:
    """Answer the question in the command's text; only the person who asked sees it."""
    message = replies.to_question(command.get("text") or "", user_id=command["user_id"])
    # The whole reply, encoded once per drawn message: Bolt sends a JSON text as it is, as
    # JSON (and encodes a dict for every request).
    ack(message.ephemeral_json)

"""`/sessions [question]`: answered privately, inside the acknowledgement itself."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.listeners.replies import reply_to_question


def sessions_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Answer the question in the command's text; only the person who asked sees it."""
    message = reply_to_question(context, command.get("text") or "", user_id=command["user_id"])
    ack(response_type="ephemeral", **message.as_kwargs())

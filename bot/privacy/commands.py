"""`/forgetme`: what the bot keeps about the person, privately, with a button to delete it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.privacy import Privacy
from bot.privacy.messages import kept_message


def forgetme_command(ack: Ack, command: dict[str, Any], *, privacy: Privacy) -> None:
    """List what is kept about the person, with a confirm button (none when nothing is)."""
    kept = privacy.kept(user_id=command["user_id"])
    ack(response_type="ephemeral", **kept_message(kept).as_kwargs())

"""`/cpd`: the person's CPD record for the week, answered privately in the acknowledgement,
with a button that sends it to their DM as files (`bot.feedback.buttons.cpd_send`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.feedback.messages import cpd_message
from bot.feedback.service import FeedbackService


def cpd_command(ack: Ack, command: dict[str, Any], *, feedback: FeedbackService) -> None:
    """Show the sessions attended, their hours and reflections, and the total."""
    rows = feedback.record(user_id=command["user_id"])
    ack(response_type="ephemeral", **cpd_message(rows, event=feedback.event).as_kwargs())

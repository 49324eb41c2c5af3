"""`/register` and `/unregister`: answered privately inside the acknowledgement, once the
change is on disk."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.blocks.formatting import Message, from_slack_text
from bot.current import CurrentProgramme
from bot.registrations import Registrations
from bot.registrations.by_words import change_by_words
from bot.registrations.replies import Replies


def register_command(
    ack: Ack,
    command: dict[str, Any],
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
) -> None:
    """Register for the one session the text names, or offer the choices."""
    message = _change(command, replies, current, registrations, register=True)
    ack(response_type="ephemeral", **message.as_kwargs())


def unregister_command(
    ack: Ack,
    command: dict[str, Any],
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
) -> None:
    """Unregister from the one session the text names, or offer the choices."""
    message = _change(command, replies, current, registrations, register=False)
    ack(response_type="ephemeral", **message.as_kwargs())


def _change(
    command: dict[str, Any],
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
    *,
    register: bool,
) -> Message:
    return change_by_words(
        from_slack_text(command.get("text") or "")[:500],
        user_id=command["user_id"],
        register=register,
        replies=replies,
        current=current,
        registrations=registrations,
    )

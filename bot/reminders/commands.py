"""`/reminders`: the person's choice of reminders, shown or changed, answered privately inside
the acknowledgement once the change is on disk."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.blocks.formatting import Message, from_slack_text
from bot.reminders.choices import ReminderChoices, parse_request
from bot.reminders.messages import reminder_settings, reminders_help, reminders_problem

MAX_TEXT = 200


def reminders_command(ack: Ack, command: dict[str, Any], *, choices: ReminderChoices) -> None:
    """Show the person's reminders, change them (`on`, `off`, `15m`), or explain."""
    user_id = command["user_id"]
    text = from_slack_text(command.get("text") or "")[:MAX_TEXT]
    request = parse_request(text, choices.planned)
    message: Message
    if request.kind == "help":
        message = reminders_help(choices.planned)
    elif request.kind == "invalid":
        message = reminders_problem(request.problem)
    elif request.kind == "set":
        chosen = choices.choose(user_id=user_id, choice=request.choice)
        message = reminder_settings(chosen, choices.planned, saved=True)
    else:
        message = reminder_settings(choices.of(user_id=user_id), choices.planned)
    ack(response_type="ephemeral", **message.as_kwargs())

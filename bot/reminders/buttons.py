"""The reminder buttons: On, Off and one toggle per reminder under `/reminders`, redrawn in
place; and "Stop reminders" under every reminder DM, which keeps the reminder's text."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.blocks import ids
from bot.reminders.choices import ReminderChoices
from bot.reminders.messages import reminder_settings, reminders_problem, reminders_stopped

NO_LONGER = "That reminder is no longer offered, so nothing changed."


def reminders_button(
    action: dict[str, Any], body: dict[str, Any], respond: Respond, *, choices: ReminderChoices
) -> None:
    """On, Off, or one reminder turned on or off; the settings redrawn in place."""
    user_id = body["user"]["id"]
    pressed = ids.base(action["action_id"])
    if pressed == ids.REMINDERS_ON:
        choice = choices.choose(user_id=user_id, choice=None)
    elif pressed == ids.REMINDERS_OFF:
        choice = choices.choose(user_id=user_id, choice=())
    else:
        seconds = int(action["value"]) if str(action.get("value", "")).isdigit() else -1
        if seconds not in choices.planned:  # a button from before the organisers' change
            notice = reminders_problem(NO_LONGER)
            respond(response_type="ephemeral", replace_original=False, **notice.as_kwargs())
            choice = choices.of(user_id=user_id)
        else:
            choice = choices.toggle(user_id=user_id, seconds=seconds)
    message = reminder_settings(choice, choices.planned, saved=True)
    respond(replace_original=True, response_type="ephemeral", **message.as_kwargs())


def reminders_stop(body: dict[str, Any], respond: Respond, *, choices: ReminderChoices) -> None:
    """Stop reminders, pressed under a reminder DM: reminders off, and the DM says so below
    the reminder."""
    choices.choose(user_id=body["user"]["id"], choice=())
    message = reminders_stopped(body.get("message") or {})
    respond(replace_original=True, **message.as_kwargs())

"""The Slack listeners of each person's reminder choice: `/reminders`, answered in its
acknowledgement once the choice is stored; its buttons and "Stop reminders", redrawn in
place afterwards."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.reminders.buttons import reminders_button, reminders_stop
from bot.reminders.choices import ReminderChoices
from bot.reminders.commands import reminders_command


def register(app: App, *, choices: ReminderChoices) -> None:
    """Wire `/reminders`, its buttons and "Stop reminders" into `app`."""
    app.command("/reminders")(bind(reminders_command, choices=choices))
    chooser = bind(reminders_button, choices=choices)
    for pattern in (ids.REMINDERS_ON, ids.REMINDERS_OFF, ids.family(ids.REMINDERS_OFFSET)):
        app.action(pattern)(ack=acknowledge, lazy=[after_ack(chooser)])
    stop = bind(reminders_stop, choices=choices)
    app.action(ids.REMINDERS_STOP)(ack=acknowledge, lazy=[after_ack(stop)])

"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.calendar import Calendar
from bot.current import CurrentProgramme
from bot.listeners.commands.register import (
    mysessions_after_ack,
    mysessions_command,
    register_command,
    unregister_command,
)
from bot.listeners.errors import after_ack, bind
from bot.registrations import Registrations
from bot.registrations.replies import Replies


def register(
    app: App,
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
    calendar: Calendar,
) -> None:
    changes = {"replies": replies, "current": current, "registrations": registrations}
    app.command("/register")(bind(register_command, **changes))
    app.command("/unregister")(bind(unregister_command, **changes))
    app.command("/mysessions")(
        ack=bind(mysessions_command, replies=replies, calendar=calendar),
        lazy=[after_ack(bind(mysessions_after_ack, calendar=calendar))],  # the .ics file
    )

"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.current import CurrentProgramme
from bot.listeners.commands.register import register_command, unregister_command
from bot.listeners.errors import bind
from bot.registrations import Registrations
from bot.registrations.replies import Replies


def register(
    app: App,
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
) -> None:
    changes = {"replies": replies, "current": current, "registrations": registrations}
    app.command("/register")(bind(register_command, **changes))
    app.command("/unregister")(bind(unregister_command, **changes))

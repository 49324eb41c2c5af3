"""Slash commands."""

from slack_bolt import App

from bot.listeners.commands.announce import announce_after_ack, announce_command
from bot.listeners.commands.register import (
    mysessions_command,
    register_command,
    unregister_command,
)
from bot.listeners.commands.sessions import sessions_command
from bot.listeners.errors import after_ack


def register(app: App) -> None:
    app.command("/sessions")(sessions_command)
    app.command("/register")(register_command)
    app.command("/unregister")(unregister_command)
    app.command("/mysessions")(mysessions_command)
    app.command("/announce")(ack=announce_command, lazy=[after_ack(announce_after_ack)])

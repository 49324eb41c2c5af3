"""Slash commands."""

from slack_bolt import App

from bot.listeners.commands.sessions import sessions_command


def register(app: App) -> None:
    app.command("/sessions")(sessions_command)

"""All Slack listeners, registered from one place."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, errors, events, middleware
from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    """Wire middleware, commands, events and actions into `app`."""
    middleware.register(app, services)
    commands.register(app)
    events.register(app)
    actions.register(app)
    app.error(errors.on_error)

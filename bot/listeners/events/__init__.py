"""Events API listeners. Each is acknowledged at once and does its work afterwards."""

from typing import Any

from slack_bolt import App

from bot.listeners.errors import acknowledge, after_ack
from bot.listeners.events.home import home_opened
from bot.listeners.events.questions import app_mention, direct_message
from bot.listeners.events.reactions import reaction_added, reaction_removed


def _is_direct_message(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im" and not event.get("subtype")


def register(app: App) -> None:
    app.event("app_mention")(ack=acknowledge, lazy=[after_ack(app_mention)])
    app.event("message", matchers=[_is_direct_message])(
        ack=acknowledge, lazy=[after_ack(direct_message)]
    )
    app.event("message")(_ignore_other_messages)
    app.event("reaction_added")(ack=acknowledge, lazy=[after_ack(reaction_added)])
    app.event("reaction_removed")(ack=acknowledge, lazy=[after_ack(reaction_removed)])
    app.event("app_home_opened")(ack=acknowledge, lazy=[after_ack(home_opened)])


def _ignore_other_messages() -> None:
    """Edits, deletions and the bot's own messages need no answer."""

"""Events API listeners."""

from typing import Any

from slack_bolt import App

from bot.listeners.errors import acknowledge, after_ack
from bot.listeners.events.questions import app_mention, direct_message


def _is_direct_message(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im" and not event.get("subtype")


def register(app: App) -> None:
    app.event("app_mention")(ack=acknowledge, lazy=[after_ack(app_mention)])
    app.event("message", matchers=[_is_direct_message])(
        ack=acknowledge, lazy=[after_ack(direct_message)]
    )
    app.event("message")(_ignore_other_messages)


def _ignore_other_messages() -> None:
    """Edits, deletions and the bot's own messages need no answer."""

"""Events API listeners. Each is acknowledged at once and does its work afterwards."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.current import CurrentProgramme
from bot.listeners.allowance import Allowance
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.listeners.events.questions import app_mention, direct_message, home_opened
from bot.listeners.events.reactions import reaction_changed
from bot.listeners.later import Later
from bot.listeners.replies import Replies
from bot.registrations import Registrations
from bot.registrations.cards import Cards


def _is_direct_message(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im" and not event.get("subtype")


def register(
    app: App,
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    emoji: str,
    later: Later,
    allowance: Allowance,
) -> None:
    asking = {"replies": replies, "later": later, "allowance": allowance}
    app.event("app_mention")(ack=acknowledge, lazy=[after_ack(bind(app_mention, **asking))])
    app.event("message", matchers=[_is_direct_message])(
        ack=acknowledge, lazy=[after_ack(bind(direct_message, **asking))]
    )
    app.event("message")(_ignore_other_messages)
    react = {"current": current, "registrations": registrations, "cards": cards, "emoji": emoji}
    for kind in ("reaction_added", "reaction_removed"):
        app.event(kind)(
            ack=acknowledge, lazy=[after_ack(bind(reaction_changed, **react, later=later))]
        )
    app.event("app_home_opened")(
        ack=acknowledge, lazy=[after_ack(bind(home_opened, replies=replies))]
    )


def _ignore_other_messages() -> None:
    """Edits, deletions and the bot's own messages need no answer."""

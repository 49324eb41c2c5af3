"""Events API listeners. Each is acknowledged at once and does its work afterwards."""

from __future__ import annotations

from slack_bolt import App

from bot.current import CurrentProgramme
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.listeners.events.reactions import reaction_changed
from bot.listeners.later import Later
from bot.registrations import Registrations
from bot.registrations.cards import Cards


def register(
    app: App,
    *,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    emoji: str,
    later: Later,
) -> None:
    react = {"current": current, "registrations": registrations, "cards": cards, "emoji": emoji}
    for kind in ("reaction_added", "reaction_removed"):
        app.event(kind)(
            ack=acknowledge, lazy=[after_ack(bind(reaction_changed, **react, later=later))]
        )

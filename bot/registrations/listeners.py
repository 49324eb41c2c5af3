"""The Slack listeners of registering: `/register` and `/unregister`, answered in their
acknowledgement once the change is on disk; the Register and Unregister buttons, wherever they
are, and reactions on session cards, acknowledged at once and answered afterwards."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from bot.current import CurrentProgramme
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.listeners.later import Later
from bot.registrations import Registrations
from bot.registrations.buttons import session_button
from bot.registrations.cards import Cards
from bot.registrations.commands import register_command, unregister_command
from bot.registrations.reactions import reaction_changed
from bot.registrations.replies import Replies


def register(
    app: App,
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    emoji: str,
    later: Later,
) -> None:
    """Wire `/register`, `/unregister`, the session buttons and the cards' reactions (with
    `emoji`) into `app`."""
    changes = {"replies": replies, "current": current, "registrations": registrations}
    app.command("/register")(bind(register_command, **changes))
    app.command("/unregister")(bind(unregister_command, **changes))
    button = bind(session_button, replies=replies, registrations=registrations)
    for action_id in (ids.SESSION_REGISTER, ids.SESSION_UNREGISTER):
        app.action(ids.family(action_id))(ack=acknowledge, lazy=[after_ack(button)])
    react = {"current": current, "registrations": registrations, "cards": cards, "emoji": emoji}
    for kind in ("reaction_added", "reaction_removed"):
        app.event(kind)(
            ack=acknowledge, lazy=[after_ack(bind(reaction_changed, **react, later=later))]
        )

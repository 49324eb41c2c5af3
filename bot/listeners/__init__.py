"""All Slack listeners, registered from one place. Each group's `register` binds its handlers
to the parts they use (keyword-only arguments; Bolt fills in the rest)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.broadcasts import Broadcasts
from bot.current import CurrentProgramme
from bot.listeners import actions, commands, errors, events, middleware
from bot.listeners.replies import Replies
from bot.registrations import Registrations
from bot.registrations.cards import Cards


def register_listeners(
    app: App,
    *,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    broadcasts: Broadcasts,
    organisers: frozenset[str],
    channel: str | None,
    emoji: str,
    clock: Callable[[], datetime],
) -> None:
    """Wire middleware, commands, events and actions into `app`."""
    replies = Replies(current=current, registrations=registrations, clock=clock)
    middleware.register(app)
    commands.register(
        app,
        replies=replies,
        current=current,
        registrations=registrations,
        cards=cards,
        broadcasts=broadcasts,
        organisers=organisers,
        channel=channel,
        clock=clock,
    )
    events.register(
        app, replies=replies, current=current, registrations=registrations, cards=cards, emoji=emoji
    )
    actions.register(
        app,
        replies=replies,
        registrations=registrations,
        broadcasts=broadcasts,
        organisers=organisers,
        clock=clock,
    )
    app.error(errors.on_error)

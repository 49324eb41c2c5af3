"""The Slack listeners of the organisers' tools: `/announce` and the controls it draws (the
preview's audience menu and its search, Send, Cancel, Send later and its form, the scheduled
list's Cancel). The organiser check runs first on each, as listener middleware."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.blocks import ids
from bot.broadcasts import Broadcasts
from bot.broadcasts.buttons import (
    announce_audience,
    announce_audience_options,
    announce_cancel,
    announce_later,
    announce_later_submitted,
    announce_send,
    announce_unschedule,
)
from bot.broadcasts.commands import announce_after_ack, announce_command
from bot.current import CurrentProgramme
from bot.feedback.service import FeedbackService
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.listeners.organisers import organisers_only
from bot.registrations import Registrations
from bot.registrations.cards import Cards


def register(
    app: App,
    *,
    broadcasts: Broadcasts,
    organisers: frozenset[str],
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    feedback: FeedbackService,
    channel: str | None,
    clock: Callable[[], datetime],
) -> None:
    """Wire `/announce` and its controls into `app`, for `organisers` only."""
    organiser = {"current": current, "broadcasts": broadcasts, "channel": channel,
                 "clock": clock, "feedback": feedback}  # fmt: skip
    app.command("/announce", middleware=[organisers_only(organisers)])(
        ack=bind(announce_command, **organiser),
        lazy=[
            after_ack(
                bind(announce_after_ack, registrations=registrations, cards=cards, **organiser)
            )
        ],  # fmt: skip
    )
    only = [organisers_only(organisers, form_block=ids.ANNOUNCE_WHEN_BLOCK)]
    for action_id, listener in (
        (ids.ANNOUNCE_AUDIENCE, announce_audience),
        (ids.ANNOUNCE_SEND, announce_send),
        (ids.ANNOUNCE_CANCEL, announce_cancel),
        (ids.ANNOUNCE_UNSCHEDULE, announce_unschedule),
    ):
        app.action(action_id, middleware=only)(
            ack=acknowledge, lazy=[after_ack(bind(listener, broadcasts=broadcasts))]
        )
    # The audience menu's search: answered in the acknowledgement, as Slack requires.
    app.options(ids.ANNOUNCE_AUDIENCE, middleware=only)(
        bind(announce_audience_options, broadcasts=broadcasts)
    )
    app.action(ids.ANNOUNCE_LATER, middleware=only)(
        bind(announce_later, clock=clock, broadcasts=broadcasts)
    )
    app.view(ids.ANNOUNCE_LATER_VIEW, middleware=only)(
        bind(announce_later_submitted, clock=clock, broadcasts=broadcasts)
    )

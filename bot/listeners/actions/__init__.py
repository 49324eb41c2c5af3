"""Block Kit actions, modal submissions and menu searches. Most are acknowledged at once and
do their work afterwards; opening a modal, checking a submission and answering a search (with
its options) happen in the acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.blocks import ids
from bot.broadcasts import Broadcasts
from bot.listeners.actions.announce import (
    announce_audience,
    announce_audience_options,
    announce_cancel,
    announce_later,
    announce_later_submitted,
    announce_send,
    announce_unschedule,
)
from bot.listeners.actions.pages import sessions_page
from bot.listeners.actions.sessions import session_button
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.listeners.replies import Replies
from bot.registrations import Registrations


def register(
    app: App,
    *,
    replies: Replies,
    registrations: Registrations,
    broadcasts: Broadcasts,
    organisers: frozenset[str],
    clock: Callable[[], datetime],
) -> None:
    for action_id in (ids.SESSIONS_PAGE_NEXT, ids.SESSIONS_PAGE_PREVIOUS):
        app.action(action_id)(
            ack=acknowledge, lazy=[after_ack(bind(sessions_page, replies=replies))]
        )
    button = bind(session_button, replies=replies, registrations=registrations)
    for action_id in (ids.SESSION_REGISTER, ids.SESSION_UNREGISTER):
        app.action(ids.family(action_id))(ack=acknowledge, lazy=[after_ack(button)])
    organiser = {"broadcasts": broadcasts, "organisers": organisers}
    for action_id, listener in (
        (ids.ANNOUNCE_AUDIENCE, announce_audience),
        (ids.ANNOUNCE_SEND, announce_send),
        (ids.ANNOUNCE_CANCEL, announce_cancel),
        (ids.ANNOUNCE_UNSCHEDULE, announce_unschedule),
    ):
        app.action(action_id)(ack=acknowledge, lazy=[after_ack(bind(listener, **organiser))])
    # The audience menu's search: answered in the acknowledgement, as Slack requires.
    app.options(ids.ANNOUNCE_AUDIENCE)(bind(announce_audience_options, **organiser))
    app.action(ids.ANNOUNCE_LATER)(bind(announce_later, clock=clock, **organiser))
    app.view(ids.ANNOUNCE_LATER_VIEW)(bind(announce_later_submitted, clock=clock, **organiser))

"""Block Kit actions, modal submissions and menu searches. Most are acknowledged at once and
do their work afterwards; opening a modal, checking a submission and answering a search (with
its options) happen in the acknowledgement."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from bot.listeners.actions.sessions import session_button
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.registrations import Registrations
from bot.registrations.replies import Replies


def register(
    app: App,
    *,
    replies: Replies,
    registrations: Registrations,
) -> None:
    button = bind(session_button, replies=replies, registrations=registrations)
    for action_id in (ids.SESSION_REGISTER, ids.SESSION_UNREGISTER):
        app.action(ids.family(action_id))(ack=acknowledge, lazy=[after_ack(button)])

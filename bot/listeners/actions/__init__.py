"""Block Kit button listeners. Each is acknowledged at once and does its work afterwards."""

from slack_bolt import App

from bot.blocks import ids
from bot.listeners.actions.pages import sessions_page
from bot.listeners.actions.sessions import session_button
from bot.listeners.errors import acknowledge, after_ack


def register(app: App) -> None:
    for action_id in (ids.SESSIONS_PAGE_NEXT, ids.SESSIONS_PAGE_PREVIOUS):
        app.action(action_id)(ack=acknowledge, lazy=[after_ack(sessions_page)])
    for action_id in (ids.SESSION_REGISTER, ids.SESSION_UNREGISTER):
        app.action(action_id)(ack=acknowledge, lazy=[after_ack(session_button)])

"""Block Kit button listeners."""

import re

from slack_bolt import App

from bot.blocks import ids
from bot.listeners.actions.pages import sessions_page


def register(app: App) -> None:
    app.action(re.compile(rf"^{ids.SESSIONS_PAGE}_"))(sessions_page)

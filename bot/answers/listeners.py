"""The Slack listeners that answer questions: `/sessions`, answered in its acknowledgement;
the More / Previous and Read more buttons, DMs, mentions and the Home tab, acknowledged at
once and answered afterwards."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.answers.buttons import sessions_page
from bot.answers.commands import sessions_command
from bot.answers.questions import app_mention, direct_message, home_opened
from bot.answers.replies import Replies
from bot.blocks import ids
from bot.listeners.allowance import Allowance
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.listeners.later import Later


def _is_direct_message(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im" and not event.get("subtype")


def register(app: App, *, replies: Replies, later: Later, allowance: Allowance) -> None:
    """Wire `/sessions`, the page buttons, DMs, mentions and the Home tab into `app`."""
    app.command("/sessions")(bind(sessions_command, replies=replies))
    for action_id in (ids.SESSIONS_PAGE_NEXT, ids.SESSIONS_PAGE_PREVIOUS, ids.SESSION_MORE):
        app.action(action_id)(
            ack=acknowledge, lazy=[after_ack(bind(sessions_page, replies=replies))]
        )
    asking = {"replies": replies, "later": later, "allowance": allowance}
    app.event("app_mention")(ack=acknowledge, lazy=[after_ack(bind(app_mention, **asking))])
    # A DM is answered; any other message (after it: Bolt runs the first that matches) is not.
    app.event("message", matchers=[_is_direct_message])(
        ack=acknowledge, lazy=[after_ack(bind(direct_message, **asking))]
    )
    app.event("message")(_ignore_other_messages)
    app.event("app_home_opened")(
        ack=acknowledge, lazy=[after_ack(bind(home_opened, replies=replies))]
    )


def _ignore_other_messages() -> None:
    """Edits, deletions and the bot's own messages need no answer."""

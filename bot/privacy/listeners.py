"""The Slack listeners of "forget me": `/forgetme`, answered in its acknowledgement, and its
two buttons, which redraw the message afterwards."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.privacy import Privacy
from bot.privacy.buttons import forget_cancel, forget_confirm
from bot.privacy.commands import forgetme_command


def register(app: App, *, privacy: Privacy) -> None:
    """Wire `/forgetme` and its Delete and Cancel buttons into `app`."""
    app.command("/forgetme")(bind(forgetme_command, privacy=privacy))
    forget = bind(forget_confirm, privacy=privacy)
    app.action(ids.FORGET_CONFIRM)(ack=acknowledge, lazy=[after_ack(forget)])
    app.action(ids.FORGET_CANCEL)(ack=acknowledge, lazy=[after_ack(forget_cancel)])

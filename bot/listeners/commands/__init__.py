"""Slash commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.broadcasts import Broadcasts
from bot.current import CurrentProgramme
from bot.listeners.commands.announce import announce_after_ack, announce_command
from bot.listeners.commands.register import (
    mysessions_command,
    register_command,
    unregister_command,
)
from bot.listeners.commands.sessions import sessions_command
from bot.listeners.errors import after_ack, bind
from bot.listeners.replies import Replies
from bot.registrations import Registrations
from bot.registrations.cards import Cards


def register(
    app: App,
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    broadcasts: Broadcasts,
    organisers: frozenset[str],
    channel: str | None,
    clock: Callable[[], datetime],
) -> None:
    app.command("/sessions")(bind(sessions_command, replies=replies))
    changes = {"replies": replies, "current": current, "registrations": registrations}
    app.command("/register")(bind(register_command, **changes))
    app.command("/unregister")(bind(unregister_command, **changes))
    app.command("/mysessions")(bind(mysessions_command, replies=replies))
    organiser = {"current": current, "broadcasts": broadcasts, "organisers": organisers,
                 "channel": channel, "clock": clock}  # fmt: skip
    app.command("/announce")(
        ack=bind(announce_command, **organiser),
        lazy=[
            after_ack(
                bind(announce_after_ack, registrations=registrations, cards=cards, **organiser)
            )
        ],  # fmt: skip
    )

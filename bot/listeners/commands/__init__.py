"""Slash commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.broadcasts import Broadcasts
from bot.calendar import Calendar
from bot.current import CurrentProgramme
from bot.feedback.service import FeedbackService
from bot.listeners.commands.announce import announce_after_ack, announce_command
from bot.listeners.commands.cpd import cpd_command
from bot.listeners.commands.register import (
    mysessions_after_ack,
    mysessions_command,
    register_command,
    unregister_command,
)
from bot.listeners.commands.reminders import reminders_command
from bot.listeners.commands.sessions import sessions_command
from bot.listeners.errors import after_ack, bind
from bot.listeners.organisers import organisers_only
from bot.listeners.replies import Replies
from bot.registrations import Registrations
from bot.registrations.cards import Cards
from bot.reminders.choices import ReminderChoices


def register(
    app: App,
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    broadcasts: Broadcasts,
    organisers: frozenset[str],
    feedback: FeedbackService,
    channel: str | None,
    clock: Callable[[], datetime],
    choices: ReminderChoices,
    calendar: Calendar,
) -> None:
    app.command("/sessions")(bind(sessions_command, replies=replies))
    app.command("/cpd")(bind(cpd_command, feedback=feedback))
    # The person's own choices: answered in the acknowledgement, once durable.
    app.command("/reminders")(bind(reminders_command, choices=choices))
    changes = {"replies": replies, "current": current, "registrations": registrations}
    app.command("/register")(bind(register_command, **changes))
    app.command("/unregister")(bind(unregister_command, **changes))
    app.command("/mysessions")(
        ack=bind(mysessions_command, replies=replies, calendar=calendar),
        lazy=[after_ack(bind(mysessions_after_ack, calendar=calendar))],  # the .ics file
    )
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

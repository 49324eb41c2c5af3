"""The Slack listener of people's calendars: `/mysessions`, answered in its acknowledgement,
with the .ics file sent afterwards when the bot serves no feeds."""

from __future__ import annotations

from slack_bolt import App

from bot.calendar.commands import Agenda, mysessions_after_ack, mysessions_command
from bot.calendar.service import Calendar
from bot.listeners.errors import after_ack, bind


def register(app: App, *, replies: Agenda, calendar: Calendar) -> None:
    """Wire `/mysessions` into `app`."""
    app.command("/mysessions")(
        ack=bind(mysessions_command, replies=replies, calendar=calendar),
        lazy=[after_ack(bind(mysessions_after_ack, calendar=calendar))],  # the .ics file
    )

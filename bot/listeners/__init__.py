"""All Slack listeners, registered from one place. Each group's `register` binds its handlers
to the parts they use (keyword-only arguments; Bolt fills in the rest)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.broadcasts import Broadcasts
from bot.calendar import Calendar
from bot.current import CurrentProgramme
from bot.feedback.service import FeedbackService
from bot.listeners import actions, commands, errors, events, middleware
from bot.listeners.allowance import Allowance
from bot.listeners.later import Later
from bot.listeners.replies import Replies
from bot.privacy import Privacy
from bot.registrations import Registrations
from bot.registrations.cards import Cards
from bot.reminders.choices import ReminderChoices


def register_listeners(
    app: App,
    *,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    broadcasts: Broadcasts,
    organisers: frozenset[str],
    channel: str | None,
    emoji: str,
    feedback: FeedbackService,
    clock: Callable[[], datetime],
    choices: ReminderChoices,
    privacy: Privacy,
    calendar: Calendar,
    later: Later,
    allowance: Allowance,
    first_delivery: Callable[[str], bool] | None = None,
) -> None:
    """Wire middleware, commands, events and actions into `app`."""
    replies = Replies(
        current=current,
        registrations=registrations,
        clock=clock,
        calendar=calendar,
        choices=choices,
        feedback=feedback,
    )
    middleware.register(app, first=first_delivery)
    commands.register(
        app,
        feedback=feedback,
        choices=choices,
        privacy=privacy,
        replies=replies,
        current=current,
        registrations=registrations,
        cards=cards,
        broadcasts=broadcasts,
        organisers=organisers,
        channel=channel,
        clock=clock,
        calendar=calendar,
    )
    events.register(
        app,
        replies=replies,
        current=current,
        registrations=registrations,
        cards=cards,
        emoji=emoji,
        later=later,
        allowance=allowance,
    )
    actions.register(
        app,
        feedback=feedback,
        choices=choices,
        privacy=privacy,
        replies=replies,
        registrations=registrations,
        broadcasts=broadcasts,
        organisers=organisers,
        clock=clock,
    )
    app.error(errors.on_error)

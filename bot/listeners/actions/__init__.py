"""Block Kit actions, modal submissions and menu searches. Most are acknowledged at once and
do their work afterwards; opening a modal, checking a submission and answering a search (with
its options) happen in the acknowledgement."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from bot.feedback.service import FeedbackService
from bot.listeners.actions.feedback import (
    cpd_send,
    feedback_answered,
    feedback_reflect,
    feedback_reflection_saved,
    feedback_reflection_submitted,
)
from bot.listeners.actions.reminders import reminders_button, reminders_stop
from bot.listeners.actions.sessions import session_button
from bot.listeners.errors import acknowledge, after_ack, bind
from bot.registrations import Registrations
from bot.registrations.replies import Replies
from bot.reminders.choices import ReminderChoices


def register(
    app: App,
    *,
    replies: Replies,
    registrations: Registrations,
    feedback: FeedbackService,
    choices: ReminderChoices,
) -> None:
    button = bind(session_button, replies=replies, registrations=registrations)
    for action_id in (ids.SESSION_REGISTER, ids.SESSION_UNREGISTER):
        app.action(ids.family(action_id))(ack=acknowledge, lazy=[after_ack(button)])
    # Feedback: a rating or "didn't attend" redraws the DM; the reflection modal opens in the
    # acknowledgement and is checked in its own; /cpd's files are sent afterwards.
    answered = after_ack(bind(feedback_answered, feedback=feedback))
    for action_id in (*ids.FEEDBACK_RATINGS, ids.FEEDBACK_ABSENT):
        app.action(action_id)(ack=acknowledge, lazy=[answered])
    app.action(ids.FEEDBACK_REFLECT)(bind(feedback_reflect, feedback=feedback))
    app.view(ids.FEEDBACK_REFLECTION_VIEW)(
        ack=bind(feedback_reflection_submitted, feedback=feedback),
        lazy=[after_ack(bind(feedback_reflection_saved, feedback=feedback))],
    )
    app.action(ids.CPD_SEND)(ack=acknowledge, lazy=[after_ack(bind(cpd_send, feedback=feedback))])
    # Reminder choices: the person's own, redrawn in place.
    chooser = bind(reminders_button, choices=choices)
    for pattern in (ids.REMINDERS_ON, ids.REMINDERS_OFF, ids.family(ids.REMINDERS_OFFSET)):
        app.action(pattern)(ack=acknowledge, lazy=[after_ack(chooser)])
    stop = bind(reminders_stop, choices=choices)
    app.action(ids.REMINDERS_STOP)(ack=acknowledge, lazy=[after_ack(stop)])

"""The Slack listeners of feedback and the CPD record: `/cpd`, answered in its
acknowledgement; the feedback DM's buttons and the reflection form; `/cpd`'s files."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from bot.feedback.buttons import (
    cpd_send,
    feedback_answered,
    feedback_reflect,
    feedback_reflection_saved,
    feedback_reflection_submitted,
)
from bot.feedback.commands import cpd_command
from bot.feedback.service import FeedbackService
from bot.listeners.errors import acknowledge, after_ack, bind


def register(app: App, *, feedback: FeedbackService) -> None:
    """Wire `/cpd`, the feedback DM's buttons and the reflection form into `app`."""
    app.command("/cpd")(bind(cpd_command, feedback=feedback))
    # A rating or "didn't attend" redraws the DM; the reflection modal opens in the
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

"""Feedback and the CPD record: when each session's registrants are asked how useful it was
(the plan; pure), the CPD record and the organisers' summaries (pure), the service that
records answers, and the jobs that put each batch in the outbox and draw each request when
it is sent. Its Slack listeners: `/cpd` (`commands`), the feedback DM's buttons and the
reflection form (`buttons`), registered by `listeners`."""

from bot.feedback.cpd import CpdRow, cpd_csv, cpd_hours, cpd_markdown, cpd_rows
from bot.feedback.plan import Batch, job_id, plan_feedback
from bot.feedback.summary import SessionSummary, shared_reflections_csv, summarise

__all__ = [
    "Batch",
    "CpdRow",
    "SessionSummary",
    "cpd_csv",
    "cpd_hours",
    "cpd_markdown",
    "cpd_rows",
    "job_id",
    "plan_feedback",
    "shared_reflections_csv",
    "summarise",
]

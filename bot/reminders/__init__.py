"""Reminders: the plan (which reminder goes out when; pure), its wording, and the jobs that
put each batch in the outbox at its moment and draw each reminder when it is sent. Its Slack
listeners: `/reminders` (`commands`), its buttons and "Stop reminders" (`buttons`),
registered by `listeners`."""

from bot.dates import offset_words, starts_words
from bot.reminders.plan import Reminder, Skipped, due_time, job_id, plan_reminders

__all__ = [
    "Reminder",
    "Skipped",
    "due_time",
    "job_id",
    "offset_words",
    "plan_reminders",
    "starts_words",
]

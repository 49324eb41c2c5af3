"""Reminders: the plan (which reminder goes out when; pure), its wording, and the jobs that
put each batch in the outbox at its moment and draw each reminder when it is sent."""

from bot.reminders.plan import Reminder, Skipped, due_time, job_id, plan_reminders
from bot.wording import offset_words, starts_words

__all__ = [
    "Reminder",
    "Skipped",
    "due_time",
    "job_id",
    "offset_words",
    "plan_reminders",
    "starts_words",
]

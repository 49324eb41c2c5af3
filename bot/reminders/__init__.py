"""Reminders: the plan (which reminder goes out when), its wording, and the scheduler.

Nothing here talks to Slack: the scheduler calls back `run(session_id, offset, late)` and the
caller fans out to registrants at that moment.
"""

from bot.reminders.plan import Reminder, Skipped, due_time, job_id, plan_reminders
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.wording import offset_words, starts_words

__all__ = [
    "Reminder",
    "ReminderScheduler",
    "Skipped",
    "due_time",
    "job_id",
    "offset_words",
    "plan_reminders",
    "starts_words",
]

"""Organiser broadcasts: audiences and their recipients (`audiences`, no Slack), the service
that drafts, sends, schedules and cancels them through the outbox (`service`), and the
organisers' Slack listeners: `/announce` (`commands`) and its controls (`buttons`), registered
by `listeners`."""

from bot.broadcasts.audiences import CHANNEL, REGISTERED, SESSION
from bot.broadcasts.service import Broadcasts, job_id

__all__ = ["CHANNEL", "REGISTERED", "SESSION", "Broadcasts", "job_id"]

"""Sending one batch of reminders: one session, one offset, every registrant, at run time."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.blocks.reminders import reminder_message, starting_soon_message
from bot.delivery import Delivery, Letter
from bot.reminders.plan import due_time
from bot.reminders.wording import offset_words, starts_words
from bot.services import Services

logger = logging.getLogger(__name__)


def reminder_key(session_id: str, offset: timedelta, due: datetime, user_id: str) -> str:
    """The one-time key that makes each (person, session, offset) reminder go out once. The
    due time is part of it, so a session moved to a new time is reminded again."""
    return f"reminder:{session_id}:{int(offset.total_seconds())}:{int(due.timestamp())}:{user_id}"


class ReminderBatches:
    """Runs the scheduler's reminder jobs."""

    def __init__(self, services: Services, client: WebClient, delivery: Delivery) -> None:
        self._services = services
        self._client = client
        self._delivery = delivery

    def run(self, session_id: str, offset: timedelta, late: bool) -> None:
        """Remind every registrant of `session_id`, worded for the time actually left."""
        began = time.monotonic()
        services = self._services
        tz = services.programme.tz
        session = services.programme.by_id.get(session_id)
        now = services.clock()
        if session is None or now >= session.start:
            logger.info("Reminders for %s, %s before: skipped, the session has gone or started",
                        session_id, offset_words(offset))  # fmt: skip
            return
        due = due_time(session.start, offset, tz)
        registered = services.store.registered_at(session_id=session.id)
        # Whoever registered after the moment was told the time when they registered.
        recipients = [user for user, at in registered.items() if at <= due]
        message = reminder_message(session, tz, starts=starts_words(session.start, now, tz))
        letters = [
            Letter(user, reminder_key(session.id, offset, due, user), message.as_kwargs())
            for user in recipients
        ]
        report = self._delivery.send(letters)
        logger.info(
            "Reminders for %s, %s before%s: sent %d, skipped %d, failed %d, in %.1f s",
            session.id,
            offset_words(offset),
            " (late)" if late else "",
            report.sent,
            report.already_sent + len(registered) - len(recipients),
            report.failed + report.unreachable,
            time.monotonic() - began,
        )
        if offset == min(services.settings.reminder_offsets):
            self._starting_soon(session.id, len(registered))

    def _starting_soon(self, session_id: str, registered: int) -> None:
        """Post "starting soon" to the announcements channel, once per session."""
        services = self._services
        channel = services.settings.announcements_channel
        session = services.programme.by_id.get(session_id)
        key = f"starting-soon:{session_id}"
        if not (services.settings.announce_starting_soon and channel and session):
            return
        if services.store.is_claimed(key=key):
            return
        tz, now = services.programme.tz, services.clock()
        message = starting_soon_message(
            session, tz, starts=starts_words(session.start, now, tz), registered=registered
        )
        self._client.chat_postMessage(channel=channel, **message.as_kwargs())
        services.store.claim(key=key)

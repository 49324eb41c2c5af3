"""What the bot sends on its own, not in answer to a request: reminders, news of programme
changes, scheduled broadcasts. Started once the Slack connection is up."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient

from bot.delivery import Delivery
from bot.notify.broadcasts import schedule_stored
from bot.notify.changes import ProgrammeReloader
from bot.notify.reminders import ReminderBatches
from bot.programme.watch import FileWatcher
from bot.reminders.plan import plan_reminders
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.wording import offset_words
from bot.services import Services

logger = logging.getLogger(__name__)


class Notifications:
    """The reminder scheduler, the programme watcher and what they send."""

    def __init__(self, services: Services, client: WebClient, *, watch_interval: float = 2.0):
        self._services = services
        self._client = client
        delivery = Delivery(client, services.store)
        self._batches = ReminderBatches(services, client, delivery)
        self.scheduler = ReminderScheduler(services.programme.tz, self._batches.run)
        self.reloader = ProgrammeReloader(services, client, delivery, rescheduled=self.reschedule)
        self._watcher = FileWatcher(
            services.settings.programme_path, self.reloader.reload, interval=watch_interval
        )

    def start(self) -> None:
        """Plan the reminders from the programme and the store, and start watching."""
        self.reschedule()
        self.scheduler.start()
        self._services.jobs.start()
        schedule_stored(self._services, self._client)
        self._watcher.start()

    def reschedule(self) -> None:
        """Rebuild the schedule from the programme in force."""
        services = self._services
        reminders, skipped = plan_reminders(
            services.programme, services.settings.reminder_offsets, now=services.clock()
        )
        now = services.clock()
        recent = [item for item in skipped if now - item.due < timedelta(days=1)]
        for item in recent:
            logger.info("Reminder for %s, %s before: not sent (%s)",
                        item.session_id, offset_words(item.offset), item.reason)  # fmt: skip
        if len(skipped) > len(recent):
            logger.info("%d reminders of sessions long over were not planned",
                        len(skipped) - len(recent))  # fmt: skip
        self.scheduler.apply(reminders)
        logger.info("%d reminder batches scheduled", len(reminders))

    def stop(self) -> None:
        self._watcher.stop()
        self.scheduler.shutdown()

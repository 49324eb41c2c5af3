"""Runs the reminder plan at the right moments, on APScheduler 3.11 in a background thread.

One job per (session, offset); at its moment the job calls `run(session_id, offset, late)`,
which fans out to that session's registrants. Jobs live in memory only: the plan is rebuilt
from the programme at every start, and the sender's claims in the store stop anyone being
reminded twice across restarts.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from bot.reminders.plan import JOB_PREFIX, Reminder, job_id

logger = logging.getLogger(__name__)

Run = Callable[[str, timedelta, bool], None]

# APScheduler logs a job's exception, with its traceback, here (the executor's alias is
# "default"), and carries on.
JOB_ERROR_LOGGER = "apscheduler.executors.default"
# APScheduler's default grace is one second: a job later than that (a busy machine, a slow
# start, a laptop waking up) would be dropped with only a warning.
MISFIRE_GRACE = timedelta(minutes=10)


class ReminderScheduler:
    """A thin wrapper over APScheduler's `BackgroundScheduler` for reminder jobs."""

    def __init__(
        self, timezone: ZoneInfo, run: Run, *, misfire_grace: timedelta = MISFIRE_GRACE
    ) -> None:
        self._tz = timezone
        self._run = run
        self._lock = threading.Lock()
        # Job id -> the due time it last ran for, so that applying the same plan again (a
        # programme reload) does not send a reminder that has already gone out.
        self._ran: dict[str, datetime] = {}
        self._closed = False
        self._scheduler = BackgroundScheduler(
            timezone=timezone,
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=4)},
            job_defaults={
                "misfire_grace_time": int(misfire_grace.total_seconds()),
                "coalesce": True,
                "max_instances": 1,
            },
        )

    def start(self) -> None:
        """Start the background thread; jobs applied before now are scheduled."""
        if not logging.getLogger(JOB_ERROR_LOGGER).isEnabledFor(logging.ERROR):
            logger.warning(
                "Logger %r is silenced: failed reminders will not be logged", JOB_ERROR_LOGGER
            )
        self._scheduler.start()

    def apply(self, reminders: Sequence[Reminder]) -> None:
        """Make the reminder jobs exactly `reminders`: add or move one job per reminder, remove
        the rest. Safe to call again, while running, with a changed plan."""
        with self._lock:
            if self._closed:
                return
            wanted = {
                job_id(r.session_id, r.offset): r
                for r in reminders
                if self._ran.get(job_id(r.session_id, r.offset)) != r.due
            }
            running = self._scheduler.running
            for job in self._scheduler.get_jobs():
                # Before start, APScheduler queues every add_job, even with the same id, so
                # clear the queue rather than pile up duplicates.
                if job.id.startswith(JOB_PREFIX) and (job.id not in wanted or not running):
                    self._remove(job.id)
            for jid, reminder in wanted.items():
                self._scheduler.add_job(
                    self._fire,
                    DateTrigger(reminder.run_at, timezone=self._tz),
                    args=(jid, reminder.due, reminder.session_id, reminder.offset, reminder.late),
                    id=jid,
                    name=jid,
                    replace_existing=True,
                )

    def jobs(self) -> list[tuple[str, datetime]]:
        """The reminder jobs still to run: (job id, next run time in UTC), soonest first."""
        listed = []
        for job in self._scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX):
                # A job added before start has no next_run_time yet; its trigger knows.
                when = getattr(job, "next_run_time", None) or job.trigger.run_date
                listed.append((job.id, when.astimezone(UTC)))
        return sorted(listed, key=lambda item: (item[1], item[0]))

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop; with `wait`, let reminders already being sent finish. Safe to call twice;
        `apply` does nothing afterwards."""
        with self._lock:
            self._closed = True
            if not self._scheduler.running:
                return
            # APScheduler marks itself stopped before taking its job store lock, so a job being
            # handed out at that moment crashes its thread (JobLookupError). Emptying the store
            # first waits for that lock, and leaves nothing to hand out.
            self._scheduler.remove_all_jobs()
        # Not under our lock: a reminder still running takes it in `_fire`.
        self._scheduler.shutdown(wait=wait)

    def _remove(self, jid: str) -> None:
        with contextlib.suppress(JobLookupError):  # it ran, and was dropped, meanwhile
            self._scheduler.remove_job(jid)

    def _fire(
        self, jid: str, due: datetime, session_id: str, offset: timedelta, late: bool
    ) -> None:
        with self._lock:
            # A job can be re-added by `apply` just as its first run is handed to a worker.
            if self._ran.get(jid) == due:
                logger.info("Reminder %s for %s already ran; not again", jid, due)
                return
            self._ran[jid] = due
        # Exceptions are left to APScheduler, which logs them with the traceback and goes on.
        self._run(session_id, offset, late)

"""The one scheduler of the process: APScheduler 3.11 in a background thread.

Reminders, scheduled broadcasts and anything else timed register here, each job under a
stable id (`replace_existing`), so scheduling the same thing again moves it rather than
doubling it. Jobs live in memory: whatever must survive a restart is kept in the store and
scheduled again at start-up by its feature.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

logger = logging.getLogger(__name__)

# APScheduler logs a job's exception, with its traceback, here, and carries on.
JOB_ERROR_LOGGER = "apscheduler.executors.default"
# A job late by less than this (a busy machine, a slow start) still runs, once; each job
# decides for itself whether it is still worth doing (a reminder checks the session start).
MISFIRE_GRACE = timedelta(days=1)


class Scheduler:
    """One-off jobs at given moments, with stable ids, in an explicit timezone."""

    def __init__(self, timezone: ZoneInfo | None = None, *, workers: int = 4) -> None:
        self._lock = threading.Lock()
        self._closed = False
        self._scheduler = BackgroundScheduler(
            timezone=timezone or UTC,
            executors={"default": ThreadPoolExecutor(max_workers=workers)},
            job_defaults={
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
                "coalesce": True,
                # APScheduler counts running instances per job id: with 1, a job moved while
                # its previous run is still going would be skipped, and a one-off job dropped.
                # Each job is safe to run twice (the outbox's keys make it send once).
                "max_instances": 16,
            },
        )

    def start(self) -> None:
        """Start running jobs. Jobs are best added after this (see `at`)."""
        if not logging.getLogger(JOB_ERROR_LOGGER).isEnabledFor(logging.ERROR):
            logger.warning(
                "Logger %r is silenced: failed jobs will not be logged", JOB_ERROR_LOGGER
            )
        with self._lock:
            if not self._scheduler.running and not self._closed:
                self._scheduler.start()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def at(self, job_id: str, when: datetime, work: Callable[..., Any], *args: Any) -> None:
        """Run `work(*args)` at `when` (at once if it has passed), replacing any job `job_id`."""
        with self._lock:
            if self._closed:
                return
            if not self._scheduler.running:
                # Before start, APScheduler queues every add_job, even under one id.
                self._remove(job_id)
            self._scheduler.add_job(
                work,
                DateTrigger(run_date=max(when, datetime.now(UTC))),
                args=args,
                id=job_id,
                name=job_id,
                replace_existing=True,
            )

    def every(self, job_id: str, seconds: float, work: Callable[[], Any]) -> None:
        """Run `work()` every `seconds`, replacing any job `job_id`; a run still going when the
        next is due is not doubled."""
        with self._lock:
            if self._closed:
                return
            self._scheduler.add_job(
                work,
                IntervalTrigger(seconds=seconds),
                id=job_id,
                name=job_id,
                replace_existing=True,
                max_instances=1,
            )

    def cancel(self, job_id: str) -> None:
        """Forget job `job_id` (nothing happens if it ran already or never existed)."""
        with self._lock:
            self._remove(job_id)

    def keep_only(self, prefix: str, job_ids: Iterable[str]) -> None:
        """Remove the jobs whose id starts with `prefix`, except `job_ids`."""
        keep = set(job_ids)
        with self._lock:
            for job in self._scheduler.get_jobs():
                if job.id.startswith(prefix) and job.id not in keep:
                    self._remove(job.id)

    def jobs(self, prefix: str = "") -> list[tuple[str, datetime]]:
        """The jobs still to run whose id starts with `prefix`: (id, when in UTC), soonest first."""
        listed = []
        for job in self._scheduler.get_jobs():
            if job.id.startswith(prefix):
                # A job added before start has no next_run_time yet; its trigger knows.
                when = getattr(job, "next_run_time", None) or job.trigger.run_date
                listed.append((job.id, when.astimezone(UTC)))
        return sorted(listed, key=lambda item: (item[1], item[0]))

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop; with `wait`, let running jobs finish. Safe to call twice; `at` does nothing
        afterwards."""
        with self._lock:
            self._closed = True
            if not self._scheduler.running:
                return
            # APScheduler marks itself stopped before taking its job store lock, so a job being
            # handed out at that moment crashes its thread (JobLookupError). Emptying the store
            # first waits for that lock, and leaves nothing to hand out.
            self._scheduler.remove_all_jobs()
        self._scheduler.shutdown(wait=wait)

    def _remove(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):  # it ran, and was dropped, meanwhile
            self._scheduler.remove_job(job_id)

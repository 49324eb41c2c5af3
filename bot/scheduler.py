"""The one scheduler of the process: APScheduler 3.11 in a background thread, on the bot's clock.

Reminders, scheduled broadcasts and anything else timed register here, each job under a
stable id (`replace_existing`), so scheduling the same thing again moves it rather than
doubling it. Jobs live in memory: whatever must survive a restart is kept in the store and
scheduled again at start-up by its feature.

A job's moment is read on the injected clock, the one every other part uses. APScheduler
waits on real time, so each moment is handed to it as "this long from now" by that clock;
a clock that jumps (the console's `--now` moved, a test's clock moved) says so with
`clock_moved()`, and `drain()` waits until what is due has run.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

logger = logging.getLogger(__name__)

# A job's exception is logged here, with its traceback (the logger APScheduler uses for jobs),
# and the scheduler carries on.
JOB_ERROR_LOGGER = "apscheduler.executors.default"
# A job late by less than this (a busy machine, a slow start) still runs, once; each job
# decides for itself whether it is still worth doing (a reminder checks the session start).
MISFIRE_GRACE = timedelta(days=1)
# A clock whose lead on the real time changed by less than this has not jumped; it was read a
# moment apart.
JITTER = timedelta(milliseconds=50)


@dataclass(frozen=True, eq=False)
class _Job:
    """A one-off job: `work(*args)` at `when` on the bot's clock."""

    when: datetime
    work: Callable[..., Any]
    args: tuple[Any, ...]


def _real_now() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """One-off jobs at given moments on `clock`, with stable ids, in an explicit timezone."""

    def __init__(
        self,
        timezone: ZoneInfo | None = None,
        *,
        clock: Callable[[], datetime] = _real_now,
        workers: int = 4,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._closed = False
        self._planned: dict[str, _Job] = {}  # one-off jobs not yet begun
        self._running = 0
        self._handed_at_lead = timedelta(0)  # the clock's lead when jobs were last handed over
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
        """Run `work(*args)` once the clock reads `when` (at once if it has passed), replacing
        any job `job_id`."""
        with self._lock:
            if self._closed:
                return
            job = _Job(when, work, args)
            self._planned[job_id] = job
            self._hand_over(job_id, job)

    def every(self, job_id: str, seconds: float, work: Callable[[], Any]) -> None:
        """Run `work()` every `seconds` of real time (upkeep, not a moment of the event),
        replacing any job `job_id`; a run still going when the next is due is not doubled."""
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
            self._planned.pop(job_id, None)
            self._remove(job_id)

    def keep_only(self, prefix: str, job_ids: Iterable[str]) -> None:
        """Remove the jobs whose id starts with `prefix`, except `job_ids`."""
        keep = set(job_ids)
        with self._lock:
            known = set(self._planned) | {job.id for job in self._scheduler.get_jobs()}
            for job_id in known:
                if job_id.startswith(prefix) and job_id not in keep:
                    self._planned.pop(job_id, None)
                    self._remove(job_id)

    def jobs(self, prefix: str = "") -> list[tuple[str, datetime]]:
        """The one-off jobs still to run whose id starts with `prefix`: (id, when on the clock,
        in UTC), soonest first."""
        with self._lock:
            planned = list(self._planned.items())
        listed = [(job_id, job.when.astimezone(UTC))
                  for job_id, job in planned if job_id.startswith(prefix)]  # fmt: skip
        return sorted(listed, key=lambda item: (item[1], item[0]))

    def clock_moved(self) -> None:
        """The clock may have jumped: if so, hand every job over again, so each runs when the
        clock now says. Cheap when the clock runs at the real pace (nothing to do)."""
        with self._lock:
            if self._closed or abs(self._lead() - self._handed_at_lead) < JITTER:
                return
            for job_id, job in self._planned.items():
                self._hand_over(job_id, job)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until no job is due on the clock and none is running; False if `timeout`
        seconds passed first (at once if the scheduler is not running: nothing would run)."""

        def settled() -> bool:
            now = self._clock()
            return self._running == 0 and not any(j.when <= now for j in self._planned.values())

        with self._settled:
            if not self._scheduler.running:
                return settled()
            return self._settled.wait_for(settled, timeout)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop; with `wait`, let running jobs finish. Safe to call twice; `at` does nothing
        afterwards."""
        with self._lock:
            self._closed = True
            self._planned.clear()
            self._settled.notify_all()
            if not self._scheduler.running:
                return
            # APScheduler marks itself stopped before taking its job store lock, so a job being
            # handed out at that moment crashes its thread (JobLookupError). Emptying the store
            # first waits for that lock, and leaves nothing to hand out.
            self._scheduler.remove_all_jobs()
        self._scheduler.shutdown(wait=wait)

    def _hand_over(self, job_id: str, job: _Job) -> None:
        """Give APScheduler `job` as a moment of real time: as far from now as the clock says."""
        real_now = datetime.now(UTC)
        self._handed_at_lead = self._clock() - real_now
        run_date = max(job.when - self._handed_at_lead, real_now)
        if not self._scheduler.running:
            # Before start, APScheduler queues every add_job, even under one id.
            self._remove(job_id)
        self._scheduler.add_job(
            self._run,
            DateTrigger(run_date=run_date),
            args=(job_id, job),
            id=job_id,
            name=job_id,
            replace_existing=True,
        )

    def _lead(self) -> timedelta:
        """How far the clock is ahead of the real time (behind: negative)."""
        return self._clock() - datetime.now(UTC)

    def _run(self, job_id: str, job: _Job) -> None:
        with self._lock:
            if self._planned.get(job_id) is not job:
                return  # moved or cancelled since APScheduler handed it out
            del self._planned[job_id]
            self._running += 1
        try:
            job.work(*job.args)
        except Exception:
            # Logged here rather than by APScheduler (to the same logger), so that it is in
            # the log before `drain` returns.
            logging.getLogger(JOB_ERROR_LOGGER).exception("Job %r raised an exception", job_id)
        finally:
            with self._settled:
                self._running -= 1
                self._settled.notify_all()

    def _remove(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):  # it ran, and was dropped, meanwhile
            self._scheduler.remove_job(job_id)

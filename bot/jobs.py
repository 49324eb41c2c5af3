"""One-off jobs at a given time, such as a scheduled broadcast (APScheduler 3.11).

Jobs live in memory: whatever must survive a restart is kept in the store and scheduled
again at start-up."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

logger = logging.getLogger(__name__)


class Jobs:
    """A background scheduler for one-off jobs with stable ids."""

    def __init__(self) -> None:
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            # A job that is late (a busy machine, a restart) still runs, once.
            job_defaults={"misfire_grace_time": 24 * 3600, "coalesce": True},
        )

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def at(self, job_id: str, when: datetime, work: Callable[..., Any], *args: Any) -> None:
        """Run `work(*args)` at `when` (now, if it has passed), replacing any job of that id."""
        self._scheduler.add_job(
            work,
            DateTrigger(run_date=max(when, datetime.now(UTC))),
            args=args,
            id=job_id,
            replace_existing=True,
        )

    def cancel(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):  # already run, or never scheduled
            self._scheduler.remove_job(job_id)

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

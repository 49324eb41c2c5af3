"""The reminder scheduler, with real APScheduler and real (short) times."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.plan import Reminder, job_id
from bot.reminders.scheduler import JOB_ERROR_LOGGER, ReminderScheduler

LONDON = ZoneInfo("Europe/London")
QUARTER = timedelta(minutes=15)


class Calls:
    """Records every `run` call, with the moment it happened; can be told to fail for one id."""

    def __init__(self, fail_for: str | None = None) -> None:
        self.fail_for = fail_for
        self.calls: list[tuple[str, timedelta, bool, datetime]] = []
        self._changed = threading.Condition()

    def __call__(self, session_id: str, offset: timedelta, late: bool) -> None:
        with self._changed:
            self.calls.append((session_id, offset, late, datetime.now(UTC)))
            self._changed.notify_all()
        if session_id == self.fail_for:
            raise RuntimeError(f"Slack said no for {session_id}")

    def wait_for(self, count: int, timeout: float = 2.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.calls) >= count, timeout)

    def args(self) -> list[tuple[str, timedelta, bool]]:
        return [call[:3] for call in self.calls]


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def reminder(session_id: str, at: datetime, *, late: bool = False) -> Reminder:
    return Reminder(session_id, QUARTER, due=at, run_at=at, late=late)


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def scheduler(calls: Calls) -> Iterator[ReminderScheduler]:
    running = ReminderScheduler(LONDON, calls)
    running.start()
    yield running
    running.shutdown()


def test_a_job_runs_once_at_its_time_with_the_right_arguments(
    scheduler: ReminderScheduler, calls: Calls
) -> None:
    at = soon(0.3)
    scheduler.apply([reminder("tue-racism", at)])
    assert scheduler.jobs() == [("reminder:tue-racism:900", at)]
    assert calls.wait_for(1)
    time.sleep(0.2)
    assert calls.args() == [("tue-racism", QUARTER, False)]
    assert calls.calls[0][3] >= at
    assert scheduler.jobs() == []


def test_a_moved_reminder_runs_at_the_new_time_only(
    scheduler: ReminderScheduler, calls: Calls
) -> None:
    scheduler.apply([reminder("s", soon(0.3))])
    later = soon(0.6)
    scheduler.apply([reminder("s", later)])
    assert scheduler.jobs() == [(job_id("s", QUARTER), later)]
    assert calls.wait_for(1)
    time.sleep(0.2)
    assert len(calls.calls) == 1
    assert calls.calls[0][3] >= later


def test_a_removed_reminder_never_runs(scheduler: ReminderScheduler, calls: Calls) -> None:
    scheduler.apply([reminder("gone", soon(0.2)), reminder("kept", soon(0.3))])
    scheduler.apply([reminder("kept", soon(0.3))])
    assert [jid for jid, _ in scheduler.jobs()] == [job_id("kept", QUARTER)]
    assert calls.wait_for(1)
    time.sleep(0.2)
    assert calls.args() == [("kept", QUARTER, False)]


def test_a_late_reminder_runs_straight_away(scheduler: ReminderScheduler, calls: Calls) -> None:
    # Planned a few seconds ago: far beyond APScheduler's default one-second grace.
    scheduler.apply([Reminder("s", QUARTER, due=soon(-600), run_at=soon(-5), late=True)])
    assert calls.wait_for(1, timeout=1.0)
    assert calls.args() == [("s", QUARTER, True)]


def test_a_failing_run_is_logged_and_later_jobs_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = Calls(fail_for="broken")
    scheduler = ReminderScheduler(LONDON, calls)
    scheduler.start()
    try:
        scheduler.apply([reminder("broken", soon(0.1)), reminder("fine", soon(0.3))])
        assert calls.wait_for(2)
    finally:
        scheduler.shutdown()
    assert [call[0] for call in calls.calls] == ["broken", "fine"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == [JOB_ERROR_LOGGER]
    assert errors[0].exc_info is not None
    assert "reminder:broken:900" in errors[0].getMessage()
    assert "Slack said no for broken" in caplog.text  # the traceback is in the log


def test_applying_the_same_plan_again_does_not_repeat_a_reminder(
    scheduler: ReminderScheduler, calls: Calls
) -> None:
    due = soon(-60)
    plan = [Reminder("s", QUARTER, due=due, run_at=soon(0), late=True)]
    scheduler.apply(plan)
    assert calls.wait_for(1)
    # A programme reload plans the same late reminder again, to run "now".
    scheduler.apply([Reminder("s", QUARTER, due=due, run_at=soon(0), late=True)])
    assert not calls.wait_for(2, timeout=0.3)
    assert scheduler.jobs() == []
    # But a session that moved gets its reminder for the new time.
    scheduler.apply([reminder("s", soon(0.1))])
    assert calls.wait_for(2)


def test_jobs_applied_before_start_run_after_it(calls: Calls) -> None:
    scheduler = ReminderScheduler(LONDON, calls)
    first, second = soon(0.2), soon(0.3)
    scheduler.apply([reminder("a", first)])
    scheduler.apply([reminder("a", second), reminder("b", second)])  # no duplicate "a"
    assert scheduler.jobs() == [(job_id("a", QUARTER), second), (job_id("b", QUARTER), second)]
    scheduler.start()
    try:
        assert calls.wait_for(2)
        time.sleep(0.2)
    finally:
        scheduler.shutdown()
    assert sorted(call[0] for call in calls.calls) == ["a", "b"]


def test_other_jobs_are_left_alone(scheduler: ReminderScheduler) -> None:
    scheduler._scheduler.add_job(print, "date", run_date=soon(60), id="not-a-reminder")
    scheduler.apply([])
    assert [job.id for job in scheduler._scheduler.get_jobs()] == ["not-a-reminder"]


def test_shutdown_is_quick_and_safe_twice(calls: Calls) -> None:
    scheduler = ReminderScheduler(LONDON, calls)
    scheduler.start()
    scheduler.apply([reminder("s", soon(3600))])
    began = time.monotonic()
    scheduler.shutdown()
    scheduler.shutdown()
    assert time.monotonic() - began < 0.5
    assert calls.calls == []

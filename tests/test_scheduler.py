"""The one scheduler of the process, with real APScheduler and real (short) times."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import JOB_ERROR_LOGGER, Scheduler
from tests.conftest import Clock

LONDON = ZoneInfo("Europe/London")


class Calls:
    """Records every call, with its arguments and the moment it happened; raises for the
    arguments in `fail_for`, and sleeps `hold` seconds for those in `slow_for`."""

    def __init__(self, fail_for: tuple[str, ...] = (), slow_for: tuple[str, ...] = ()) -> None:
        self.fail_for = fail_for
        self.slow_for = slow_for
        self.hold = 0.4
        self.calls: list[tuple[tuple[object, ...], datetime]] = []
        self._changed = threading.Condition()

    def __call__(self, *args: object) -> None:
        with self._changed:
            self.calls.append((args, datetime.now(UTC)))
            self._changed.notify_all()
        if args and args[0] in self.slow_for:
            time.sleep(self.hold)
        if args and args[0] in self.fail_for:
            raise RuntimeError(f"Slack said no for {args[0]}")

    def wait_for(self, count: int, timeout: float = 1.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.calls) >= count, timeout)

    def args(self) -> list[tuple[object, ...]]:
        return [args for args, _ in self.calls]

    def times(self) -> list[datetime]:
        return [at for _, at in self.calls]


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


T = datetime(2023, 3, 21, 12, 0, tzinfo=LONDON)


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def clock() -> Clock:
    return Clock(now=T)


@pytest.fixture
def scheduler(clock: Clock) -> Iterator[Scheduler]:
    running = Scheduler(LONDON, clock=clock)
    running.start()
    yield running
    running.shutdown()


def move(scheduler: Scheduler, clock: Clock, to: datetime) -> None:
    """Move the clock to `to`, and wait for what falls due to have run."""
    clock.now = to
    scheduler.clock_moved()
    assert scheduler.drain()


def test_a_job_runs_once_at_its_time_on_the_clock_with_its_arguments(
    scheduler: Scheduler, clock: Clock, calls: Calls
) -> None:
    at = T + timedelta(minutes=15)
    scheduler.at("reminder:s1", at, calls, "s1", 900, True)
    assert scheduler.jobs() == [("reminder:s1", at)]
    move(scheduler, clock, at - timedelta(seconds=1))
    assert calls.args() == []  # not yet
    move(scheduler, clock, at)
    assert calls.args() == [("s1", 900, True)]
    assert scheduler.jobs() == []
    move(scheduler, clock, at + timedelta(hours=1))
    assert calls.args() == [("s1", 900, True)]  # once


def test_the_same_id_again_moves_the_job_to_the_new_time_only(
    scheduler: Scheduler, clock: Clock, calls: Calls
) -> None:
    scheduler.at("job", T + timedelta(minutes=10), calls, "first")
    later = T + timedelta(minutes=20)
    scheduler.at("job", later, calls, "second")
    assert scheduler.jobs() == [("job", later)]
    move(scheduler, clock, T + timedelta(minutes=10))
    assert calls.args() == []
    move(scheduler, clock, later)
    assert calls.args() == [("second",)]


def test_the_same_id_can_be_moved_earlier(scheduler: Scheduler, clock: Clock, calls: Calls) -> None:
    scheduler.at("job", T + timedelta(hours=1), calls, "late")
    earlier = T + timedelta(minutes=1)
    scheduler.at("job", earlier, calls, "early")
    assert scheduler.jobs() == [("job", earlier)]
    move(scheduler, clock, earlier)
    assert calls.args() == [("early",)]


def test_a_cancelled_job_never_runs(scheduler: Scheduler, clock: Clock, calls: Calls) -> None:
    scheduler.at("gone", T + timedelta(minutes=1), calls, "gone")
    scheduler.at("kept", T + timedelta(minutes=2), calls, "kept")
    scheduler.cancel("gone")
    scheduler.cancel("never-existed")  # nothing happens
    assert [job_id for job_id, _ in scheduler.jobs()] == ["kept"]
    move(scheduler, clock, T + timedelta(minutes=3))
    assert calls.args() == [("kept",)]
    scheduler.cancel("kept")  # it ran already: nothing happens


def test_a_clock_moved_back_puts_a_job_off(
    scheduler: Scheduler, clock: Clock, calls: Calls
) -> None:
    scheduler.at("job", T + timedelta(seconds=1), calls, "job")
    move(scheduler, clock, T - timedelta(hours=1))  # an hour before: an hour to wait
    assert calls.args() == [] and [job_id for job_id, _ in scheduler.jobs()] == ["job"]
    move(scheduler, clock, T + timedelta(seconds=1))
    assert calls.args() == [("job",)]


def test_on_the_real_clock_a_job_runs_at_its_real_time(calls: Calls) -> None:
    scheduler = Scheduler(LONDON)
    scheduler.start()
    try:
        at = soon(0.2)
        scheduler.at("job", at, calls, "job")
        assert calls.wait_for(1)
        assert calls.times()[0] >= at
    finally:
        scheduler.shutdown()


def test_a_time_in_the_past_runs_at_once(scheduler: Scheduler, calls: Calls) -> None:
    # Far beyond APScheduler's default one-second grace.
    began = time.monotonic()
    scheduler.at("late", T - timedelta(hours=1), calls, "late")
    assert calls.wait_for(1, timeout=0.5)
    assert time.monotonic() - began < 0.5
    assert calls.args() == [("late",)]


def test_keep_only_removes_other_jobs_with_the_prefix_and_leaves_other_prefixes(
    scheduler: Scheduler, calls: Calls
) -> None:
    for job_id in ["reminder:a", "reminder:b", "reminder:c", "broadcast:a", "reminders-log"]:
        scheduler.at(job_id, soon(60), calls, job_id)
    scheduler.keep_only("reminder:", ["reminder:b", "reminder:unknown"])
    assert sorted(job_id for job_id, _ in scheduler.jobs()) == [
        "broadcast:a",
        "reminder:b",
        "reminders-log",
    ]
    scheduler.keep_only("reminder:", [])
    assert [job_id for job_id, _ in scheduler.jobs("reminder:")] == []
    assert sorted(job_id for job_id, _ in scheduler.jobs()) == ["broadcast:a", "reminders-log"]
    assert calls.calls == []


def test_jobs_lists_ids_and_utc_times_soonest_first(scheduler: Scheduler, calls: Calls) -> None:
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    scheduler.at("reminder:late", base + timedelta(minutes=30), calls)
    # Given in London time: listed in UTC, as the same moment.
    scheduler.at("reminder:early", (base + timedelta(minutes=5)).astimezone(LONDON), calls)
    scheduler.at("reminder:tie-b", base + timedelta(minutes=10), calls)
    scheduler.at("reminder:tie-a", base + timedelta(minutes=10), calls)
    scheduler.at("broadcast:x", base, calls)
    listed = scheduler.jobs("reminder:")
    assert listed == [
        ("reminder:early", base + timedelta(minutes=5)),
        ("reminder:tie-a", base + timedelta(minutes=10)),
        ("reminder:tie-b", base + timedelta(minutes=10)),
        ("reminder:late", base + timedelta(minutes=30)),
    ]
    assert all(when.utcoffset() == timedelta(0) for _, when in listed)
    assert [job_id for job_id, _ in scheduler.jobs()][0] == "broadcast:x"
    assert scheduler.jobs("nothing:") == []


def test_a_failing_job_is_logged_and_later_jobs_still_run(
    scheduler: Scheduler, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    calls = Calls(fail_for=("broken",))
    scheduler.at("job:broken", T + timedelta(minutes=1), calls, "broken")
    scheduler.at("job:fine", T + timedelta(minutes=2), calls, "fine")
    move(scheduler, clock, T + timedelta(minutes=1))
    move(scheduler, clock, T + timedelta(minutes=2))
    scheduler.at("job:after", T, calls, "after")  # already due
    assert scheduler.drain()
    assert calls.args() == [("broken",), ("fine",), ("after",)]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == [JOB_ERROR_LOGGER]
    assert errors[0].exc_info is not None
    assert "job:broken" in errors[0].getMessage()
    assert "Slack said no for broken" in caplog.text  # the traceback is in the log


def test_jobs_added_before_start_run_after_it(clock: Clock, calls: Calls) -> None:
    scheduler = Scheduler(LONDON, clock=clock)
    first, second = T + timedelta(minutes=1), T + timedelta(minutes=2)
    scheduler.at("a", first, calls, "a-first")
    scheduler.at("a", second, calls, "a-second")  # the same id twice: one job
    scheduler.at("b", second, calls, "b")
    scheduler.at("c", T - timedelta(minutes=1), calls, "c")  # already past
    assert [job_id for job_id, _ in scheduler.jobs()][-2:] == ["a", "b"]
    assert ("a", second) in scheduler.jobs()
    clock.now = second
    scheduler.clock_moved()
    assert not scheduler.drain()  # due, but nothing runs before start
    assert calls.calls == []
    scheduler.start()
    try:
        assert scheduler.drain()
    finally:
        scheduler.shutdown()
    assert sorted(calls.args()) == [("a-second",), ("b",), ("c",)]


def test_cancel_and_keep_only_work_before_start(clock: Clock, calls: Calls) -> None:
    scheduler = Scheduler(clock=clock)
    for n in (1, 2, 3):
        scheduler.at(f"x:{n}", T, calls, str(n))
    scheduler.cancel("x:1")
    scheduler.keep_only("x:", ["x:3"])
    assert [job_id for job_id, _ in scheduler.jobs()] == ["x:3"]
    scheduler.start()
    try:
        assert scheduler.drain()
    finally:
        scheduler.shutdown()
    assert calls.args() == [("3",)]


def test_shutdown_is_quick_safe_twice_and_at_afterwards_does_nothing(calls: Calls) -> None:
    scheduler = Scheduler(LONDON)
    scheduler.start()
    scheduler.at("far", soon(3600), calls, "far")
    scheduler.at("near", soon(0.2), calls, "near")
    began = time.monotonic()
    scheduler.shutdown()
    scheduler.shutdown()
    assert time.monotonic() - began < 0.5
    scheduler.at("after", soon(-1), calls, "after")
    scheduler.start()  # a closed scheduler does not start again
    assert not calls.wait_for(1, timeout=0.4)
    assert scheduler.jobs() == []


def test_shutdown_before_start_is_safe_and_nothing_runs(calls: Calls) -> None:
    scheduler = Scheduler()
    scheduler.at("queued", soon(0.05), calls, "queued")
    scheduler.shutdown()
    scheduler.shutdown()
    scheduler.start()
    scheduler.at("after", soon(0.05), calls, "after")
    assert not calls.wait_for(1, timeout=0.3)


def test_shutdown_waits_for_a_running_job_to_finish() -> None:
    calls = Calls(slow_for=("slow",))
    scheduler = Scheduler()
    scheduler.start()
    scheduler.at("slow", soon(0), calls, "slow")
    assert calls.wait_for(1)
    began = time.monotonic()
    scheduler.shutdown()
    # It returned only once the job (holding 0.4 s from its start) was done.
    assert time.monotonic() - began > 0.2
    assert calls.args() == [("slow",)]


def test_a_silenced_error_logger_is_warned_about(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logging.getLogger(JOB_ERROR_LOGGER), "disabled", True)
    scheduler = Scheduler()
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        scheduler.start()
    scheduler.shutdown()
    assert JOB_ERROR_LOGGER in caplog.text and "silenced" in caplog.text


def test_a_job_moved_while_its_previous_run_is_still_running_runs_again() -> None:
    calls = Calls(slow_for=("first",))
    scheduler = Scheduler()
    scheduler.start()
    try:
        scheduler.at("job", soon(0), calls, "first")
        assert calls.wait_for(1)
        # The first run is still going (0.4 s); the job is due again straight away.
        scheduler.at("job", soon(0), calls, "second")
        assert calls.wait_for(2, timeout=1.0)
    finally:
        scheduler.shutdown()
    assert calls.args() == [("first",), ("second",)]

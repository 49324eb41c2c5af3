"""The listeners' executor shares its threads fairly between people, and each person has
a short allowance of questions (`bot.listeners.executor`, `bot.listeners.allowance`)."""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar

from bot.listeners.allowance import Allowance
from bot.listeners.executor import FairExecutor

who: ContextVar[str] = ContextVar("who", default="")


def test_one_persons_flood_waits_behind_itself_not_in_front_of_others() -> None:
    executor = FairExecutor(2, key=who.get)
    order: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        time.sleep(0.02)
        with lock:
            order.append(name)

    token = who.set("noisy")
    noisy = [executor.submit(work, f"noisy{n}") for n in range(20)]
    who.reset(token)
    token = who.set("other")
    other = executor.submit(work, "other")
    who.reset(token)
    other.result(timeout=5)
    for future in noisy:
        future.result(timeout=5)
    executor.shutdown()
    assert order.index("other") <= 2, order  # after at most the noisy piece or two running
    assert [n for n in order if n.startswith("noisy")] == [f"noisy{n}" for n in range(20)]


def test_a_persons_work_runs_one_piece_at_a_time() -> None:
    executor = FairExecutor(4, key=lambda: "same")
    running, most = 0, 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1

    futures = [executor.submit(work) for _ in range(10)]
    for future in futures:
        future.result(timeout=5)
    executor.shutdown()
    assert most == 1


def test_work_of_nobody_known_runs_side_by_side_and_failures_reach_the_future() -> None:
    executor = FairExecutor(3, key=lambda: "")
    started = threading.Barrier(3, timeout=5)
    futures = [executor.submit(started.wait) for _ in range(3)]  # deadlocks if one at a time
    for future in futures:
        future.result(timeout=5)
    failed = executor.submit(lambda: 1 / 0)
    assert isinstance(failed.exception(timeout=5), ZeroDivisionError)
    executor.shutdown()


def test_the_allowance_answers_a_burst_then_tells_once_then_refills() -> None:
    now = [0.0]
    allowance = Allowance(burst=3, every=2.0, clock=lambda: now[0])
    assert [allowance.take("U1") for _ in range(6)] == [
        "answer", "answer", "answer", "tell", "ignore", "ignore"
    ]  # fmt: skip
    assert allowance.take("U2") == "answer"  # someone else is not held back
    now[0] += 2.0
    assert allowance.take("U1") == "answer"  # one more every 2 s
    assert allowance.take("U1") == "tell"  # and told again when it runs out again
    now[0] += 60.0
    assert [allowance.take("U1") for _ in range(3)] == ["answer"] * 3

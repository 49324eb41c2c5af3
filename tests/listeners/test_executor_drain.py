"""`FairExecutor.drain`: the explicit wait for the work after acknowledgements, which the
console and the tests use instead of sleeping."""

from __future__ import annotations

import threading

from bot.listeners.executor import FairExecutor


def test_drain_returns_once_every_piece_has_run_and_not_before() -> None:
    executor = FairExecutor(2, key=lambda: "same")
    gate = threading.Event()
    done: list[int] = []

    def work(n: int) -> None:
        gate.wait(5)
        done.append(n)

    for n in range(3):
        executor.submit(work, n)
    assert not executor.drain(timeout=0.05)  # held: not drained
    gate.set()
    assert executor.drain(timeout=5)
    assert done == [0, 1, 2]
    executor.shutdown()


def test_drain_with_nothing_submitted_returns_at_once() -> None:
    executor = FairExecutor(1)
    assert executor.drain(timeout=0)
    executor.shutdown()

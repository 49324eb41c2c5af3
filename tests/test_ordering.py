"""How `tests/conftest.py` shares the run out: the slow tests first, longest first, one by
one at the head of each process's first share."""

from __future__ import annotations

import pytest

from tests.conftest import spread


def shares(order: list[str], workers: int) -> list[list[str]]:
    """`order` cut as xdist's work-stealing scheduler first cuts it (even, consecutive)."""
    cut, remaining, start = [], len(order), 0
    for n in range(workers):
        size = remaining // (workers - n)
        cut.append(order[start : start + size])
        start, remaining = start + size, remaining - size
    return cut


@pytest.mark.parametrize(
    ("slow", "fast", "workers"), [(5, 15, 4), (3, 40, 4), (9, 2, 4), (2, 3, 1)]
)
def test_each_share_starts_with_its_slow_tests(slow: int, fast: int, workers: int) -> None:
    slow_tests = [f"slow{n}" for n in range(slow)]
    fast_tests = [f"fast{n}" for n in range(fast)]
    order = spread(slow_tests, list(fast_tests), workers)
    assert sorted(order) == sorted(slow_tests + fast_tests)  # each test once
    if slow <= fast:
        for n, share in enumerate(shares(order, workers)):
            assert share[: len(slow_tests[n::workers])] == slow_tests[n::workers], share
    assert [t for t in order if t.startswith("fast")] == fast_tests  # in their order


def test_with_nothing_slow_the_order_is_the_collection_order() -> None:
    assert spread([], ["a", "b", "c"], 4) == ["a", "b", "c"]

"""How `tests/conftest.py` shares the run out: the slow tests early, longest first, spread
over the first part of each process's first share, between the fast ones."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SLOW_SPAN, spread


def shares(order: list[str], workers: int) -> list[list[str]]:
    """`order` cut as xdist's work-stealing scheduler first cuts it (even, consecutive)."""
    cut, remaining, start = [], len(order), 0
    for n in range(workers):
        size = remaining // (workers - n)
        cut.append(order[start : start + size])
        start, remaining = start + size, remaining - size
    return cut


@pytest.mark.parametrize(
    ("slow", "fast", "workers"), [(5, 15, 4), (3, 40, 4), (9, 2, 4), (2, 3, 1), (16, 400, 8)]
)
def test_each_share_spreads_its_slow_tests_over_its_first_part(
    slow: int, fast: int, workers: int
) -> None:
    slow_tests = [f"slow{n}" for n in range(slow)]
    fast_tests = [f"fast{n}" for n in range(fast)]
    order = spread(slow_tests, list(fast_tests), workers)
    assert sorted(order) == sorted(slow_tests + fast_tests)  # each test once
    assert [t for t in order if t.startswith("fast")] == fast_tests  # in their order
    if slow > fast:
        return
    firsts = []
    for n, share in enumerate(shares(order, workers)):
        mine = [t for t in share if t.startswith("slow")]
        assert mine == slow_tests[n::workers], share  # its own, longest first
        places = [share.index(t) for t in mine]
        if places:
            assert places[-1] <= SLOW_SPAN * len(share), share  # all in its first part
            firsts.append(places[0])
    assert firsts[0] == 0  # the longest of all starts at once
    assert firsts == sorted(firsts)  # the others a little later each: not all at once
    if len(order) >= 100:
        assert firsts[-1] > firsts[0] + 5, firsts


def test_with_nothing_slow_the_order_is_the_collection_order() -> None:
    assert spread([], ["a", "b", "c"], 4) == ["a", "b", "c"]


def test_a_slow_test_keeps_its_module_fixtures_group_together() -> None:
    """`test_the_right_session_comes_first` is marked `slow`; the scores it shares with the
    module's other tests (a module fixture, one per programme) are built once per programme
    only if those tests still run next to it."""
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist",
         "-o", "addopts=", "tests/answering/test_real_programmes.py"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    ).stdout  # fmt: skip
    params = re.findall(r"^tests/\S+::test_\w+\[(.+)\]$", listed, re.MULTILINE)
    assert params[0] and len(params) == 16, listed
    runs = [param for n, param in enumerate(params) if n == 0 or params[n - 1] != param]
    assert len(runs) == len(set(runs)), f"a programme's tests parted: {params}"

"""A smoke run of the dashboard benchmark at a small scale: it runs, and prints a median, a
p90 and a first time for every page beside the target (no timing assertions)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_script

PAGES = ("week", "session", "broadcasts", "health", "registrants.csv", "feedback.csv")


@pytest.mark.slow(seconds=2)
def test_the_benchmark_prints_a_figure_for_each_page() -> None:
    result = run_script("dashboard.py", "--quick")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    rows = re.findall(r"^  (\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+< 200 ms (ok|MISSED)\s+"
                      r"([\d.]+)$", out, re.MULTILINE)  # fmt: skip
    assert [row[0] for row in rows] == list(PAGES), out
    for _, median, p90, first, _, size in rows:
        assert 0 < float(median) <= float(p90) and float(first) > 0 and float(size) > 0
    assert re.search(r"^python [\d.]+, \d+ CPUs, .*load average [\d., ]+ at start$", out, re.M)
    assert re.search(r"load average [\d., ]+ at the end$", out, re.MULTILINE)
    assert "200 sessions, 5,000 registrations" in out

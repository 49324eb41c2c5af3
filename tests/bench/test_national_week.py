"""A smoke run of the national-week benchmark at a small scale: it runs, prints each figure
beside its target, and the broadcast queues one entry per person while the registrations
all stay (no timing assertions)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_script

PEOPLE = 2_000  # --quick


@pytest.mark.slow(seconds=4)
def test_the_benchmark_runs_and_queues_everyone_once() -> None:
    result = run_script("national_week.py", "--quick")
    assert result.returncode == 0, result.stderr
    rows = re.findall(r"^  \s*(\S.*?)\s{2,}(-?[\d.]+)\s", result.stdout, re.MULTILINE)
    figures: dict[str, float] = {}
    for label, value in rows:
        figures.setdefault(label.strip(), float(value))
    for label in ("open the store (s)", "peak memory after queueing (MB)",
                  "request wait while queueing, max (ms)",
                  "request wait while compacting, max (ms)"):  # fmt: skip
        assert label in figures, result.stdout
    assert re.search(r"open the store \(s\)\s+[\d.]+\s+< 1.5 s", result.stdout)
    assert figures["broadcast entries queued"] == PEOPLE
    assert figures["of which pending"] == PEOPLE - 1  # the forgotten person's is cancelled
    assert figures["repeated recipients"] == 0
    assert figures["registrations at the end"] == PEOPLE * 5 - 5
    assert figures["requests told 'already registered'"] == 0

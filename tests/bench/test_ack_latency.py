"""A smoke run of the acknowledgement benchmark: it runs and prints its figures (no timing)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_script


@pytest.mark.slow(seconds=5)
def test_the_benchmark_runs_and_reports_the_three_apps() -> None:
    result = run_script(
        "ack_latency.py", "--users", "3", "--seconds", "0.5", "--rounds", "1", "--think", "0.02"
    )
    assert result.returncode == 0, result.stderr
    rows = re.findall(r"^(\w+)\s+1\s+(\d+)\s+\d+\s+(\d+)", result.stdout, re.MULTILINE)
    assert [kind for kind, _, _ in rows] == ["bare", "echo", "bot"]
    assert all(int(requests) > 0 and errors == "0" for _, requests, errors in rows)
    figures = r"bare [\d.]+ ms, echo [\d.]+ ms, bot [\d.]+ ms, ratio [\d.]+"
    assert re.search(rf"median p99: {figures}", result.stdout), result.stdout
    assert re.search(r"p99 parts: echo / bare [\d.]+, bot / echo [\d.]+", result.stdout)

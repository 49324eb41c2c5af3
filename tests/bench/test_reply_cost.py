"""A smoke run of the in-process reply-cost benchmark: it runs and prints its figures."""

from __future__ import annotations

import re

from tests.bench import run_script


def test_the_benchmark_runs_and_reports_both_apps_and_the_reply_size() -> None:
    result = run_script("reply_cost.py", "--requests", "50", "--rounds", "1")
    assert result.returncode == 0, result.stderr
    rows = dict(re.findall(r"^(bare|bot)\s+1\s+\d+\s+\d+\s+(\d+)$", result.stdout, re.MULTILINE))
    assert set(rows) == {"bare", "bot"}
    assert int(rows["bare"]) < 10 < int(rows["bot"])  # the bot's reply has its blocks
    assert re.search(r"median p99: bare \d+ µs, bot \d+ µs, ratio [\d.]+", result.stdout)

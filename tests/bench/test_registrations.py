"""A smoke run of the registrations benchmark: it runs and prints figures for both stores."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_the_benchmark_runs_and_reports_both_stores() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "registrations.py"), "--quick"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    row = (
        r"^\s*(\d+)\s+(TinyDBStore|stock-TinyDB)\s+(\d+)(?: \(bounded\))?"
        r"\s+(\d+)\s+[\d.]+\s+[\d.]+$"
    )
    rows = re.findall(row, result.stdout, re.MULTILINE)
    assert [(size, store) for size, store, _, _ in rows] == [
        ("0", "TinyDBStore"), ("0", "stock-TinyDB"), ("500", "TinyDBStore"), ("500", "stock-TinyDB")
    ]  # fmt: skip
    assert all(int(count) > 0 and int(rate) > 0 for _, _, count, rate in rows)
    assert re.search(
        r"ratio \(TinyDBStore / stock-TinyDB, per second\): 0: \d+x, 500: \d+x", result.stdout
    )

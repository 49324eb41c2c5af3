"""Smoke runs of the registrations benchmark: it runs and prints figures for every store, on
TinyDB and (given a database) on PostgreSQL with one process and with three replicas, and
every registration made is found stored once afterwards (no timing assertions)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_script

ROW = (
    r"^\s*(\d+)\s+(TinyDBStore|stock-TinyDB|PG-1-process|PG-3-replicas)\s+(\d+)(?: \(bounded\))?"
    r"\s+(\d+)\s+[\d.]+\s+[\d.]+\s+(\d+|-)\s+(\d+)$"
)


def run_bench(*options: str) -> str:
    result = run_script("registrations.py", "--quick", *options)
    assert result.returncode == 0, result.stderr
    return result.stdout


def check_rows(stdout: str, stores: list[str]) -> None:
    rows = re.findall(ROW, stdout, re.MULTILINE)
    assert [(size, store) for size, store, *_ in rows] == [
        (size, store) for size in ("0", "500") for store in stores
    ], stdout
    for _, store, count, rate, kept, repeated in rows:
        assert int(count) > 0 and int(rate) > 0, stdout
        assert repeated == "0", stdout
        if store != "stock-TinyDB":
            assert kept == count, f"{store}: {count} registered, {kept} stored\n{stdout}"


def test_the_benchmark_runs_and_reports_both_stores() -> None:
    stdout = run_bench()
    check_rows(stdout, ["TinyDBStore", "stock-TinyDB"])
    assert re.search(
        r"ratio \(TinyDBStore / stock-TinyDB, per second\): 0: [\d.]+x, 500: [\d.]+x", stdout
    )


@pytest.mark.slow(seconds=6)
def test_on_postgres_one_process_and_three_replicas_keep_every_registration(
    postgres_url: str,
) -> None:
    stdout = run_bench("--database-url", postgres_url)
    check_rows(stdout, ["TinyDBStore", "stock-TinyDB", "PG-1-process", "PG-3-replicas"])
    assert re.search(r"ratio \(PG-3-replicas / PG-1-process, per second\): 0: [\d.]+x", stdout)
    assert "fsync=" in stdout

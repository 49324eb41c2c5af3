"""Smoke runs of the reminders-and-a-broadcast benchmark: one bot on TinyDB, and three replica
bots on PostgreSQL; each runs, prints its figures, and loses and repeats nothing (no timing
assertions)."""

from __future__ import annotations

import re

import pytest

from tests.bench import run_script

FIGURES = (
    "messages",
    "seconds",
    "achieved rate",
    "fraction of allowed",
    "lost",
    "duplicates",
    "first reminder delay",
    "429s seen",
)


def run_bench(*options: str) -> dict[str, str]:
    """The first column's figure for each row of the printed table."""
    result = run_script("reminders.py", "--quick", *options)
    assert result.returncode == 0, result.stderr
    figures = dict(re.findall(r"^(\w[\w ]*?)\s{2,}([\d.+]+)", result.stdout, re.MULTILINE))
    assert set(FIGURES) <= set(figures), result.stdout
    return figures


@pytest.mark.slow(seconds=4)
def test_the_benchmark_runs_and_delivers_each_reminder_once() -> None:
    figures = run_bench("--lead", "0.5", "--reminded", "60", "--announced", "40")
    assert figures["messages"] == "100"
    assert figures["reminders"] == "60"
    assert figures["lost"] == "0"
    assert figures["duplicates"] == "0"


@pytest.mark.slow(seconds=10)
def test_three_replicas_on_postgres_deliver_each_message_once(postgres_url: str) -> None:
    figures = run_bench(
        "--only-postgres", "--database-url", postgres_url,
        "--reminded", "60", "--announced", "40", "--replica-lead", "3",
    )  # fmt: skip
    assert figures["messages"] == "100"
    assert figures["reminders"] == "60"
    assert figures["lost"] == "0"
    assert figures["duplicates"] == "0"
    per_replica = figures["sent per replica"].split("+")  # replicas that sent any
    assert len(per_replica) <= 3 and sum(map(int, per_replica)) == 100, figures

"""A smoke run of the reminders-and-a-broadcast benchmark: it runs, prints its figures, loses
and repeats nothing (no timing assertions)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT

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


def test_the_benchmark_runs_and_delivers_each_reminder_once() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reminders.py"), "--quick", "--lead", "0.5"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = dict(re.findall(r"^(\w[\w ]*?)\s{2,}([\d.]+)", result.stdout, re.MULTILINE))
    assert set(FIGURES) <= set(figures), result.stdout
    assert figures["messages"] == "250"
    assert figures["reminders"] == "150"
    assert figures["lost"] == "0"
    assert figures["duplicates"] == "0"

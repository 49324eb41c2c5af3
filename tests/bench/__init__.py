"""Smoke runs of the benchmarks in `bench/`: each runs and prints its figures (no timing)."""

from __future__ import annotations

import os
import subprocess

from tests.support.launcher import ROOT, run


def run_script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python bench/NAME *args` from the project's folder, to its end, its output kept:
    forked from the test process's fork server, which has the bot imported already."""
    return run(list(args), cwd=ROOT, env=os.environ.copy(), timeout=120,
               module=str(ROOT / "bench" / name))  # fmt: skip

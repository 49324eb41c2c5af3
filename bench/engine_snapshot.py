"""How long a snapshot of a large TinyDB engine makes requests wait, how long the engine
takes to open, and how much memory it needs.

Builds an engine holding --docs registration-like documents ({"session", "user", "at"})
and --outbox outbox-like ones (with `due`, `rank` and a message), closed (so all of it is
in the snapshot). Then, for each of --runs runs, in a fresh process on a fresh copy of the
files: opens the engine (timed), starts one thread committing small transactions one after
another (a count by session and an add, like a registration; each latency recorded) and
one reading a document every millisecond (each latency recorded), waits --settle seconds,
forces a compaction (a transaction that asks to scrub), waits until the new snapshot and
journal are in place, then --settle seconds more. Prints medians over the runs of: the
longest and p99 commit and read latency while the compaction ran (and in the same time
before it, for comparison), how long the compaction took, the time to open (wall clock and
CPU: on a shared machine the second is the steadier), and peak memory (ru_maxrss of the
run's process, whose peak is while opening).

    uv run python bench/engine_snapshot.py                        # 520,000 documents, 3 runs
    uv run python bench/engine_snapshot.py --docs 20000 --outbox 1000 --runs 1 --settle 0.3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store.engine import Tx  # noqa: E402
from bot.store.tinydb import TinyDBEngine  # noqa: E402

SESSIONS = 400
BATCH = 10_000  # documents per transaction while building
T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
FIGURES = (
    "commit_max_ms", "commit_p99_ms", "read_max_ms", "read_p99_ms",
    "before_commit_max_ms", "before_commit_p99_ms", "before_read_max_ms", "before_read_p99_ms",
    "commits_during", "compaction_s", "open_s", "open_cpu_s", "peak_mb",
)  # fmt: skip


def registration(n: int) -> tuple[str, dict[str, str]]:
    session, user = f"s{n % SESSIONS}", f"U{n:08d}"
    return f"{session}|{user}", {"session": session, "user": user, "at": T0.isoformat()}


def entry(n: int) -> tuple[str, dict[str, str]]:
    due = (T0 + timedelta(days=30, seconds=n)).isoformat()
    doc = {"kind": "reminder", "subject": f"s{n % SESSIONS}", "recipient": f"U{n:08d}",
           "due": due, "rank": due, "status": "pending", "text": "Starts soon"}  # fmt: skip
    return f"reminder|{n}", doc


def build(path: Path, docs: int, outbox: int) -> None:
    engine = TinyDBEngine(path, compact_after=10**9)
    for table, make, count in (("registrations", registration, docs), ("outbox", entry, outbox)):
        for start in range(0, count, BATCH):

            def fill(tx: Tx, start: int = start, count: int = count) -> None:
                for n in range(start, min(start + BATCH, count)):
                    tx.put(table, *make(n))  # noqa: B023 (called at once)

            engine.transaction(fill)
    engine.close()


def forget(tx: Tx) -> None:
    """A forgetting: the engine compacts soon after."""
    tx.put("bench", "forgotten", {"at": 1})
    tx.scrub()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def measure(path: Path, settle: float) -> dict[str, float]:
    """One run, in this process: see the module's docstring."""
    began, cpu = time.perf_counter(), time.process_time()
    engine = TinyDBEngine(path)
    opened, opened_cpu = time.perf_counter() - began, time.process_time() - cpu
    engine.read(lambda tx: tx.count("registrations", session="s0"))  # build the index first
    commits: list[tuple[float, float]] = []  # (start, end)
    reads: list[tuple[float, float]] = []
    stop = threading.Event()

    def commit() -> None:
        n = 10**8
        while not stop.is_set():
            key, doc = registration(n)

            def work(tx: Tx, key: str = key, doc: dict[str, str] = doc) -> None:
                tx.count("registrations", session=doc["session"])
                tx.add("registrations", key, doc)

            start = time.perf_counter()
            engine.transaction(work)
            commits.append((start, time.perf_counter()))
            n += 1

    def read() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            engine.read(lambda tx: tx.get("registrations", "s1|U00000001"))
            reads.append((start, time.perf_counter()))
            time.sleep(0.001)

    threads = [threading.Thread(target=commit), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    time.sleep(settle)
    journal = path.with_name(path.name + ".journal")
    inode = journal.stat().st_ino
    start = time.perf_counter()
    engine.transaction(forget)  # compact now
    while journal.stat().st_ino == inode:  # the new journal comes after the new snapshot
        time.sleep(0.002)
    end = time.perf_counter()
    time.sleep(settle)
    stop.set()
    for thread in threads:
        thread.join()
    engine.close()

    def during(samples: list[tuple[float, float]], since: float, until: float) -> list[float]:
        return [(b - a) * 1000 for a, b in samples if b >= since and a <= until]

    length = end - start
    figures = {"compaction_s": length, "open_s": opened, "open_cpu_s": opened_cpu}
    for name, samples in (("commit", commits), ("read", reads)):
        now, before = during(samples, start, end), during(samples, start - length, start)
        figures |= {f"{name}_max_ms": max(now), f"{name}_p99_ms": percentile(now, 0.99)}
        figures |= {f"before_{name}_max_ms": max(before, default=0.0)}
        figures |= {f"before_{name}_p99_ms": percentile(before, 0.99)}
    figures["commits_during"] = len(during(commits, start, end))
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=520_000)
    parser.add_argument("--outbox", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.settle)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "built" / "bot.json"
        began = time.perf_counter()
        build(built, args.docs, args.outbox)
        size = built.stat().st_size / 1e6
        print(f"built {args.docs:,} registrations + {args.outbox:,} outbox entries in "
              f"{time.perf_counter() - began:.1f} s; snapshot {size:.1f} MB")  # fmt: skip
        runs = []
        for run in range(args.runs):
            copy = Path(scratch) / f"run{run}" / "bot.json"
            shutil.copytree(built.parent, copy.parent)
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(copy), "--settle", str(args.settle)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )  # fmt: skip
            runs.append(json.loads(child.stdout.splitlines()[-1]))
            shutil.rmtree(copy.parent)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
          f"load average {load}; one committing thread (an fsync per transaction), one "
          f"reading thread every ms; medians of {args.runs} runs, each in a fresh "
          f"process")  # fmt: skip
    for name in FIGURES:
        values = [run[name] for run in runs]
        shown = ", ".join(f"{value:.3g}" for value in values)
        print(f"  {name:22} {statistics.median(values):10.3f}   ({shown})")


if __name__ == "__main__":
    main()

"""How many durable registrations per second the store takes, beside stock TinyDB.

For 0, 10,000 and 50,000 registrations already stored, 100 threads register different
people (spread over 100 sessions) at once, each call returning only once its change is on
disk. Prints registrations per second and p50/p99 confirmation latency (call to return)
for `TinyDBStore` (median of --rounds runs; each run is long enough to include a
compaction) and for stock TinyDB: default JSONStorage, one `insert` per registration
behind a lock (TinyDB is not thread-safe). Stock TinyDB rewrites the whole file per insert,
so it is measured on a bounded number of inserts (at most --stock-inserts, stopping after
--stock-seconds) and says so; its latencies include waiting for the lock, which Python
does not hand out in turn, so its p50 flatters it. Pre-stored registrations are loaded in
bulk, untimed.

    uv run python bench/registrations.py            # the full run (about 40 seconds)
    uv run python bench/registrations.py --quick    # smoke run, a second or two
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tinydb import TinyDB

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.legacy.files import write_snapshot  # noqa: E402
from bot.legacy.ops import utc_now  # noqa: E402
from bot.legacy.state import StateData  # noqa: E402
from bot.records import TinyDBStore  # noqa: E402

SESSIONS = 100


@dataclass
class Result:
    count: int
    seconds: float
    latencies: list[float]
    bounded: bool = False

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


def hammer(threads: int, call: Callable[[int, int], bool], each: int) -> Result:
    """Run `call(thread, n)` for n < each on every thread at once; `call` returns False to
    say it gave up (stock TinyDB over budget), and such calls are not counted."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    start = threading.Barrier(threads + 1)

    def work(thread: int) -> None:
        start.wait()
        for n in range(each):
            began = time.perf_counter()
            if not call(thread, n):
                return
            latencies[thread].append(time.perf_counter() - began)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    flat = [latency for per_thread in latencies for latency in per_thread]
    return Result(len(flat), elapsed, flat)


def preloaded(size: int) -> list[dict[str, str]]:
    at = utc_now()
    return [{"session": f"s{n % SESSIONS}", "user": f"P{n}", "at": at} for n in range(size)]


def run_ours(directory: Path, size: int, threads: int, each: int) -> Result:
    db = directory / "bot.json"
    data = StateData()
    for row in preloaded(size):
        data.registered.setdefault(row["session"], {})[row["user"]] = row["at"]
    write_snapshot(db, data, 0)
    # The journal passes the compaction threshold during the run, so a snapshot of the
    # whole database is written while the threads keep registering.
    store = TinyDBStore(db, compact_after=max(1, threads * each * 2 // 3))

    def register(thread: int, n: int) -> bool:
        user, session = f"U{thread}-{n}", f"s{(thread + n) % SESSIONS}"
        store.register(user_id=user, session_id=session, capacity=None)
        return True

    try:
        return hammer(threads, register, each)
    finally:
        store.close()


def run_stock(directory: Path, size: int, threads: int, limit: int, budget: float) -> Result:
    path = directory / "stock.json"
    with TinyDB(path) as db:
        db.table("registrations").insert_multiple(preloaded(size))
    db = TinyDB(path)
    table = db.table("registrations")
    lock = threading.Lock()
    deadline = time.perf_counter() + budget
    left = [limit]

    def insert(thread: int, n: int) -> bool:
        with lock:
            if left[0] == 0 or time.perf_counter() > deadline:
                return False
            left[0] -= 1
            table.insert({"session": f"s{(thread + n) % SESSIONS}", "user": f"U{thread}-{n}",
                          "at": utc_now()})  # fmt: skip
        return True

    try:
        result = hammer(threads, insert, limit)
    finally:
        db.close()
    result.bounded = True
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smoke run with tiny sizes")
    parser.add_argument("--rounds", type=int, default=3, help="TinyDBStore runs per size")
    parser.add_argument("--each", type=int, default=300, help="registrations per thread")
    parser.add_argument("--stock-inserts", type=int, default=200)
    parser.add_argument("--stock-seconds", type=float, default=10.0)
    args = parser.parse_args()
    sizes: tuple[int, ...] = (0, 10_000, 50_000)
    threads = 100
    if args.quick:
        sizes, threads, args.rounds, args.each = (0, 500), 10, 1, 20
        args.stock_inserts, args.stock_seconds = 20, 1.0

    print(f"{threads} threads registering at once; a call returns once its change is on disk.")
    print(f"{'stored':>7}  {'store':<12} {'registrations':>15} {'per second':>11} "
          f"{'p50 ms':>8} {'p99 ms':>8}")  # fmt: skip
    ratios: list[str] = []
    for size in sizes:
        rows: dict[str, Result] = {}
        ours: list[Result] = []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-") as directory:
                ours.append(run_ours(Path(directory), size, threads, args.each))
        rows["TinyDBStore"] = sorted(ours, key=lambda r: r.rate)[len(ours) // 2]
        with tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-") as directory:
            rows["stock-TinyDB"] = run_stock(
                Path(directory), size, threads, args.stock_inserts, args.stock_seconds
            )
        for name, result in rows.items():
            count = f"{result.count}{' (bounded)' if result.bounded else ''}"
            print(f"{size:>7}  {name:<12} {count:>15} {result.rate:>11.0f} "
                  f"{result.percentile(0.5):>8.1f} {result.percentile(0.99):>8.1f}")  # fmt: skip
        ratio = rows["TinyDBStore"].rate / rows["stock-TinyDB"].rate
        ratios.append(f"{size}: {ratio:.0f}x")
    print(f"TinyDBStore row: median of {args.rounds} run(s) by rate. Stock TinyDB: one run, "
          f"at most {args.stock_inserts} inserts or {args.stock_seconds:g} s.")  # fmt: skip
    print("ratio (TinyDBStore / stock-TinyDB, per second): " + ", ".join(ratios))


if __name__ == "__main__":
    main()

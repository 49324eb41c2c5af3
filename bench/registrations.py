"""How many durable registrations per second the store takes: TinyDB beside stock TinyDB,
and, given a database, PostgreSQL with one process and with three replica processes.

For 0, 10,000 and 50,000 registrations already stored, 100 threads register different
people (spread over 100 sessions) at once, each call returning only once its change is on
disk. Prints registrations per second and p50/p99 confirmation latency (call to return),
and how many of the registrations were found stored afterwards ("kept": every one, or
something was lost):

- `TinyDBStore` (median of --rounds runs; each run is long enough to include a
  compaction), kept counted by opening the files again after closing;
- stock TinyDB: default JSONStorage, one `insert` per registration behind a lock (TinyDB
  is not thread-safe). It rewrites the whole file per insert, so it is measured on a
  bounded number of inserts (at most --stock-inserts, stopping after --stock-seconds) and
  says so; its latencies include waiting for the lock, which Python does not hand out in
  turn, so its p50 flatters it;
- with --database-url or --postgres: `Store(PostgresEngine(url))` as the bot opens it
  (its default pool of 8 connections), in ONE process running the 100 threads, and in
  THREE replica processes, each with its own engine, running 34 + 33 + 33 threads and
  registering different people at once (median of --pg-rounds runs each, of --pg-each
  registrations per thread, fewer than on TinyDB as it is slower: 10,000 a run; the rate
  is all registrations over the time from the first process's start to the last one's
  end).
  Each run starts from a database emptied (TRUNCATE) and filled with the pre-stored
  registrations, then VACUUM ANALYZE; the database must hold no documents when the
  benchmark starts, and is left empty. --postgres starts a throwaway cluster with
  PostgreSQL's durable defaults (fsync, synchronous_commit and full_page_writes on;
  unlike the tests' cluster, which turns them off); with --database-url the server's own
  settings apply, and are printed.

Pre-stored registrations are loaded in bulk, untimed (TinyDB: written as a snapshot with
`bot.store.snapshot`, as the engine writes it).

    uv run python bench/registrations.py                 # TinyDB only (about 40 seconds)
    uv run python bench/registrations.py --postgres      # and PostgreSQL, a cluster of its own
    uv run python bench/registrations.py --database-url postgresql://u:pw@host/db
    uv run python bench/registrations.py --quick [--postgres]   # smoke run, seconds
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from tinydb import TinyDB

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.records import Store, TinyDBStore  # noqa: E402
from bot.registrations.records import PLACES  # noqa: E402
from bot.store.engine import Doc, Tx  # noqa: E402
from bot.store.postgres import PostgresEngine  # noqa: E402
from bot.store.snapshot import install, write_snapshot  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

SESSIONS = 100
FILL_BATCH = 10_000  # pre-stored registrations per transaction when filling PostgreSQL
REPLICAS = 3


def utc_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Result:
    count: int
    seconds: float
    latencies: list[float]
    bounded: bool = False
    kept: int | None = None  # registrations found stored afterwards (None: not checked)
    repeated: int = 0  # registrations the store said were there already

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


@dataclass
class Hammered:
    """What `hammer` saw: each call's latency, and the wall-clock start and end (so runs in
    several processes can be put together)."""

    latencies: list[float]
    began: float
    ended: float
    elapsed: float  # perf_counter seconds, this process only
    results: list[bool] = field(default_factory=list)


def hammer(threads: int, call: Callable[[int, int], bool], each: int) -> Hammered:
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
    wall, began = time.time(), time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    flat = [latency for per_thread in latencies for latency in per_thread]
    return Hammered(flat, wall, wall + elapsed, elapsed)


def place(session: str, user: str, at: str) -> tuple[str, Doc]:
    """A registration as `bot.registrations.records` keeps it: key and document."""
    return f"{session}|{user}", {"session": session, "user": user, "state": "registered", "at": at}


def preloaded_places(size: int) -> dict[str, Doc]:
    at = utc_now()
    return dict(place(f"s{n % SESSIONS}", f"P{n}", at) for n in range(size))


def preloaded_rows(size: int) -> list[dict[str, str]]:
    """Stock TinyDB's rows: one per registration."""
    at = utc_now()
    return [{"session": f"s{n % SESSIONS}", "user": f"P{n}", "at": at} for n in range(size)]


def count_places(store: Store) -> int:
    return store.engine.read(lambda tx: tx.count(PLACES))


def registering(store: Store, prefix: str, repeated: list[int]) -> Callable[[int, int], bool]:
    """A `hammer` call registering person `<prefix><thread>-<n>` for a session (no cap);
    each registration the store says was there already is counted in `repeated[0]`."""
    lock = threading.Lock()

    def register(thread: int, n: int) -> bool:
        user, session = f"{prefix}{thread}-{n}", f"s{(thread + n) % SESSIONS}"
        if not store.register(user_id=user, session_id=session, capacity=None).changed:
            with lock:
                repeated[0] += 1
        return True

    return register


# --- TinyDB ---------------------------------------------------------------------------------


def run_ours(directory: Path, size: int, threads: int, each: int) -> Result:
    db = directory / "bot.json"
    install(write_snapshot(db, {PLACES: preloaded_places(size)}, 0), db)
    # The journal passes the compaction threshold during the run, so a snapshot of the
    # whole database is written while the threads keep registering.
    store = TinyDBStore(db, compact_after=max(1, threads * each * 2 // 3))
    repeated = [0]
    try:
        run = hammer(threads, registering(store, "U", repeated), each)
    finally:
        store.close()
    reopened = TinyDBStore(db)
    try:
        kept = count_places(reopened) - size
    finally:
        reopened.close()
    return Result(len(run.latencies), run.elapsed, run.latencies, kept=kept, repeated=repeated[0])


def run_stock(directory: Path, size: int, threads: int, limit: int, budget: float) -> Result:
    path = directory / "stock.json"
    with TinyDB(path) as db:
        db.table("registrations").insert_multiple(preloaded_rows(size))
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
        run = hammer(threads, insert, limit)
    finally:
        db.close()
    return Result(len(run.latencies), run.elapsed, run.latencies, bounded=True)


# --- PostgreSQL -----------------------------------------------------------------------------


class DurableCluster(PostgresCluster):
    """The tests' throwaway cluster, but durable: fsync, synchronous_commit and
    full_page_writes left at PostgreSQL's defaults (on), and the default 128 MB of shared
    buffers."""

    def start(self) -> None:
        options = " ".join([
            f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1",
            "-c shared_buffers=128MB", "-c max_connections=200",
        ])  # fmt: skip
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self._data), "-l", log, "-w", "-t", "30", "-o", options,
                  "start")  # fmt: skip


@contextmanager
def postgres_database(url: str | None, start: bool) -> Iterator[str | None]:
    """The database to measure: `url`, or with `start` a new one on a throwaway durable
    cluster (stopped and deleted afterwards), or None for neither."""
    if url is not None or not start:
        yield url
        return
    with DurableCluster() as cluster:
        yield cluster.create_database()


def documents(url: str) -> int:
    """How many documents the bot's table holds (0 if there is no such table yet)."""
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('bot_documents')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = conn.execute("SELECT count(*) FROM bot_documents").fetchone()
        return int(row[0]) if row else 0


def server_settings(url: str) -> str:
    """The settings that decide what a commit costs, as the server has them."""
    with psycopg.connect(url, autocommit=True) as conn:
        shown = []
        for name in ("server_version", "fsync", "synchronous_commit", "full_page_writes"):
            row = conn.execute(f"SHOW {name}").fetchone()
            shown.append(f"{name}={row[0] if row else '?'}")
    return ", ".join(shown)


def empty(url: str) -> None:
    """Delete every document (the benchmark's own: it refuses a database holding any)."""
    PostgresEngine(url).close()  # the schema, if not there yet
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE bot_documents")


def fill(url: str, size: int) -> None:
    """Empty the database, store `size` registrations, and let the planner know them."""
    empty(url)
    engine = PostgresEngine(url)
    try:
        rows = list(preloaded_places(size).items())
        for start in range(0, size, FILL_BATCH):

            def put(tx: Tx, start: int = start) -> None:
                for key, doc in rows[start : start + FILL_BATCH]:
                    tx.put(PLACES, key, doc)

            engine.transaction(put)
    finally:
        engine.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE bot_documents")


def split(threads: int, processes: int) -> list[int]:
    """`threads` shared out as evenly as can be: 100 over 3 is 34, 33, 33."""
    return [threads // processes + (1 if n < threads % processes else 0) for n in range(processes)]


def run_postgres(url: str, size: int, processes: int, threads: int, each: int) -> Result:
    """One run: `processes` fresh processes, each with its own engine, registering different
    people with `threads` threads in all, all starting at the same moment."""
    fill(url, size)
    children = []
    try:
        for number, share in enumerate(split(threads, processes)):
            command = [sys.executable, __file__, "--pg-child", url, "--child-number",
                       str(number), "--threads", str(share), "--each", str(each)]  # fmt: skip
            children.append(
                subprocess.Popen(
                    command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
                )
            )
        for child in children:  # each has opened its engine
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                raise SystemExit(f"a registering process did not start ({child.wait()})")
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        reports = []
        for child in children:
            out, _ = child.communicate(timeout=600)
            if child.returncode != 0:
                raise SystemExit(f"a registering process failed ({child.returncode})")
            reports.append(json.loads(out.splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    latencies = [latency for report in reports for latency in report["latencies"]]
    seconds = max(r["ended"] for r in reports) - min(r["began"] for r in reports)
    engine = PostgresEngine(url)
    try:
        kept = count_places(Store(engine)) - size
    finally:
        engine.close()
    repeated = sum(r["repeated"] for r in reports)
    return Result(len(latencies), seconds, latencies, kept=kept, repeated=repeated)


def pg_child(url: str, number: int, threads: int, each: int) -> None:
    """A registering process: open the engine, say "ready", wait for "go", register, and
    print what it saw as JSON."""
    store = Store(PostgresEngine(url))
    try:
        count_places(store)  # a connection is open and the schema is there
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return
        repeated = [0]
        run = hammer(threads, registering(store, f"R{number}-", repeated), each)
    finally:
        store.close()
    report = {"latencies": run.latencies, "began": run.began, "ended": run.ended,
              "repeated": repeated[0]}  # fmt: skip
    print(json.dumps(report), flush=True)


# --- the report -----------------------------------------------------------------------------


def median_run(results: list[Result]) -> Result:
    return sorted(results, key=lambda r: r.rate)[len(results) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smoke run with tiny sizes")
    parser.add_argument("--rounds", type=int, default=3, help="TinyDBStore runs per size")
    parser.add_argument("--each", type=int, default=300, help="registrations per thread")
    parser.add_argument("--stock-inserts", type=int, default=200)
    parser.add_argument("--stock-seconds", type=float, default=10.0)
    parser.add_argument("--database-url", help="also measure PostgreSQL at this (empty) URL")
    parser.add_argument("--postgres", action="store_true",
                        help="also measure PostgreSQL, on a throwaway durable cluster")  # fmt: skip
    parser.add_argument("--pg-rounds", type=int, default=3, help="PostgreSQL runs per case")
    parser.add_argument("--pg-each", type=int, default=100,
                        help="registrations per thread on PostgreSQL")  # fmt: skip
    parser.add_argument("--pg-child", help=argparse.SUPPRESS)
    parser.add_argument("--child-number", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=100, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pg_child is not None:
        pg_child(args.pg_child, args.child_number, args.threads, args.each)
        return
    sizes: tuple[int, ...] = (0, 10_000, 50_000)
    threads = 100
    if args.quick:
        sizes, threads, args.rounds, args.each = (0, 500), 10, 1, 20
        args.stock_inserts, args.stock_seconds, args.pg_rounds, args.pg_each = 20, 0.3, 1, 20

    with postgres_database(args.database_url, args.postgres) as url:
        if url is not None and documents(url):
            raise SystemExit(
                f"the database holds {documents(url)} documents: the benchmark needs an empty "
                "one (it empties bot_documents between runs)"
            )
        try:
            measure(sizes, threads, args, url)
        finally:
            if url is not None:
                empty(url)


def measure(
    sizes: tuple[int, ...], threads: int, args: argparse.Namespace, url: str | None
) -> None:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} "
          f"at start")  # fmt: skip
    if url is not None:
        print(f"PostgreSQL: {server_settings(url)}; pool of 8 connections per process")
    print(f"{threads} threads registering at once; a call returns once its change is on disk.")
    print(f"{'stored':>7}  {'store':<13} {'registrations':>15} {'per second':>11} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'kept':>7} {'repeated':>8}")  # fmt: skip
    ratios: dict[str, list[str]] = {}
    for size in sizes:
        rows: dict[str, Result] = {}
        ours: list[Result] = []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-") as directory:
                ours.append(run_ours(Path(directory), size, threads, args.each))
        rows["TinyDBStore"] = median_run(ours)
        with tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-") as directory:
            rows["stock-TinyDB"] = run_stock(
                Path(directory), size, threads, args.stock_inserts, args.stock_seconds
            )
        if url is not None:
            for name, processes in (("PG-1-process", 1), (f"PG-{REPLICAS}-replicas", REPLICAS)):
                runs = [
                    run_postgres(url, size, processes, threads, args.pg_each)
                    for _ in range(args.pg_rounds)
                ]
                rows[name] = median_run(runs)
        for name, result in rows.items():
            count = f"{result.count}{' (bounded)' if result.bounded else ''}"
            kept = "-" if result.kept is None else str(result.kept)
            print(f"{size:>7}  {name:<13} {count:>15} {result.rate:>11.0f} "
                  f"{result.percentile(0.5):>8.1f} {result.percentile(0.99):>8.1f} "
                  f"{kept:>7} {result.repeated:>8}")  # fmt: skip
        compared = [("TinyDBStore", "stock-TinyDB")]
        if url is not None:
            compared += [(f"PG-{REPLICAS}-replicas", "PG-1-process"),
                         ("TinyDBStore", "PG-1-process"),
                         ("TinyDBStore", f"PG-{REPLICAS}-replicas")]  # fmt: skip
        for top, bottom in compared:
            ratio = rows[top].rate / rows[bottom].rate
            shown = f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.2f}x"
            ratios.setdefault(f"{top} / {bottom}", []).append(f"{size}: {shown}")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"TinyDBStore row: median of {args.rounds} run(s) by rate. Stock TinyDB: one run, "
          f"at most {args.stock_inserts} inserts or {args.stock_seconds:g} s.")  # fmt: skip
    if url is not None:
        shares = "+".join(map(str, split(threads, REPLICAS)))
        print(f"PG rows: median of {args.pg_rounds} run(s) by rate, {args.pg_each} "
              f"registrations per thread, each run from a freshly filled database; "
              f"{REPLICAS} replicas: {shares} threads, an engine each.")  # fmt: skip
    for pair, each_size in ratios.items():
        print(f"ratio ({pair}, per second): " + ", ".join(each_size))
    print(f"load average {load} at the end")


if __name__ == "__main__":
    main()

"""The embedded engine at the scale of a national week: how long a TinyDB store of 520,000
registrations takes to open, how much memory a bot needs to queue a broadcast to all
104,000 people on it, and how long requests wait meanwhile and while a snapshot is written.

Builds a store of --people people each registered for 5 of --sessions sessions (104,000 x 5
= 520,000 registrations), written as the engine writes its snapshot (`bot.store.snapshot`),
and a programme of those sessions. Then, for each of --runs runs, in a fresh process on a
fresh copy of the files (so in the page cache: a warm start):

1. opens the store as the bot does (`TinyDBStore(path)`): wall clock and CPU time;
2. builds the bot as `python -m bot` does (`bot.app.build_bot`) against the tests' fake
   Slack, which runs in the parent process, accepts everything and is not rate-limited;
   the bot is not started (no scheduler, no outbox: nothing is sent, so what is measured is
   the queueing alone), after warming the engine's indexes as `python -m bot` does before
   it serves (`Store.warm`: timed), and answers one of each request first (timed, apart);
3. starts one thread doing what requests do, one after another with a millisecond between
   them: register a person for a sixth session, read their `seats_of`, unregister them;
   every call's latency is recorded;
4. after --settle seconds (the "before" window), an organiser queues a DM broadcast to
   everyone registered through the real `Broadcasts` service: draft, preview posted to
   the organiser (the fake Slack), audience "everyone registered", Send, which queues
   104,000 outbox entries in chunks of 500 (`FANOUT_CHUNK`), each a durable step;
5. after --settle seconds more, someone asks to be forgotten (`Store.forget`, as the
   privacy feature does), which makes the engine write a snapshot of everything (624,000
   documents by then) at once, as a compaction: from that request to the new journal in
   place is the "compaction" window;
6. after --settle seconds more, stops, and checks that every entry was queued once and
   the registrations are all there but the forgotten person's.

Prints medians over the runs (each run's values in brackets) of each figure beside its
target: the longest and p99 wait of a request while the broadcast was queued and while
the snapshot was written (target: none over 100 ms), the time to open (target under
1.5 s), and the peak memory of the process (ru_maxrss; target under 600 MB) after opening,
after queueing, and at the end (which includes the compaction), with the memory it holds
(VmRSS) after opening and after queueing, for comparison.

    uv run python bench/national_week.py            # 520,000 registrations, 3 runs
    uv run python bench/national_week.py --quick    # 2,000 people, 1 run: a smoke run
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.broadcasts.audiences import REGISTERED  # noqa: E402
from bot.broadcasts.service import FANOUT_CHUNK  # noqa: E402
from bot.outbox.records import TABLE as OUTBOX  # noqa: E402
from bot.programme import load_programme  # noqa: E402
from bot.records import BROADCAST_KIND, TinyDBStore  # noqa: E402
from bot.registrations.records import PLACES  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.store.engine import Doc  # noqa: E402
from bot.store.snapshot import install, write_snapshot  # noqa: E402

KINDS = ("register", "seats_of", "unregister")  # what the request thread does, in turn
EACH = 5  # sessions per person
SPREAD = 40  # a person's sessions are this far apart in the programme
OTHER = 20  # the session a request registers someone for: not one of theirs
ORGANISER = "U0ORGANISER"
T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # Monday of the week
WAIT_TARGET_MS = 100.0
OPEN_TARGET_S = 1.5
MEMORY_TARGET_MB = 600.0


def person(n: int) -> str:
    return f"U{n:07d}"


def sessions_of(n: int, sessions: int) -> list[int]:
    """The `EACH` sessions person `n` is registered for (distinct: SPREAD * EACH <= sessions)."""
    return [(n + SPREAD * k) % sessions for k in range(EACH)]


def session_id(number: int) -> str:
    return f"s{number:03d}"


def build(path: Path, programme: Path, people: int, sessions: int) -> None:
    """The store (as the engine writes its snapshot) and the programme."""
    if sessions < SPREAD * EACH:
        raise SystemExit(f"--sessions must be at least {SPREAD * EACH}")
    at = (T0 - timedelta(days=20)).isoformat()
    places: dict[str, Doc] = {}
    for k in range(EACH):  # registration order: everyone's first session, then second...
        for n in range(people):
            session, user = session_id(sessions_of(n, sessions)[k]), person(n)
            places[f"{session}|{user}"] = {
                "session": session, "user": user, "state": "registered", "at": at
            }  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    install(write_snapshot(path, {PLACES: places}, 0), path)
    rows = []
    for number in range(sessions):
        day, slot = divmod(number, max(1, sessions // 5))
        start = T0 + timedelta(days=day % 5, minutes=30 * (slot % 16))
        rows.append({"id": session_id(number), "title": f"Session {number}",
                     "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat(),
                     "location": "Online"})  # fmt: skip
    event = {"name": "National week", "timezone": "Europe/London"}
    programme.write_text(json.dumps({"event": event, "sessions": rows}))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    """The memory the process holds now (VmRSS; 0 where /proc is missing)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "0 0")
    return float(line.split()[1]) / 1024


@dataclass
class Calls:
    """(kind, start, end) of each request made, perf_counter seconds."""

    made: list[tuple[str, float, float]]

    def within(self, since: float, until: float, kind: str | None = None) -> list[float]:
        """The latency (ms) of every call (of `kind`) that overlapped [since, until]."""
        return [
            (b - a) * 1000
            for made, a, b in self.made
            if b >= since and a <= until and kind in (None, made)
        ]


def measure(path: Path, programme_path: Path, people: int, api_url: str, token: str,
            settle: float) -> dict[str, float]:  # fmt: skip
    """One run, in this (fresh) process: see the module's docstring."""
    figures: dict[str, float] = {}
    began, cpu = time.perf_counter(), time.process_time()
    store = TinyDBStore(path)
    figures["open_s"] = time.perf_counter() - began
    figures["open_cpu_s"] = time.process_time() - cpu
    figures["peak_open_mb"] = peak_mb()
    figures["resident_open_mb"] = resident_mb()
    began = time.perf_counter()
    store.warm()  # as `python -m bot` does before it serves
    figures["warm_s"] = time.perf_counter() - began
    settings = load_settings(
        _env_file=None,
        slack_bot_token=token,
        slack_signing_secret="bench",
        slack_api_url=api_url,
        programme_path=programme_path,
        database_path=path,
        organiser_ids=ORGANISER,
    )
    programme, _ = load_programme(programme_path)
    bot = build_bot(settings, programme, store)
    sessions = len(programme.sessions)
    capacities = {session.id: session.capacity for session in programme.sessions}

    # Warmed, the first request of each kind finds the index it needs.
    someone = person(people // 2)
    for name, first in (
        ("first_seats_of_ms", lambda: store.seats_of(user_id=someone)),
        ("first_register_ms", lambda: store.register(
            user_id=someone, session_id=session_id(OTHER), capacity=None)),
        ("first_unregister_ms", lambda: store.unregister(
            user_id=someone, session_id=session_id(OTHER), capacity=None)),
    ):  # fmt: skip
        start = time.perf_counter()
        first()
        figures[name] = (time.perf_counter() - start) * 1000

    made: list[tuple[str, float, float]] = []
    stop = threading.Event()
    repeated = [0]

    def requests() -> None:
        n = 0
        while not stop.is_set():
            who = (n * 7919) % people or people // 3  # never person 0 or 1 (forgotten)
            who = who if who != 1 else people // 3
            user = person(who)
            other = session_id((who + OTHER) % sessions)
            for kind in KINDS:
                start = time.perf_counter()
                if kind == "register":
                    repeated[0] += not store.register(
                        user_id=user, session_id=other, capacity=None
                    ).changed
                elif kind == "seats_of":
                    store.seats_of(user_id=user)
                else:
                    store.unregister(user_id=user, session_id=other, capacity=None)
                made.append((kind, start, time.perf_counter()))
                time.sleep(0.001)
            n += 1

    worker = threading.Thread(target=requests, name="requests")
    worker.start()
    try:
        time.sleep(settle)
        queue_start = time.perf_counter()
        draft = bot.broadcasts.draft(organiser_id=ORGANISER, text="Tomorrow's sessions move.")
        bot.broadcasts.post_preview(draft, user_id=ORGANISER)
        bot.broadcasts.choose_audience(broadcast_id=draft.id, audience=REGISTERED)
        if not bot.broadcasts.send(broadcast_id=draft.id):
            raise SystemExit("the broadcast was not sent")
        queue_end = time.perf_counter()
        figures["peak_queued_mb"] = peak_mb()
        figures["resident_queued_mb"] = resident_mb()
        time.sleep(settle)

        victim = person(1)
        journal = path.with_name(path.name + ".journal")
        inode = journal.stat().st_ino
        compact_start = time.perf_counter()
        forgotten = store.forget(
            user_id=victim, capacities=capacities, notices={}, at=datetime.now(UTC)
        )
        forget_end = time.perf_counter()
        while journal.stat().st_ino == inode:  # the new journal comes after the new snapshot
            time.sleep(0.002)
        compact_end = time.perf_counter()
        time.sleep(settle)
    finally:
        stop.set()
        worker.join()
    figures["peak_end_mb"] = peak_mb()

    calls = Calls(made)
    windows = {
        "before": (queue_start - settle, queue_start),
        "queueing": (queue_start, queue_end),
        "compaction": (compact_start, compact_end),
    }
    for window, (since, until) in windows.items():
        waits = calls.within(since, until)
        figures[f"{window}_max_ms"] = max(waits, default=0.0)
        figures[f"{window}_p99_ms"] = percentile(waits, 0.99)
        figures[f"{window}_p50_ms"] = percentile(waits, 0.5)
        figures[f"{window}_calls"] = len(waits)
        for kind in KINDS:
            figures[f"{window}_max_{kind}_ms"] = max(calls.within(since, until, kind), default=0)
    after_forget = calls.within(forget_end, compact_end)
    figures["snapshot_only_max_ms"] = max(after_forget, default=0.0)
    figures["queueing_s"] = queue_end - queue_start
    figures["compaction_s"] = compact_end - compact_start
    figures["forget_ms"] = (forget_end - compact_start) * 1000

    # Lost or repeated nothing: one entry per person but the forgotten one (whose entry
    # is cancelled, and no longer names them), and every registration but theirs.
    counts = store.counts(kind=BROADCAST_KIND, subject=draft.id)
    entries = store.engine.read(lambda tx: tx.find(OUTBOX, kind=BROADCAST_KIND))
    recipients = [doc["recipient"] for _, doc in entries]
    figures["entries"] = counts.total
    figures["entries_pending"] = counts.pending
    figures["entries_repeated"] = len(recipients) - len(set(recipients))
    figures["registrations"] = store.engine.read(lambda tx: tx.count(PLACES))
    figures["forgotten_sessions"] = len(forgotten.registered)
    figures["requests_repeated"] = repeated[0]
    bot.close()
    return figures


FIGURES: tuple[tuple[str, str, str], ...] = (
    # (figure, what it is, target)
    ("open_s", "open the store (s)", f"< {OPEN_TARGET_S} s"),
    ("open_cpu_s", "open the store, CPU (s)", ""),
    ("peak_open_mb", "peak memory after opening (MB)", ""),
    ("resident_open_mb", "  resident after opening (MB)", "(VmRSS)"),
    ("peak_queued_mb", "peak memory after queueing (MB)", f"< {MEMORY_TARGET_MB:.0f} MB"),
    ("resident_queued_mb", "  resident after queueing (MB)", "(VmRSS)"),
    ("peak_end_mb", "peak memory, with compaction (MB)", f"< {MEMORY_TARGET_MB:.0f} MB"),
    ("queueing_s", "queueing the broadcast (s)", ""),
    ("queueing_max_ms", "request wait while queueing, max (ms)", f"< {WAIT_TARGET_MS:.0f} ms"),
    ("queueing_p99_ms", "  p99 (ms)", f"< {WAIT_TARGET_MS:.0f} ms"),
    ("queueing_p50_ms", "  p50 (ms)", ""),
    ("queueing_calls", "  requests in the window", ""),
    ("queueing_max_register_ms", "  max of a register (ms)", ""),
    ("queueing_max_seats_of_ms", "  max of a seats_of (ms)", ""),
    ("queueing_max_unregister_ms", "  max of an unregister (ms)", ""),
    ("compaction_s", "compaction: forget to new journal (s)", ""),
    ("compaction_max_ms", "request wait while compacting, max (ms)", f"< {WAIT_TARGET_MS:.0f} ms"),
    ("compaction_p99_ms", "  p99 (ms)", f"< {WAIT_TARGET_MS:.0f} ms"),
    ("compaction_p50_ms", "  p50 (ms)", ""),
    ("compaction_calls", "  requests in the window", ""),
    ("compaction_max_register_ms", "  max of a register (ms)", ""),
    ("compaction_max_seats_of_ms", "  max of a seats_of (ms)", ""),
    ("compaction_max_unregister_ms", "  max of an unregister (ms)", ""),
    ("snapshot_only_max_ms", "  max after the forget returned (ms)", f"< {WAIT_TARGET_MS:.0f} ms"),
    ("forget_ms", "the forget that asked for it (ms)", ""),
    ("before_max_ms", "request wait before, max (ms)", "(for comparison)"),
    ("before_p99_ms", "  p99 (ms)", ""),
    ("before_p50_ms", "  p50 (ms)", ""),
    ("warm_s", "warming the indexes before serving (s)", "(python -m bot does)"),
    ("first_seats_of_ms", "first seats_of after opening (ms)", "(warmed)"),
    ("first_register_ms", "first register after opening (ms)", "(warmed)"),
    ("first_unregister_ms", "first unregister after opening (ms)", ""),
    ("entries", "broadcast entries queued", "= people"),
    ("entries_pending", "  of which pending", "= people - 1 (forgotten)"),
    ("entries_repeated", "  repeated recipients", "0"),
    ("registrations", "registrations at the end", "= stored - 5 (forgotten)"),
    ("requests_repeated", "requests told 'already registered'", "0"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2,000 people, 1 run")
    parser.add_argument("--people", type=int, default=104_000)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        config: dict[str, Any] = json.loads(args.child)
        figures = measure(
            Path(config["path"]), Path(config["programme"]), config["people"],
            config["api_url"], config["token"], config["settle"],
        )  # fmt: skip
        print(json.dumps(figures))
        return
    if args.quick:
        args.people, args.runs, args.settle = 2_000, 1, 0.3
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
          f"load average {load} at start")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch, FakeSlack() as fake:
        built = Path(scratch) / "built" / "bot.json"
        programme = Path(scratch) / "programme.json"
        began = time.perf_counter()
        build(built, programme, args.people, args.sessions)
        size = built.stat().st_size / 1e6
        stored = args.people * EACH
        print(f"built {args.people:,} people x {EACH} sessions = {stored:,} registrations over "
              f"{args.sessions} sessions in {time.perf_counter() - began:.1f} s; snapshot "
              f"{size:.1f} MB")  # fmt: skip
        runs = []
        for run in range(args.runs):
            copy = Path(scratch) / f"run{run}" / "bot.json"
            shutil.copytree(built.parent, copy.parent)
            config = {"path": str(copy), "programme": str(programme), "people": args.people,
                      "api_url": fake.api_url, "token": fake.bot_token,
                      "settle": args.settle}  # fmt: skip
            child = subprocess.run(
                [sys.executable, __file__, "--child", json.dumps(config)],
                capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip
            if child.returncode != 0:
                sys.stderr.write(child.stderr)
                raise SystemExit(f"run {run} failed ({child.returncode})")
            runs.append(json.loads(child.stdout.splitlines()[-1]))
            shutil.rmtree(copy.parent)
        posted = len(fake.calls_to("chat.postMessage"))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"medians of {args.runs} run(s), each in a fresh process on a fresh copy of the files "
          f"(warm page cache); a request thread: register, seats_of, unregister, 1 ms apart; "
          f"fan-out chunks of {FANOUT_CHUNK:,}; the fake Slack got {posted} chat.postMessage "
          f"(the preview; the outbox was not started); load average {load} at the end")  # fmt: skip
    for name, label, target in FIGURES:
        values = [run[name] for run in runs]
        shown = ", ".join(f"{value:.4g}" for value in values)
        median = statistics.median(values)
        met = ""
        if target.startswith("< "):
            limit = float(target.split()[1])
            met = "ok" if median < limit else "MISSED"
        print(f"  {label:42} {median:12.3f}   {target:>26} {met:6} ({shown})")
    print(f"stored registrations: {stored:,}; people: {args.people:,}")


if __name__ == "__main__":
    main()

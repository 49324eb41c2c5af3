"""How well the outbox uses Slack's rate limit with reminders and a broadcast going at once:
one bot on TinyDB, and, given a database, three replica bots on one PostgreSQL database.

The bot is built as `python -m bot` builds it (`bot.app.build_bot`), against the tests' fake
Slack (in this process), which limits chat.postMessage to 50 calls in any rolling second
(429 with `Retry-After: 1` beyond). 3,000 people are registered for one session, whose
reminder (1 hour before) falls due a couple of seconds after start; 2,000 others are
registered for a second session, and an organiser's broadcast to that session's
registrants is scheduled for the same moment. Two runs:

- TinyDB: one bot in this process, with a `TinyDBStore` in a temporary directory; the
  reminders and the broadcast go through its one outbox and its one pace.
- with --database-url or --postgres: THREE replica bots, each in a process of its own with
  its own `Store(PostgresEngine(url))` and `DATABASE_URL` set (so their outboxes share one
  pace through the database: `shared=True`), on one PostgreSQL database and the one fake
  Slack. The registrations and the broadcast are written beforehand, from this process;
  each replica then starts as `python -m bot` starts (every one schedules the reminder and
  the broadcast; the first to act wins). The database must hold no documents when the
  benchmark starts; it is emptied at the end. --postgres starts a throwaway cluster with
  PostgreSQL's durable defaults (fsync and synchronous_commit on).

Prints, per run: messages delivered (reminders, broadcast; and per replica); seconds from the
moment to the last message; the achieved rate and its fraction of the allowed rate (target
at least 0.9, and at most 1: replicas together must not use more than the one limit);
lost messages (expected minus distinct deliveries; target 0); duplicates (target 0); the
delay of the first reminder after its moment (target under 1 s); the 429s Slack answered.
Progress goes to stderr.

    uv run python bench/reminders.py                # TinyDB only (about 100 seconds)
    uv run python bench/reminders.py --postgres     # and three replicas on PostgreSQL
    uv run python bench/reminders.py --database-url postgresql://u:pw@host/db
    uv run python bench/reminders.py --quick [--postgres]  # 150 + 100 people at 100/s
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bot.app  # noqa: E402
from bot.app import build_bot  # noqa: E402
from bot.programme import load_programme  # noqa: E402
from bot.records import BROADCAST_KIND, Store, TinyDBStore, open_store  # noqa: E402
from bot.reminders.jobs import REMINDER  # noqa: E402
from bot.settings import Settings, load_settings  # noqa: E402
from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.store.postgres import PostgresEngine  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

REMINDED, ANNOUNCED = "s-reminded", "s-announced"
ORGANISER = "U0ORGANISER"
REPLICAS = 3
REPLICA_HEADER = "x-bench-replica"  # which replica made a call (headers arrive lower-cased)


def register(store: Store, session: str, users: list[str]) -> None:
    """Register `users` (untimed setup; many threads, so the store groups commits)."""
    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(lambda u: store.register(user_id=u, session_id=session, capacity=None),
                      users))  # fmt: skip


def write_programme(path: Path, due: datetime) -> None:
    """The reminded session's 1-hour reminder falls due at `due`; the other's much later."""
    sessions = [
        {"id": session, "title": title, "start": start.isoformat(),
         "end": (start + timedelta(hours=1)).isoformat(), "location": "Room 2"}
        for session, title, start in (
            (REMINDED, "Anti-racist practice", due + timedelta(hours=1)),
            (ANNOUNCED, "Supervision", due + timedelta(hours=3)),
        )
    ]  # fmt: skip
    event = {"name": "Benchmark week", "timezone": "Europe/London"}
    draft = path.with_name(path.name + ".new")
    draft.write_text(json.dumps({"event": event, "sessions": sessions}))
    os.replace(draft, path)  # a bot watching the file never reads half of it


def bench_settings(fake: FakeSlack, tmp: Path, url: str | None) -> Settings:
    return load_settings(
        _env_file=None,
        slack_bot_token=fake.bot_token,
        slack_signing_secret="bench",
        slack_api_url=fake.api_url,
        programme_path=tmp / "programme.json",
        database_path=tmp / "bot.json",
        database_url=url,
        reminder_offsets="1h",
        organiser_ids=ORGANISER,
    )


def schedule_broadcast(settings: Settings, store: Store, due: datetime) -> str:
    """The organiser's broadcast to the announced session, scheduled for `due`, written
    through a bot built (not started) on `store`; its id."""
    programme, _ = load_programme(settings.programme_path)
    built = build_bot(settings, programme, store)
    draft = built.broadcasts.draft(organiser_id=ORGANISER, text="Room change: now in Hall B.")
    built.broadcasts.choose_audience(broadcast_id=draft.id, audience=f"session:{ANNOUNCED}")
    built.broadcasts.schedule(broadcast_id=draft.id, when=due)
    built.scheduler.shutdown()  # never started: the bots that are send it
    return draft.id


@dataclass
class Run:
    """One run's name, what it expected, and what the fake Slack saw."""

    name: str
    reminded: int
    announced: int
    per_second: int
    due: float  # the moment, as a wall-clock timestamp
    arrivals: list[tuple[float, str]]
    accepted: list[dict[str, Any]]  # the args of each accepted chat.postMessage
    replicas: Counter[str]  # accepted calls per replica
    limited: int
    late_starts: int = 0  # replicas that started only after the moment

    def figures(self) -> dict[str, str]:
        people = self.reminded + self.announced
        distinct = len({args["channel"] for args in self.accepted})
        seconds = max(when for when, _ in self.arrivals) - self.due
        reminders = [when for when, text in self.arrivals if text.startswith("Anti-racist")]
        rate = len(self.accepted) / seconds
        shown = {
            "registrants": f"{people}",
            "messages": f"{len(self.accepted)}",
            "reminders": f"{len(reminders)}",
            "broadcast messages": f"{len(self.accepted) - len(reminders)}",
            "seconds": f"{seconds:.1f}",
            "achieved rate": f"{rate:.1f}",
            "fraction of allowed": f"{rate / self.per_second:.3f}",
            "lost": f"{people - distinct}",
            "duplicates": f"{len(self.accepted) - distinct}",
            "first reminder delay": f"{min(reminders) - self.due:.3f}",
            "429s seen": f"{self.limited}",
        }
        if self.replicas:
            counts = (str(self.replicas[key]) for key in sorted(self.replicas))
            shown["sent per replica"] = "+".join(counts)
            shown["replicas late"] = f"{self.late_starts}"
        return shown


NOTES = {
    "registrants": "reminded + announced to",
    "seconds": "the moment to the last message",
    "achieved rate": "per second",
    "fraction of allowed": "target >= 0.9, and not above 1",
    "lost": "target 0",
    "duplicates": "target 0",
    "first reminder delay": "seconds; target < 1 s",
    "sent per replica": "accepted chat.postMessage calls by each",
    "replicas late": "started after the moment (target 0)",
}


@contextmanager
def fake_slack(per_second: int) -> Iterator[tuple[FakeSlack, list[tuple[float, str]]]]:
    """The fake Slack, limited to `per_second`, and the time and text of each accepted
    chat.postMessage as it arrives."""
    arrivals: list[tuple[float, str]] = []
    with FakeSlack() as fake:
        post = fake.answers.handlers["chat.postMessage"]

        def timed_post(args: dict[str, Any]) -> dict[str, Any]:
            arrivals.append((time.time(), str(args.get("text", ""))[:20]))
            return post(args)

        fake.answer_with("chat.postMessage", timed_post)
        fake.limit_rate("chat.postMessage", per_second=per_second, retry_after=1)
        yield fake, arrivals


def wait_done(store: Store, broadcast_id: str, expected: int, deadline: float) -> None:
    while not _done(store, broadcast_id, expected):
        if time.monotonic() > deadline:
            raise SystemExit("the messages were not all settled in time")
        time.sleep(0.5)
        counts = store.counts(kind=REMINDER, subject=REMINDED)
        broadcast = store.counts(kind=BROADCAST_KIND, subject=broadcast_id)
        print(f"  {counts.settled + broadcast.settled} settled", file=sys.stderr, flush=True)


def _done(store: Store, broadcast_id: str, expected: int) -> bool:
    reminders = store.counts(kind=REMINDER, subject=REMINDED)
    broadcast = store.counts(kind=BROADCAST_KIND, subject=broadcast_id)
    settled = reminders.settled + broadcast.settled
    return settled >= expected and not (reminders.pending or broadcast.pending)


def delivered(fake: FakeSlack) -> tuple[list[dict[str, Any]], Counter[str], int]:
    """The args of each accepted chat.postMessage, how many each replica made, and the 429s."""
    accepted = [c for c in fake.calls_to("chat.postMessage") if not c.failed]
    replicas = Counter(c.headers[REPLICA_HEADER] for c in accepted if REPLICA_HEADER in c.headers)
    return [c.args for c in accepted], replicas, fake.rate_limited_count("chat.postMessage")


# --- one bot on TinyDB ----------------------------------------------------------------------


def run_tinydb(reminded: int, announced: int, per_second: int, lead: float) -> Run:
    with fake_slack(per_second) as (fake, arrivals), tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(fake, Path(tmp), None)
        store = TinyDBStore(settings.database_path)
        register(store, REMINDED, [f"UR{n:06d}" for n in range(reminded)])
        register(store, ANNOUNCED, [f"UA{n:06d}" for n in range(announced)])
        due = datetime.now(UTC) + timedelta(seconds=lead)
        write_programme(settings.programme_path, due)
        programme, _ = load_programme(settings.programme_path)
        bot = build_bot(settings, programme, store)
        draft = bot.broadcasts.draft(organiser_id=ORGANISER, text="Room change: now in Hall B.")
        bot.broadcasts.choose_audience(broadcast_id=draft.id, audience=f"session:{ANNOUNCED}")
        bot.broadcasts.schedule(broadcast_id=draft.id, when=due)
        bot.start()
        try:
            deadline = time.monotonic() + lead + (reminded + announced) / per_second * 3 + 60
            wait_done(store, draft.id, reminded + announced, deadline)
        finally:
            bot.close()
        accepted, replicas, limited = delivered(fake)
    return Run("TinyDB, 1 process", reminded, announced, per_second, due.timestamp(), arrivals,
               accepted, replicas, limited)  # fmt: skip


# --- three replicas on PostgreSQL -----------------------------------------------------------


@contextmanager
def postgres_database(url: str | None, start: bool) -> Iterator[str | None]:
    """The database to use: `url`, or with `start` a new one on a throwaway cluster with
    PostgreSQL's durable defaults (stopped and deleted afterwards), or None for neither."""
    if url is not None or not start:
        yield url
        return
    with DurableCluster() as cluster:
        yield cluster.create_database()


class DurableCluster(PostgresCluster):
    """The tests' throwaway cluster, but with fsync, synchronous_commit and
    full_page_writes at PostgreSQL's defaults (on)."""

    def start(self) -> None:
        options = " ".join([
            f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1",
            "-c shared_buffers=128MB", "-c max_connections=200",
        ])  # fmt: skip
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self._data), "-l", log, "-w", "-t", "30", "-o", options,
                  "start")  # fmt: skip


def documents(url: str) -> int:
    """How many documents the bot's table holds (0 if there is no such table yet)."""
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('bot_documents')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = conn.execute("SELECT count(*) FROM bot_documents").fetchone()
        return int(row[0]) if row else 0


def server_settings(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        shown = []
        for name in ("server_version", "fsync", "synchronous_commit"):
            row = conn.execute(f"SHOW {name}").fetchone()
            shown.append(f"{name}={row[0] if row else '?'}")
    return ", ".join(shown)


def empty(url: str) -> None:
    """Delete every document (the benchmark's own: it refuses a database holding any)."""
    PostgresEngine(url).close()  # the schema, if not there yet
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE bot_documents")


class Replica:
    """A replica bot in a process of its own (this file with --replica)."""

    def __init__(self, number: int, config: dict[str, Any]) -> None:
        self.number = number
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--replica", json.dumps(config | {"number": number})],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip

    def expect(self, word: str) -> str:
        """The next line it prints, which must start with `word`."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith(word):
            raise SystemExit(f"replica {self.number}: expected {word!r}, got {line!r}")
        return line

    def say(self, word: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(word + "\n")
        self.process.stdin.flush()

    def finish(self) -> None:
        self.say("stop")
        self.expect("stopped")
        if self.process.wait(timeout=60) != 0:
            raise SystemExit(f"replica {self.number} failed ({self.process.returncode})")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def run_replicas(
    url: str, replicas: int, reminded: int, announced: int, per_second: int, lead: float
) -> Run:
    with fake_slack(per_second) as (fake, arrivals), tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(fake, Path(tmp), url)
        store = Store(PostgresEngine(url))
        running: list[Replica] = []
        try:
            register(store, REMINDED, [f"UR{n:06d}" for n in range(reminded)])
            register(store, ANNOUNCED, [f"UA{n:06d}" for n in range(announced)])
            config = {"url": url, "api_url": fake.api_url, "token": fake.bot_token, "tmp": tmp}
            running = [Replica(n, config) for n in range(replicas)]
            for replica in running:
                replica.expect("imported")
            due = datetime.now(UTC) + timedelta(seconds=lead)
            write_programme(settings.programme_path, due)
            broadcast_id = schedule_broadcast(settings, store, due)
            for replica in running:
                replica.say("go")
            started = [float(replica.expect("started").split()[1]) for replica in running]
            late = sum(moment > due.timestamp() for moment in started)
            deadline = time.monotonic() + lead + (reminded + announced) / per_second * 3 + 60
            wait_done(store, broadcast_id, reminded + announced, deadline)
            for replica in running:
                replica.finish()
        finally:
            for replica in running:
                replica.kill()
            store.close()
        accepted, by_replica, limited = delivered(fake)
    name = f"PostgreSQL, {replicas} replicas"
    return Run(name, reminded, announced, per_second, due.timestamp(), arrivals, accepted,
               by_replica, limited, late)  # fmt: skip


def replica_main(config: dict[str, Any]) -> None:
    """A replica: say "imported"; on "go" start the bot as `python -m bot` does (with
    DATABASE_URL) and say "started <time>"; on "stop" close it and say "stopped"."""
    number = config["number"]
    plain = bot.app.web_client

    def tagged(token: str, base_url: str, **options: Any) -> Any:
        client = plain(token, base_url, **options)
        client.headers[REPLICA_HEADER] = str(number)  # who sent each message, for the figures
        return client

    bot.app.web_client = tagged
    print("imported", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    tmp = Path(config["tmp"])
    settings = load_settings(
        _env_file=None,
        slack_bot_token=config["token"],
        slack_signing_secret="bench",
        slack_api_url=config["api_url"],
        programme_path=tmp / "programme.json",
        database_path=tmp / f"unused-{number}.json",
        database_url=config["url"],
        reminder_offsets="1h",
        organiser_ids=ORGANISER,
    )
    url = settings.database_url.get_secret_value() if settings.database_url else None
    store = open_store(settings.database_path, url)
    programme, _ = load_programme(settings.programme_path)
    replica = build_bot(settings, programme, store)
    replica.start()
    print(f"started {time.time()}", flush=True)
    try:
        sys.stdin.readline()  # "stop", or the end of the input
    finally:
        replica.close()
    print("stopped", flush=True)


# --- the report -----------------------------------------------------------------------------


def report(runs: list[Run]) -> None:
    columns = [run.figures() for run in runs]
    names = list(dict.fromkeys(name for figures in columns for name in figures))
    width = max(len(run.name) for run in runs) + 2
    print(f"{'':22}" + "".join(f"{run.name:>{width}}" for run in runs))
    for name in names:
        values = "".join(f"{figures.get(name, '-'):>{width}}" for figures in columns)
        note = NOTES.get(name)
        print(f"{name:22}{values}" + (f"  ({note})" if note else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="150 + 100 people at 100/s")
    parser.add_argument("--reminded", type=int, help="registrants reminded (default 3000)")
    parser.add_argument("--announced", type=int, help="broadcast recipients (default 2000)")
    parser.add_argument("--rate", type=int, help="allowed calls per second (default 50)")
    parser.add_argument("--lead", type=float, default=2.0, help="seconds until the moment")
    parser.add_argument(
        "--replica-lead", type=float, default=4.0, help="--lead with replicas (they start then)"
    )
    parser.add_argument("--database-url", help="also run replicas on PostgreSQL at this URL")
    parser.add_argument("--postgres", action="store_true",
                        help="also run replicas on PostgreSQL, on a throwaway cluster")  # fmt: skip
    parser.add_argument("--replicas", type=int, default=REPLICAS)
    parser.add_argument("--only-postgres", action="store_true", help="skip the TinyDB run")
    parser.add_argument("--replica", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.replica is not None:
        replica_main(json.loads(args.replica))
        return
    reminded = args.reminded or (150 if args.quick else 3000)
    announced = args.announced or (100 if args.quick else 2000)
    per_second = args.rate or (100 if args.quick else 50)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load} "
          f"at start; {reminded} reminded + {announced} announced to; allowed {per_second}/s "
          f"(rolling second, Retry-After: 1)")  # fmt: skip
    runs: list[Run] = []
    if not args.only_postgres:
        runs.append(run_tinydb(reminded, announced, per_second, args.lead))
    with postgres_database(args.database_url, args.postgres) as url:
        if url is not None:
            if documents(url):
                raise SystemExit(
                    f"the database holds {documents(url)} documents: the benchmark needs an "
                    "empty one (it empties bot_documents at the end)"
                )
            print(f"PostgreSQL: {server_settings(url)}; each replica its own process, engine "
                  f"(pool of 8) and outbox (4 workers), DATABASE_URL set")  # fmt: skip
            try:
                runs.append(run_replicas(url, args.replicas, reminded, announced, per_second,
                                         args.replica_lead))  # fmt: skip
            finally:
                empty(url)
    report(runs)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average {load} at the end")


if __name__ == "__main__":
    main()

"""How long the organisers' dashboard takes to draw each of its pages at the scale of a
national week: 2,000 sessions and 100,000 registrations.

Builds, in this process, a store on the engine the bot uses by default (TinyDB: the tables
in memory with their indexes, and a journal; `--engine memory` for the engine without the
journal; `--engine postgres` for PostgreSQL, on a throwaway cluster of the tests' started
for the run, analysed once filled, as autovacuum would have) as the bot writes it, through
the features' own records functions, in transactions of 1,000:

- --sessions sessions over five days, one in four with no limit on places, the others with
  30 to 120; one "busy" session of 400 places that 1,000 people register for (600 wait);
- --registrations registrations in all, each person registering for five sessions, spread
  over the three weeks before the event; a session full when someone registers puts them
  on its waitlist, as it would;
- feedback from a third of the registrants of the sessions already over (the bot's clock
  is the Wednesday of the week at noon), a rating each and one in four a reflection, shared;
- the busy session's reminders in the outbox (most sent, some failed or expired, some
  pending), and five broadcasts sent through the real `Broadcasts` service (one to
  everyone registered, one to the busy session's registrants, three to another session's),
  their messages settled in the same proportions;

then builds the bot as `python -m bot` does (`bot.app.build_bot`, against the tests' fake
Slack, not started: nothing is sent), warms the engine's indexes as the bot does before it
serves (`Store.warm`), and builds the dashboard's `Pages` over its services. Each page is
drawn once (the "first" time: templates compiled, indexes built on first use), then
--runs times, in turn: the week, the busy session, broadcasts, health, and the two CSV
downloads. Prints the median and p90 of each in milliseconds beside the target (under
200 ms), with the page's size, and the machine's conditions (Python, CPUs, load average at
the start and at the end).

    uv run python bench/dashboard.py              # 2,000 sessions, 100,000 registrations
    uv run python bench/dashboard.py --quick      # 200 sessions, 5,000 registrations: a smoke run
    uv run python bench/dashboard.py --engine postgres   # needs PostgreSQL's programs; ~6 min
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.broadcasts.audiences import REGISTERED, SESSION  # noqa: E402
from bot.broadcasts.records import BROADCAST_KIND  # noqa: E402
from bot.dashboard.pages import Pages  # noqa: E402
from bot.feedback import records as feedback_records  # noqa: E402
from bot.feedback.service import FeedbackService  # noqa: E402
from bot.outbox import records as outbox_records  # noqa: E402
from bot.outbox.records import Entry, EntryStatus  # noqa: E402
from bot.programme import Event, Programme, Session  # noqa: E402
from bot.records import Feedback, MemoryStore, Store, TinyDBStore  # noqa: E402
from bot.registrations import records as places  # noqa: E402
from bot.reminders.jobs import REMINDER  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.store.engine import Tx  # noqa: E402
from bot.store.postgres import PostgresEngine  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

TARGET_MS = 200.0
EACH = 5  # sessions per person
CHUNK = 1_000  # changes per transaction while building
BUSY_PLACES = 400
BUSY_PEOPLE = 1_000
ORGANISER = "U0ORGANISER"
MONDAY = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # Wednesday noon: Monday and Tuesday are over
PAGES = ("week", "session", "broadcasts", "health", "registrants.csv", "feedback.csv")
ACCENTED = ("Zoë", "Łukasz", "Siobhán", "Chloé", "Bartłomiej", "Ngozi", "Dafydd", "Aoife")


def person(n: int) -> str:
    return f"U{n:07d}"


def busy_id() -> str:
    return "s0000"


def programme_of(sessions: int, rng: random.Random) -> Programme:
    """`sessions` sessions over five days, 08:00 to 19:00, an hour each; the first is busy."""
    rows = []
    per_day = max(1, sessions // 5)
    for number in range(sessions):
        day, slot = divmod(number, per_day)
        start = MONDAY + timedelta(days=day % 5, minutes=(slot * 7) % 600)
        capacity: int | None = None if number % 4 == 3 else rng.randrange(30, 121)
        if number == 0:
            capacity = BUSY_PLACES
        rows.append(Session.model_validate({
            "id": f"s{number:04d}", "title": f"Session {number}: practice & <people>",
            "start": start, "end": start + timedelta(hours=1), "capacity": capacity,
            "location": "Online"}))  # fmt: skip
    rows.sort(key=lambda s: s.start)
    return Programme(event=Event(name="National week", timezone="Europe/London"),
                     sessions=tuple(rows))  # fmt: skip


def in_chunks(store: Store, work: Sequence[Callable[[Tx], Any]]) -> None:
    """Run `work` in transactions of `CHUNK`, as a busy bot's many small ones would add up."""
    for start in range(0, len(work), CHUNK):
        part = work[start : start + CHUNK]
        store.engine.transaction(lambda tx, part=part: [step(tx) for step in part])  # type: ignore[misc]


def build(store: Store, programme: Programme, registrations: int, rng: random.Random) -> None:
    """Registrations (and waitlists) and feedback, through the records' own functions."""
    sessions = programme.sessions
    capacity = {s.id: s.capacity for s in sessions}
    others = [s.id for s in sessions if s.id != busy_id()]
    people = max(1, (registrations - BUSY_PEOPLE) // EACH)
    first = MONDAY - timedelta(days=21)
    steps: list[Callable[[Tx], Any]] = []
    wanted: list[tuple[str, str, datetime]] = []
    for n in range(BUSY_PEOPLE):
        wanted.append((person(n), busy_id(), first + timedelta(seconds=rng.randrange(21 * 86400))))
    for n in range(people):
        for sid in rng.sample(others, EACH):
            wanted.append((person(n), sid, first + timedelta(seconds=rng.randrange(21 * 86400))))
    wanted = wanted[:registrations]
    wanted.sort(key=lambda item: item[2])  # registered in the order of their moments
    for user, sid, at in wanted:
        steps.append(partial(places.register, user=user, session=sid, capacity=capacity[sid],
                             at=at))  # fmt: skip
    in_chunks(store, steps)
    over = [s for s in sessions if s.end <= NOW]
    answers: list[Callable[[Tx], Any]] = []
    for session in over:
        for user in store.registrants(session_id=session.id):
            if rng.random() < 1 / 3:
                reflect = rng.random() < 0.25
                feedback = Feedback(
                    user_id=user, session_id=session.id, at=session.end + timedelta(hours=1),
                    rating=rng.randrange(1, 6), learnt="What I learnt <here>" if reflect else "",
                    share=reflect)  # fmt: skip
                answers.append(partial(feedback_records.save, feedback=feedback))
    in_chunks(store, answers)


def settle_like_a_week(store: Store, entries: Sequence[Entry], rng: random.Random) -> None:
    """Most sent, some failed or expired, some still pending."""
    steps: list[Callable[[Tx], Any]] = []
    status: EntryStatus
    for entry in entries:
        luck = rng.random()
        if luck < 0.9:
            status, detail = "sent", ""
        elif luck < 0.93:
            status, detail = "failed", rng.choice(("user_not_found", "account_inactive"))
        elif luck < 0.95:
            status, detail = "expired", "not sent by then"
        else:
            continue  # pending
        at = NOW - timedelta(minutes=20)
        steps.append(partial(outbox_records.settle, key=entry.key, status=status, at=at,
                             detail=detail))  # fmt: skip
    in_chunks(store, steps)


def messages_of(tx: Tx, broadcast_id: str) -> list[Entry]:
    """A broadcast's messages in the outbox."""
    found = tx.find(outbox_records.TABLE, kind=BROADCAST_KIND, subject=broadcast_id)
    return [outbox_records.of_doc(doc) for _, doc in found]


def clock() -> datetime:
    """The bot's clock: Wednesday noon of the week."""
    return NOW


def names_of(user_ids: Sequence[str]) -> dict[str, str]:
    """Display names, as Slack would give them (some with accents); a few unknown."""
    return {user: f"{ACCENTED[sum(map(ord, user)) % len(ACCENTED)]} {user[-4:]}"
            for user in user_ids if not user.endswith("7")}  # fmt: skip


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


@contextmanager
def postgres_database(start: bool) -> Iterator[str | None]:
    """With `start`, a new database on a throwaway PostgreSQL cluster (the tests'), stopped
    and deleted afterwards; else None."""
    if not start:
        yield None
        return
    with PostgresCluster() as cluster:
        yield cluster.create_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="200 sessions, 5,000 registrations")
    parser.add_argument("--sessions", type=int, default=2_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--engine", choices=("tinydb", "memory", "postgres"), default="tinydb")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.registrations, args.runs = 200, 5_000, 3
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
          f"load average {load} at start")  # fmt: skip
    rng = random.Random(20)
    with (
        tempfile.TemporaryDirectory() as scratch,
        FakeSlack() as fake,
        postgres_database(args.engine == "postgres") as url,
    ):
        began = time.perf_counter()
        path = Path(scratch) / "bot.json"
        store: Store = (
            Store(PostgresEngine(url)) if url
            else TinyDBStore(path) if args.engine == "tinydb"
            else MemoryStore()
        )  # fmt: skip
        programme = programme_of(args.sessions, rng)
        build(store, programme, args.registrations, rng)
        settings = load_settings(_env_file=None, slack_bot_token=fake.bot_token,
                                 slack_signing_secret="bench", slack_api_url=fake.api_url,
                                 database_path=path, organiser_ids=ORGANISER)  # fmt: skip
        bot = build_bot(settings, programme, store, clock=clock)
        busy = programme.by_id[busy_id()]
        reminders = [Entry(REMINDER, busy.id, user, "900:1", busy.start, NOW - timedelta(hours=1))
                     for user in store.registrants(session_id=busy.id)]  # fmt: skip
        store.enqueue(entries=reminders)
        settle_like_a_week(store, reminders, rng)
        others = [programme.sessions[n].id for n in (5, len(programme.sessions) // 2, -5)]
        audiences = [REGISTERED, SESSION + busy.id] + [SESSION + sid for sid in others]
        for n, audience in enumerate(audiences):
            draft = bot.broadcasts.draft(organiser_id=ORGANISER, text=f"Announcement {n} <&>")
            bot.broadcasts.choose_audience(broadcast_id=draft.id, audience=audience)
            bot.broadcasts.send(broadcast_id=draft.id)
            entries = store.engine.read(partial(messages_of, broadcast_id=draft.id))
            settle_like_a_week(store, entries, rng)
        bot.broadcasts.resume()  # finish those with every message settled
        built_s = time.perf_counter() - began
        if url:  # as autovacuum would have by then: the planner's statistics of the data
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("ANALYZE")
        counts = bot.registrations.counts_of([s.id for s in programme.sessions])
        registered = sum(r for r, _ in counts.values())
        waiting = sum(w for _, w in counts.values())
        queued = store.engine.read(lambda tx: tx.count(outbox_records.TABLE))
        feedback = FeedbackService(store=store, current=bot.current, clock=clock)
        shared = sum(summary.shared for summary in feedback.summaries())
        print(f"built on {args.engine}: {len(programme.sessions):,} sessions, "
              f"{registered + waiting:,} registrations ({registered:,} with a place, "
              f"{waiting:,} waiting), {queued:,} outbox entries, {shared:,} reflections "
              f"shared, in {built_s:.1f} s", flush=True)  # fmt: skip

        began = time.perf_counter()
        store.warm()  # as `python -m bot` does before it serves
        warm_s = time.perf_counter() - began
        pages = Pages(current=bot.current, registrations=bot.registrations,
                      broadcasts=bot.broadcasts, feedback=feedback, health=bot.health,
                      records=store, names=names_of, clock=clock)  # fmt: skip
        draw: dict[str, Callable[[], str | None]] = {
            "week": lambda: pages.week(viewer="Zoë"),
            "session": lambda: pages.session(busy.id, viewer="Zoë"),
            "broadcasts": lambda: pages.broadcasts(viewer="Zoë"),
            "health": lambda: pages.health(viewer="Zoë"),
            "registrants.csv": pages.registrants_csv,
            "feedback.csv": pages.feedback_csv,
        }
        first: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for name in PAGES:
            start = time.perf_counter()
            drawn = draw[name]()
            first[name] = (time.perf_counter() - start) * 1000
            if not drawn:
                raise SystemExit(f"{name}: nothing drawn")
            sizes[name] = len(drawn.encode())
        times: dict[str, list[float]] = {name: [] for name in PAGES}
        for _ in range(args.runs):
            for name in PAGES:
                start = time.perf_counter()
                draw[name]()
                times[name].append((time.perf_counter() - start) * 1000)
        bot.close()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"each page drawn {args.runs} times in turn after a first time, in this process; "
          f"the store warmed first ({warm_s * 1000:.0f} ms); the busy session: "
          f"{BUSY_PLACES} places, {min(BUSY_PEOPLE, args.registrations):,} asked; load "
          f"average {load} at the end")  # fmt: skip
    print(f"  {'page':18} {'median ms':>10} {'p90 ms':>9} {'first ms':>9} {'target':>10}"
          f"        {'size KB':>8}")  # fmt: skip
    for name in PAGES:
        median = statistics.median(times[name])
        p90 = percentile(times[name], 0.9)
        met = "ok" if median < TARGET_MS else "MISSED"
        print(f"  {name:18} {median:10.1f} {p90:9.1f} {first[name]:9.1f} "
              f"{'< ' + f'{TARGET_MS:.0f} ms':>10} {met:6} {sizes[name] / 1024:8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()

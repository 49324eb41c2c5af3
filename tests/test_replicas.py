"""The PostgreSQL end-to-end tier: three real `python -m bot` processes in HTTP mode on one
PostgreSQL database (its own, on the test process's throwaway cluster), one programme file
and one fake Slack, behind a round-robin forwarder standing in for the load balancer. The
processes are forked from one that has imported the bot already (`tests.support.launcher`):
each starts in a tenth of a second rather than half a second.

Each scenario is something replicas must get right together: places given once under a
rush, an event delivered to every replica answered once, a reminder sent once while replicas
die around its moment, a rate-limited broadcast finished once when one replica dies part-way,
news of a moved session told once, and everything still there after a full restart. Then
start-up and health against a database that is not there, or goes away and comes back.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import datetime, timedelta
from http.client import HTTPException
from pathlib import Path
from typing import Any

import pytest

from bot.blocks import ids
from bot.outbox.sender import LEASE
from bot.records import Store
from bot.standin.fake_slack import FakeSlack
from bot.store.postgres import PostgresEngine
from tests.conftest import ORGANISER, SIGNING_SECRET
from tests.listeners.helpers import titles
from tests.support.forwarder import Forwarder
from tests.support.launcher import Forked, Launcher, shared
from tests.support.live_programme import session
from tests.support.ports import free_port
from tests.support.postgres import PostgresCluster, cluster_or_skip
from tests.support.slack_requests import SignedRequests, get_text
from tests.support.waiting import wait_until
from tests.test_main import environment, http_settings, run_bot

pytestmark = pytest.mark.postgres_replicas
"""The PostgreSQL end-to-end tier (`-m postgres_replicas` runs it alone): real processes on a
real database. It runs in the normal `uv run pytest` too."""

REPLICAS = 3
STARTUP_TIMEOUT = 40.0  # seconds for a replica to answer /healthz (three start at once)
TAKEOVER = 3
"""SLACK_TIMEOUT (seconds) where a test kills replicas while they send: it is also how long
a message a killed replica was sending waits before another takes it over (the outbox's
lease, 10 s by default)."""


# --- the replicas ----------------------------------------------------------------------------


def write_atomically(path: Path, sessions: list[dict[str, Any]]) -> None:
    """The programme file, replaced in one step: a replica polling it never reads half."""
    event = {"name": "SWW", "timezone": "Europe/London"}
    draft = path.with_name(path.name + ".new")
    draft.write_text(json.dumps({"event": event, "sessions": sessions}))
    os.replace(draft, path)


class Replicas:
    """`REPLICAS` bot processes on one database, each on its own port, with a forwarder in
    front (`send()`); each one's output goes to its own log file in `tmp_path`."""

    def __init__(
        self, tmp_path: Path, settings: dict[str, str], fake: FakeSlack, launcher: Launcher
    ) -> None:
        self.tmp_path = tmp_path
        self.fake = fake
        self.launcher = launcher
        self.ports = [free_port() for _ in range(REPLICAS)]
        self.settings = settings
        self.processes: list[Forked | None] = [None] * REPLICAS
        self.log_paths = [tmp_path / f"replica-{n}.log" for n in range(REPLICAS)]
        self.forwarder = Forwarder(self.ports).start()

    # -- starting and stopping --

    def start(self, *which: int) -> None:
        """Start the given replicas (all by default) at once; return once each is healthy."""
        chosen = which or tuple(range(REPLICAS))
        for n in chosen:
            running = self.processes[n]
            assert running is None or running.poll() is not None, f"replica {n} is running"
            settings = self.settings | {"PORT": str(self.ports[n])}
            with self.log_paths[n].open("ab") as log:
                self.processes[n] = self.launcher.start(
                    [], cwd=self.tmp_path, env=environment(self.tmp_path, **settings), stdout=log
                )
        for n in chosen:
            self.wait_healthy(n)

    def wait_healthy(self, n: int, timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait until replica `n` answers /healthz with 200: it has started its work."""

        def healthy() -> bool:
            process = self.processes[n]
            assert process is not None and process.poll() is None, self.log(n)
            with suppress(OSError, HTTPException):
                return get_text(self.base_url(n), "/healthz", timeout=2)[0] == 200
            return False

        wait_until(healthy, timeout, lambda: f"replica {n} not healthy:\n{self.log(n)}")

    def kill(self, n: int) -> None:
        """SIGKILL: no goodbye, claims and all left as they are."""
        process = self.processes[n]
        assert process is not None
        process.kill()
        process.wait(timeout=10)

    def stop(self, n: int) -> None:
        """SIGTERM, as a service manager stops it (killed if it takes too long)."""
        process = self.processes[n]
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def close(self) -> None:
        """Stop every replica still running, then the forwarder."""
        try:
            for process in self.processes:
                if process is not None and process.poll() is None:
                    process.terminate()
            for n in range(REPLICAS):
                self.stop(n)
        finally:
            for process in self.processes:
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
            self.forwarder.stop()

    # -- talking to them --

    def base_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[n]}"

    def send(self, n: int | None = None) -> SignedRequests:
        """Signed Slack requests to the forwarder, or with `n` straight to replica `n`."""
        base = self.forwarder.url if n is None else self.base_url(n)
        return SignedRequests(
            base + "/slack/events", SIGNING_SECRET, response_url=self.fake.response_url
        )

    def log(self, n: int) -> str:
        try:
            return self.log_paths[n].read_text(errors="replace")
        except OSError:
            return ""


Launch = Callable[..., Replicas]


@pytest.fixture
def database(postgres_cluster: PostgresCluster) -> str:
    """A database of its own (not a schema): the replicas' URL is the plain one a real
    deployment gives, and nothing else on the cluster is in it."""
    return postgres_cluster.create_database()


@pytest.fixture
def store(database: str) -> Iterator[Store]:
    """The replicas' store, read (and for set-up written) by the test itself."""
    opened = Store(PostgresEngine(database))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def launcher() -> Launcher:
    return shared()  # this test process's fork server


@pytest.fixture
def launch(
    tmp_path: Path, fake_slack: FakeSlack, database: str, launcher: Launcher
) -> Iterator[Launch]:
    """`launch(sessions, **settings)`: write the programme, start the replicas on it and
    return them once every one is healthy; all are stopped at the end, whatever happens."""
    started: list[Replicas] = []

    def start(sessions: list[dict[str, Any]], **settings: str) -> Replicas:
        programme = tmp_path / "programme.json"
        write_atomically(programme, sessions)
        values = http_settings(fake_slack, 0) | {
            "DATABASE_URL": database,
            "PROGRAMME_PATH": str(programme),
            "ORGANISER_IDS": ORGANISER,
            "ANNOUNCEMENTS_CHANNEL": "",
            "REMINDER_OFFSETS": "1d",
            "FEEDBACK_DELAY": "10m",
        }
        replicas = Replicas(tmp_path, values | settings, fake_slack, launcher)
        started.append(replicas)
        replicas.start()
        return replicas

    try:
        yield start
    finally:
        for replicas in started:
            replicas.close()


# --- what the fake Slack saw -------------------------------------------------------------------


def posted(fake: FakeSlack, *, words: str = "", text: str | None = None) -> list[str]:
    """The channels (DMs: user ids) that chat.postMessage reached with `words` in its text,
    or with exactly `text`; once for each time."""
    calls = [c for c in fake.calls_to("chat.postMessage") if not c.failed]
    return [
        c.args["channel"]
        for c in calls
        if words in str(c.args.get("text", "")) and text in (None, c.args.get("text"))
    ]


def later(days: float = 2, **extra: Any) -> dict[str, Any]:
    """A session `days` days from now (`session()` with `starts_in` in seconds)."""
    return session(extra.pop("id"), days * 86400, **extra)


# --- a. a rush for a few places ----------------------------------------------------------------

PLACE = re.compile(r"waitlist, number (\d+)")


@pytest.mark.slow(seconds=2)
def test_forty_people_at_once_get_five_places_and_one_waitlist_position_each(
    launch: Launch, store: Store
) -> None:
    replicas = launch([later(id="small", title="Kinship care workshop", capacity=5)])
    people = [f"UR{n:02d}" for n in range(40)]
    ready = threading.Barrier(len(people))

    def register(user: str) -> str:
        send = replicas.send()
        ready.wait()
        result = send.command("/register", "kinship", user_id=user)
        assert result.status == 200, result.body
        return str(json.loads(result.body)["text"])

    with ThreadPoolExecutor(len(people)) as pool:
        replies = dict(zip(people, pool.map(register, people), strict=True))

    registered = sorted(u for u, text in replies.items() if "You're registered" in text)
    positions = {u: int(m.group(1)) for u, t in replies.items() if (m := PLACE.search(t))}
    others = {u: t for u, t in replies.items() if u not in registered and u not in positions}
    assert not others, f"neither a place nor a waitlist position: {others}"
    assert len(registered) == 5, replies
    assert sorted(positions.values()) == list(range(1, 36)), sorted(positions.values())
    # The store agrees with what each person was told.
    assert sorted(store.registrants(session_id="small")) == registered
    waitlist = store.waitlist(session_id="small")
    assert waitlist == sorted(positions, key=positions.__getitem__)
    # The forwarder spread the rush over every replica.
    assert set(replicas.forwarder.forwarded) == set(replicas.ports), replicas.forwarder.forwarded


# --- b. one event, delivered to every replica ---------------------------------------------------


def test_an_event_delivered_to_every_replica_is_answered_once(
    launch: Launch, fake_slack: FakeSlack, store: Store
) -> None:
    replicas = launch([later(id="kin", title="Kinship care workshop")])
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> when is the kinship care workshop?",
        "ts": f"{time.time():.6f}",
        "channel": "C123",
        "event_ts": f"{time.time():.6f}",
    }
    event_id = "EvSAME000001"
    senders = [replicas.send(n) for n in range(REPLICAS)]
    ready = threading.Barrier(REPLICAS)

    def deliver(send: SignedRequests) -> int:
        ready.wait()
        return send.event(event, event_id=event_id).status

    with ThreadPoolExecutor(REPLICAS) as pool:
        assert list(pool.map(deliver, senders)) == [200] * REPLICAS
    wait_until(lambda: "C123" in posted(fake_slack), 10, "the question answered")
    # The other two decided, before they acknowledged, not to answer it.
    ignored = f"Ignoring a repeated delivery of event {event_id}"
    wait_until(lambda: sum(ignored in replicas.log(n) for n in range(REPLICAS)) == 2, 5,
               lambda: "\n".join(replicas.log(n) for n in range(REPLICAS)))  # fmt: skip
    answers = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C123"]
    assert len(answers) == 1, [c.args.get("text") for c in answers]
    assert answers[0].args["thread_ts"] == event["ts"]
    assert "Kinship care workshop" in json.dumps(answers[0].args)
    assert store.engine.read(lambda tx: tx.get("deliveries", event_id)) is not None


# --- c. a reminder while replicas die -------------------------------------------------------------

REMINDED = ("UC1", "UC2", "UC3")
LATE_AND_KEPT_ONCE = re.compile(r"Reminders for soon, .* \(late\): 0 queued, 3 already")


@pytest.mark.slow(seconds=8)
def test_a_reminder_due_while_two_replicas_are_killed_is_sent_once(
    launch: Launch, fake_slack: FakeSlack, store: Store, tmp_path: Path
) -> None:
    """Three people register for a session; the programme then brings it forward to 45 s
    from now, so its one reminder, 39 s before, falls due 6 s from now (however long the
    replicas took to start). Two replicas are killed in the second before that moment: the
    survivor sends each reminder. The two are started again after it, before the session:
    each plans the reminder late and finds it already in the outbox, so nobody gets it
    twice."""
    replicas = launch([later(id="soon", title="Soon")], REMINDER_OFFSETS="39s")
    for user in REMINDED:
        reply = replicas.send().command("/register", "soon", user_id=user)
        assert "You're registered" in reply.body
    written = time.monotonic()
    write_atomically(tmp_path / "programme.json", [session("soon", 45.0, title="Soon")])
    due = written + 6.0
    wait_until(lambda: "Reloaded " in replicas.log(2), 5, "the survivor reloaded")
    time.sleep(max(0.0, due - 0.8 - time.monotonic()))
    replicas.kill(0)
    time.sleep(max(0.0, due - 0.3 - time.monotonic()))
    killed = time.monotonic()
    replicas.kill(1)
    assert killed < due, "killed too late: the test proves nothing"
    wait_until(
        lambda: set(REMINDED) <= set(posted(fake_slack, words="Soon starts")),
        timeout=10,
        what=lambda: f"each registrant reminded: {posted(fake_slack)}\n{replicas.log(2)}",
    )
    replicas.start(0, 1)  # after the moment, before the start
    wait_until(
        lambda: all(LATE_AND_KEPT_ONCE.search(replicas.log(n)) for n in (0, 1)),
        timeout=5,
        what=lambda: f"the late batch planned again:\n{replicas.log(0)}\n{replicas.log(1)}",
    )
    wait_until(lambda: store.backlog() == 0, LEASE + 15, "the outbox settled")
    reminded = Counter(posted(fake_slack, words="Soon starts"))
    assert reminded == Counter(REMINDED), reminded
    assert store.counts(kind="reminder", subject="soon").sent == len(REMINDED)


# --- d. a broadcast under Slack's rate limit, one replica killed part-way ------------------------


def controls(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons and menu of a broadcast's preview, by action_id (each with its block_id)."""
    block = next(b for b in message["blocks"] if b["type"] == "actions")
    return {e["action_id"]: e | {"block_id": block["block_id"]} for e in block["elements"]}


def choose_and_send(replicas: Replicas, fake: FakeSlack, text: str, audience: str) -> None:
    """/announce `text` as the organiser, choose `audience` in the preview, press Send now;
    each request goes through the forwarder (so, in turn, to every replica)."""
    assert replicas.send().command("/announce", text, user_id=ORGANISER).status == 200
    wait_until(lambda: ORGANISER in posted(fake), 10, "the preview")
    preview = next(
        c for c in fake.calls_to("chat.postMessage")
        if c.args["channel"] == ORGANISER and not c.failed
    )  # fmt: skip
    select = controls(preview.args)[ids.ANNOUNCE_AUDIENCE]
    offered = replicas.send().suggestion(
        ids.ANNOUNCE_AUDIENCE,
        audience.removeprefix("session:"),
        block_id=select["block_id"],
        user_id=ORGANISER,
    )
    option = next(o for o in offered.json()["options"] if o["value"] == audience)
    choice = select | {"selected_option": option}
    assert replicas.send().action([choice], user_id=ORGANISER).status == 200
    wait_until(lambda: bool(fake.calls_to("chat.update")), 10, "the audience shown")
    send_now = controls(fake.calls_to("chat.update")[-1].args)[ids.ANNOUNCE_SEND]
    assert replicas.send().action([send_now], user_id=ORGANISER).status == 200


def broadcast_under_a_limit(
    launch: Launch,
    fake: FakeSlack,
    store: Store,
    people: list[str],
    per_second: int,
    text: str,
    **settings: str,
) -> Replicas:
    """The replicas started (with `settings`) with `people` registered for one big session,
    chat.postMessage limited to `per_second` (429 above it, Retry-After 1 s), and a
    broadcast of `text` to the session's registrants sent."""
    for user in people:
        store.register(user_id=user, session_id="big", capacity=None)
    replicas = launch([later(id="big", title="Big plenary")], **settings)
    fake.limit_rate("chat.postMessage", per_second=per_second, retry_after=1)
    choose_and_send(replicas, fake, text, "session:big")
    return replicas


@pytest.mark.slow(seconds=13)
def test_a_rate_limited_broadcast_survives_a_killed_replica_once_each(
    launch: Launch, fake_slack: FakeSlack, store: Store
) -> None:
    """60 registrants, chat.postMessage limited to 10 a second (429, Retry-After 1 above it),
    one of the three replicas killed a quarter of the way: each of the 60 gets the broadcast,
    within the time the limit itself takes (6 s) and a claim's lease (the entries the killed
    replica had claimed wait for it), exactly once, and at most a quarter of the calls are
    refused."""
    people = [f"UD{n:02d}" for n in range(60)]
    replicas = broadcast_under_a_limit(
        launch, fake_slack, store, people, 10, "Bring a pen", SLACK_TIMEOUT=f"{TAKEOVER}s"
    )
    started = time.monotonic()

    def delivered() -> list[str]:
        return posted(fake_slack, text="Bring a pen")

    wait_until(lambda: len(delivered()) >= 15, 20, "the broadcast under way")
    replicas.kill(1)
    killed_at = len(set(delivered()))
    deadline = started + 6 + TAKEOVER + 13
    wait_until(lambda: set(delivered()) == set(people), max(0.0, deadline - time.monotonic()),
               lambda: f"{len(set(delivered()))} of {len(people)} reached")  # fmt: skip
    took = time.monotonic() - started
    wait_until(lambda: store.backlog() == 0, LEASE + 15, "the outbox settled")  # no repeat to come
    calls = fake_slack.calls_to("chat.postMessage")
    refused = fake_slack.rate_limited_count("chat.postMessage")
    share = refused / len(calls)
    reached = Counter(delivered())
    summary = (
        f"{len(reached)} of 60 reached in {took:.1f} s (replica killed after {killed_at});"
        f" {refused} of {len(calls)} chat.postMessage calls refused with 429 ({share:.0%})"
    )
    print(summary)
    assert killed_at < len(people), "finished before the kill: the test proves nothing"
    assert set(reached) == set(people), summary
    # What the killed replica had in flight is taken over after its lease by a replica that
    # first looks in the person's DM for it: nobody gets it twice.
    repeats = {user: n for user, n in reached.items() if n > 1}
    assert not repeats, f"repeated: {repeats}; {summary}"
    assert share <= 0.25, summary
    # Marked sent by whichever replica settles the last message (or finds it settled).
    wait_until(lambda: store.broadcasts()[0].status == "sent", 30, "the broadcast marked sent")
    (sent,) = store.broadcasts()
    assert (sent.status, sent.delivered, sent.failed) == ("sent", 60, 0)


@pytest.mark.slow(seconds=12)
def test_a_broadcast_under_a_tight_limit_keeps_going_on_every_replica(
    launch: Launch, fake_slack: FakeSlack, store: Store
) -> None:
    """chat.postMessage limited to 2 a second, far below what three replicas' twelve workers
    would send: the broadcast still goes out steadily, to each of 16 people once. (A turn on
    the shared pace taken for an entry whose claim then ran short was lost to everyone, and
    the pace stalled for seconds at a time, 30 s with 24 people.)"""
    people = [f"UT{n:02d}" for n in range(16)]
    broadcast_under_a_limit(launch, fake_slack, store, people, 2, "Doors at nine")

    def accepted() -> list[float]:
        """When each post of the broadcast that Slack accepted arrived."""
        return [
            c.at for c in fake_slack.calls_to("chat.postMessage")
            if c.args.get("text") == "Doors at nine" and not c.failed
        ]  # fmt: skip

    wait_until(lambda: set(posted(fake_slack, text="Doors at nine")) == set(people), 16 + 6,
               lambda: f"{len(accepted())} of {len(people)} reached")  # fmt: skip
    wait_until(lambda: store.backlog() == 0, LEASE + 15, "the outbox settled")  # no repeat to come
    reached = Counter(posted(fake_slack, text="Doors at nine"))
    assert reached == Counter(people), reached
    times = accepted()
    gaps = [round(second - first, 1) for first, second in itertools.pairwise(times)]
    # The pace settles at 1 to 2 a second; a stalled one left gaps of 4 s and more.
    assert max(gaps) <= 2.5, gaps


# --- e. a moved session -------------------------------------------------------------------------


@pytest.mark.slow(seconds=13)
def test_replicas_all_killed_while_slack_holds_their_posts_repeat_none(
    launch: Launch, fake_slack: FakeSlack, store: Store
) -> None:
    """Slack holds every replica's chat.postMessage calls; all three are killed while it
    does, then Slack takes what it held (the replicas never hear of it). The one replica
    started after takes their entries over once their leases (SLACK_TIMEOUT) run out,
    finds in each person's DM what Slack took, and sends only the rest: each person has it
    once."""
    people = [f"UH{n:02d}" for n in range(20)]
    for user in people:
        store.register(user_id=user, session_id="big", capacity=None)
    replicas = launch([later(id="big", title="Big plenary")], SLACK_TIMEOUT=f"{TAKEOVER + 1}s")
    released = threading.Event()
    post = fake_slack.answers.handlers["chat.postMessage"]
    holding = [0]  # posts Slack is holding
    counting = threading.Lock()

    def hold(args: dict[str, Any]) -> dict[str, Any]:
        if args.get("text") == "Room moved to B2":
            with counting:
                holding[0] += 1
            released.wait(30)
        return post(args)

    fake_slack.answer_with("chat.postMessage", hold)
    choose_and_send(replicas, fake_slack, "Room moved to B2", "session:big")

    def attempted() -> int:
        docs = store.engine.read(lambda tx: tx.find("outbox", kind="broadcast"))
        return sum(doc.get("attempted_at") is not None for _, doc in docs)

    # Every post a sender marked has reached Slack, and is held there (each worker is).
    wait_until(lambda: attempted() >= 6 and holding[0] == attempted(), 15, "posts held by Slack")
    for n in range(REPLICAS):
        replicas.kill(n)
    released.set()  # Slack takes what it held, and answers nobody
    wait_until(lambda: len(posted(fake_slack, text="Room moved to B2")) == holding[0], 5,
               "held posts taken")  # fmt: skip
    held = len(posted(fake_slack, text="Room moved to B2"))
    killed = time.monotonic()
    replicas.start(0)
    wait_until(
        lambda: set(posted(fake_slack, text="Room moved to B2")) == set(people),
        LEASE + 15,
        "everyone reached",
    )
    # Taken over when the SLACK_TIMEOUT lease (4 s) ran out, well before the default 10 s.
    assert time.monotonic() - killed < LEASE, f"{time.monotonic() - killed:.1f} s"
    wait_until(lambda: store.broadcasts()[0].status == "sent", 10, "the broadcast settled")
    wait_until(lambda: store.backlog() == 0, LEASE + 15, "the outbox settled")  # no repeat to come
    reached = Counter(posted(fake_slack, text="Room moved to B2"))
    assert 0 < held < len(people), f"{held} held: the test proves nothing"
    assert reached == Counter(people), reached
    docs = store.engine.read(lambda tx: tx.find("outbox", kind="broadcast"))
    found = [key for key, doc in docs if doc["detail"] == "found in Slack"]
    assert len(found) == held, (held, found)


@pytest.mark.slow(seconds=4)
def test_a_moved_session_is_told_to_each_registrant_once(
    launch: Launch, fake_slack: FakeSlack, tmp_path: Path, store: Store
) -> None:
    moving = later(id="move", title="Moving workshop")
    other = later(id="stay", title="Staying workshop")
    replicas = launch([moving, other])
    people = ("UE1", "UE2", "UE3")
    for user, words in [(user, "moving") for user in people] + [("UE9", "staying")]:
        reply = replicas.send().command("/register", words, user_id=user)
        assert "You're registered" in reply.body
    start = datetime.fromisoformat(moving["start"]) + timedelta(hours=2)
    moved = moving | {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    write_atomically(tmp_path / "programme.json", [moved, other])

    def reloaded() -> bool:
        return all("Reloaded " in replicas.log(n) for n in range(REPLICAS))

    wait_until(reloaded, 15, "every replica reloaded the programme")
    wait_until(lambda: set(people) <= set(posted(fake_slack, words="has changed")), 10, "the news")
    wait_until(lambda: store.backlog() == 0, LEASE + 15, "the outbox settled")  # no repeat to come
    told = Counter(posted(fake_slack, words="has changed"))
    assert told == Counter(people), told
    news = next(c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "UE1")
    assert "Moving workshop" in news.args["text"] and "Time:" in news.args["text"]


# --- f. a full restart ----------------------------------------------------------------------------


@pytest.mark.slow(seconds=7)
def test_registrations_and_broadcast_history_survive_stopping_every_replica(
    launch: Launch, fake_slack: FakeSlack, store: Store
) -> None:
    replicas = launch([later(id="kin", title="Kinship care workshop", capacity=2)])
    for user in ("UF1", "UF2", "UF3"):  # the third is on the waitlist
        assert replicas.send().command("/register", "kinship", user_id=user).status == 200
    choose_and_send(replicas, fake_slack, "Bring a pen", "session:kin")
    wait_until(
        lambda: sorted(posted(fake_slack, text="Bring a pen")) == ["UF1", "UF2"],
        10,
        lambda: (
            f"the broadcast delivered: {[c.args for c in fake_slack.calls_to('chat.postMessage')]}"
        ),
    )
    wait_until(lambda: store.broadcasts()[0].status == "sent", 10, "the broadcast settled")
    for n in range(REPLICAS):
        replicas.stop(n)
    replicas.start(0)  # the forwarder passes over the two that are not running
    send = replicas.send()
    for user in ("UF1", "UF2"):
        assert titles(json.loads(send.command("/mysessions", user_id=user).body)) == [
            "Kinship care workshop"
        ]
    agenda = json.dumps(json.loads(send.command("/mysessions", user_id="UF3").body))
    assert "On the waitlist, number 1" in agenda
    history = json.dumps(json.loads(send.command("/announce", "history", user_id=ORGANISER).body))
    assert "sent, 2 delivered, 0 failed" in history and "Bring a pen" in history
    assert store.registrants(session_id="kin") == ["UF1", "UF2"]
    assert store.waitlist(session_id="kin") == ["UF3"]
    (broadcast,) = store.broadcasts()
    assert (broadcast.status, broadcast.delivered, broadcast.audience) == ("sent", 2, "session:kin")
    assert replicas.forwarder.refused == 0


# --- start-up and health without the database ---------------------------------------------------


def test_a_database_where_nothing_listens_is_one_line_and_a_non_zero_exit(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = free_port()
    url = f"postgresql://bot:s3cret-Pa55@127.0.0.1:{port}/swwbot"
    started = time.monotonic()
    result = run_bot(tmp_path, **(http_settings(fake_slack, free_port()) | {"DATABASE_URL": url}))
    took = time.monotonic() - started
    assert result.returncode != 0
    assert took < 20, f"{took:.1f} s"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"127.0.0.1:{port}/swwbot" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert "s3cret-Pa55" not in result.stderr + result.stdout


@pytest.fixture
def own_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL server for one test, to stop and start without disturbing the others
    (skipped, like `postgres_cluster`, where PostgreSQL is not installed, unless CI's
    REQUIRE_POSTGRES=1 makes that a failure)."""
    with cluster_or_skip() as cluster:
        yield cluster


def health(replicas: Replicas) -> tuple[int, dict[str, Any]]:
    status, body = get_text(replicas.base_url(0), "/healthz", timeout=10)
    try:
        return status, json.loads(body)
    except json.JSONDecodeError:
        return status, {"body": body}


@pytest.mark.slow(seconds=7)
def test_health_says_why_while_the_database_is_down_and_recovers_by_itself(
    tmp_path: Path, fake_slack: FakeSlack, own_cluster: PostgresCluster, launcher: Launcher
) -> None:
    url = own_cluster.create_database()
    programme = tmp_path / "programme.json"
    write_atomically(programme, [later(id="kin", title="Kinship care workshop")])
    settings = http_settings(fake_slack, 0) | {
        "DATABASE_URL": url,
        "PROGRAMME_PATH": str(programme),
    }
    replicas = Replicas(tmp_path, settings, fake_slack, launcher)
    try:
        replicas.start(0)
        assert health(replicas)[0] == 200
        own_cluster.stop()
        seen: list[tuple[int, dict[str, Any]]] = []

        def down() -> bool:
            seen.append(health(replicas))
            return seen[-1][0] == 503

        wait_until(down, 15, f"503 while the database is down: {seen[-3:]}")
        status, report = seen[-1]
        where = f"PostgreSQL at 127.0.0.1:{own_cluster.port}/"
        assert any(where in problem for problem in report["problems"]), report
        assert report["store"] == "failed" and report["ok"] is False
        assert own_cluster.password not in json.dumps(report)
        assert all(status in (200, 503) for status, _ in seen), seen  # never a crash
        own_cluster.start()
        wait_until(lambda: health(replicas)[0] == 200, 20, "200 again once the database is back")
        status, report = health(replicas)
        assert report["ok"] is True and report["store"] == "taking changes"
    finally:
        replicas.close()

"""Shared fixtures: the fake Slack, and the real bot against it: in this process through
`app.dispatch` with the in-memory store (`bot`), or served over HTTP by waitress with the
durable store (`served_bot`)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_bolt import App

from bot.app import Bot, build_bot
from bot.listeners.executor import FairExecutor
from bot.programme import load_programme
from bot.records import MemoryStore, Store, open_store
from bot.server import EVENTS_PATH, wsgi_app
from bot.settings import Settings
from bot.standin.fake_slack import FakeSlack
from tests.support.fake_socket_mode import SocketModeSlack
from tests.support.postgres import PostgresCluster, cluster_or_skip
from tests.support.slack_requests import InProcessRequests, SignedRequests
from tests.support.wsgi_server import WsgiServer


@pytest.fixture
def fake_slack() -> Iterator[SocketModeSlack]:
    """A running stand-in Slack (Socket Mode too); the test fails if any call broke one of
    Slack's rules."""
    with SocketModeSlack() as fake:
        yield fake
    if fake.violations:
        listing = "\n".join(f"  - {v}" for v in fake.violations)
        pytest.fail(f"Slack rule violations:\n{listing}", pytrace=False)


# --- The bot itself, served over HTTP on 127.0.0.1 and talking to the fake Slack -----------------

SIGNING_SECRET = "test-signing-secret"
ROOT = Path(__file__).resolve().parents[1]

# The tests start some hundred Python processes (the bot, its tools, the benchmarks): they
# share their compiled modules in one cache, even where the machine says not to write them
# (PYTHONDONTWRITEBYTECODE), rather than each compiling the bot again. The cache is in the
# checkout's own (ignored) `.pytest_cache`, not a shared temporary folder another user of
# the machine could fill with code. This process uses it too, for the test modules
# imported from here on (in one process, their assertion rewriting would otherwise be
# done again on every run: about 5 s).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ["PYTHONPYCACHEPREFIX"] = str(ROOT / ".pytest_cache" / "pycache")
sys.dont_write_bytecode = False
sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]

LONDON = ZoneInfo("Europe/London")
TUESDAY_1PM = datetime(2023, 3, 21, 13, 0, tzinfo=LONDON)


def pytest_configure(config: pytest.Config) -> None:
    """On a fresh checkout, before pytest-xdist starts its test processes, collect the tests
    once in a process of their own: it compiles what they all import (the standard library
    and the installed libraries too, as the cache holds everything) and rewrites the test
    modules' assertions into the shared cache, instead of every test process doing the same
    work at the same moment. After that first time the cache is warm and this does nothing.
    """
    warm = Path(sys.pycache_prefix or "") / f"warm-{sys.implementation.cache_tag}"
    if (
        warm.exists()
        or not config.pluginmanager.has_plugin("xdist")
        or getattr(config, "workerinput", None) is not None  # a test process itself
        or not config.getoption("numprocesses")
    ):
        return
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist",
         "-o", "addopts=", str(ROOT / "tests")],
        cwd=ROOT, capture_output=True, check=False,
    )  # fmt: skip
    if collected.returncode == 0:  # else the test processes say what is wrong
        warm.parent.mkdir(parents=True, exist_ok=True)
        warm.touch()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """`-n 8 --dist worksteal` is in the settings (pyproject.toml) for pytest-xdist. With
    xdist turned off (`-p no:xdist`), accept both and run in this one process."""
    if pluginmanager.is_blocked("xdist"):
        # `_addoption`, as xdist itself adds `-n`: pytest keeps short options for plugins.
        group = parser.getgroup("xdist")
        group._addoption(
            "-n",
            "--numprocesses",
            dest="numprocesses",
            default=None,
            help="ignored: pytest-xdist is turned off, so one process runs everything",
        )
        group.addoption("--dist", dest="dist", default=None, help="ignored, as -n is")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `slow` start early, longest first, spread over the workers, so a
    parallel run does not end with every worker idle but one, still waiting on one of them.
    First of the hooks: pytest's own reordering comes after, and keeps together the tests
    that share a module's parametrized fixture (else built again for each one moved)."""
    slow = sorted((item for item in items if item.get_closest_marker("slow")), key=longest_first)
    fast = [item for item in items if not item.get_closest_marker("slow")]
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    items[:] = spread(slow, fast, workers)


def longest_first(item: pytest.Item) -> float:
    """A sort key: minus the seconds a `slow` test takes, as its mark says."""
    mark = item.get_closest_marker("slow")
    return -float(mark.kwargs.get("seconds", 1)) if mark else 0.0


SLOW_SPAN = 0.8
"""The part of each worker's first share its slow tests are spread over, between fast ones.
The slow tests mostly wait on real time (rate limits, leases, restarts): when each worker
began with its own, the eight longest ran at once and left both cores idle for seconds."""


def spread(slow: list[Any], fast: list[Any], workers: int) -> list[Any]:
    """`slow` and `fast`, in `workers` runs of the sizes xdist's work-stealing scheduler
    first hands each worker (the whole list cut in even, consecutive parts). Each run's
    share of `slow`, longest first, is spread evenly over the first `SLOW_SPAN` of it,
    between its fast ones, each run's a little later than the one before, so that the
    workers do not all wait at once. (With any other scheduler, slow tests still come
    early.)"""
    remaining, runs = len(slow) + len(fast), []
    for n in range(workers):
        size = remaining // (workers - n)
        remaining -= size
        share = slow[n::workers]
        taken = max(0, size - len(share))
        runs.append(_between(share, fast[:taken], lag=n / workers))
        del fast[:taken]
    runs[-1] += fast
    return [item for run in runs for item in run]


def _between(slow: list[Any], fast: list[Any], *, lag: float) -> list[Any]:
    """`slow` spread evenly over the first `SLOW_SPAN` of `fast`, the first `lag` of a gap
    in."""
    if not slow:
        return fast
    gap = len(fast) * SLOW_SPAN / len(slow)
    places = [round(gap * (n + lag)) for n in range(len(slow))]
    run: list[Any] = []
    taken = 0
    for place, item in zip(places, slow, strict=True):
        run += [*fast[taken:place], item]
        taken = place
    return run + fast[taken:]


@dataclass
class Clock:
    """A settable clock, so "today" and "now" mean the same in every run; `now=None`
    follows the real time (for the scheduler, which runs on real time)."""

    now: datetime | None = TUESDAY_1PM

    def __call__(self) -> datetime:
        return self.now or datetime.now(UTC)


def move_clock(clock: Clock, parts: Bot, to: datetime) -> None:
    """Set `clock` to `to`, and wait until what fell due by then has run and been sent (the
    scheduler told the clock moved, then `Bot.settle`)."""
    clock.now = to
    parts.scheduler.clock_moved()
    assert parts.settle(), "what fell due did not settle"


@dataclass
class RunningBot:
    """The real bot, its fake Slack, and a way to send it signed requests."""

    slack: FakeSlack
    send: SignedRequests
    parts: Bot
    clock: Clock
    app: App
    settings: Settings

    @property
    def store(self) -> Store:
        return self.parts.store

    def restart(self, *, clock: Clock | None = None) -> Bot:
        """Stop this bot (a durable one) and start another on its database, as `python -m
        bot` would after a restart; the caller closes it."""
        self.parts.close()
        store = open_store(self.settings.database_path)
        parts = build_test_bot(self.slack, self.settings, store, clock or self.clock)
        parts.start()
        return parts


ORGANISER = "U0ORGANISER"
ANNOUNCEMENTS = "C0ANNOUNCE"


def bot_settings(fake: FakeSlack, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a bot in HTTP mode whose Web API is the fake Slack."""
    values: dict[str, Any] = {
        "slack_bot_token": fake.bot_token,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "database_path": tmp_path / "bot.json",
        "organiser_ids": (ORGANISER,),
        "announcements_channel": ANNOUNCEMENTS,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@pytest.fixture
def programme_path() -> Path:
    """The programme the bot serves; override in a test module for a different one."""
    return ROOT / "programme.json"


@pytest.fixture
def clock() -> Clock:
    """The bot's clock: Tuesday 21 March 2023, 13:00 in London, unless a test says otherwise."""
    return Clock()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test module wants changed (e.g. `reminder_offsets`)."""
    return {}


# Fast outbox retries, so outage tests take seconds.
OUTBOX_OPTIONS = {"backoff": 0.05, "max_backoff": 0.5}


def build_test_bot(
    fake: FakeSlack,
    settings: Settings,
    store: Store,
    clock: Clock,
) -> Bot:
    """The bot as `python -m bot` builds it, quick to refresh cards and to retry, with its
    scheduler and outbox started (`parts.start()` starts the rest)."""
    programme, _ = load_programme(settings.programme_path)
    parts = build_bot(
        settings,
        programme,
        store,
        clock=clock,
        card_interval=0.2,
        watch_interval=0.1,
        update_interval=0.2,  # the shared pace of chat.update, six times Slack's
        outbox_options=OUTBOX_OPTIONS,
        listener_executor=FairExecutor(4),  # as python -m bot runs them; `settle` drains it
    )
    start_senders(parts)
    return parts


def start_senders(parts: Bot) -> None:
    """Start the scheduler, the outbox and the cards, but not the reminder plan or the file
    watcher (`parts.start()` starts everything, as `python -m bot` does once connected)."""
    parts.scheduler.start()
    parts.outbox.start()
    parts.cards.start()


@pytest.fixture
def bot(
    fake_slack: FakeSlack,
    tmp_path: Path,
    programme_path: Path,
    clock: Clock,
    settings_overrides: dict[str, Any],
) -> Iterator[RunningBot]:
    """The bot with the in-memory store, given signed requests through its door
    (`wsgi_app`) in this process, without an HTTP server."""
    settings = bot_settings(
        fake_slack, tmp_path, programme_path=programme_path, **settings_overrides
    )
    parts = build_test_bot(fake_slack, settings, MemoryStore(), clock)
    try:
        door = wsgi_app(
            parts.app, signing_secret=SIGNING_SECRET, health=parts.health,
            calendar=parts.calendar.feed, dashboard=parts.dashboard.respond,
        )  # fmt: skip
        send = InProcessRequests(door, SIGNING_SECRET, response_url=fake_slack.response_url)
        yield RunningBot(fake_slack, send, parts, clock, parts.app, settings)
    finally:
        parts.close()


@pytest.fixture
def served_bot(
    fake_slack: FakeSlack,
    tmp_path: Path,
    programme_path: Path,
    clock: Clock,
    settings_overrides: dict[str, Any],
) -> Iterator[RunningBot]:
    """The bot with the durable store, served by waitress over HTTP on 127.0.0.1."""
    settings = bot_settings(
        fake_slack, tmp_path, programme_path=programme_path, **settings_overrides
    )
    parts = build_test_bot(fake_slack, settings, open_store(settings.database_path), clock)
    try:
        with WsgiServer(
            wsgi_app(
                parts.app,
                signing_secret=SIGNING_SECRET,
                health=parts.health,
                calendar=parts.calendar.feed,
                dashboard=parts.dashboard.respond,
            )
        ) as server:
            send = SignedRequests(
                server.base_url + EVENTS_PATH, SIGNING_SECRET, response_url=fake_slack.response_url
            )
            yield RunningBot(fake_slack, send, parts, clock, parts.app, settings)
    finally:
        parts.close()


# --- A real PostgreSQL, for the PostgreSQL engine -----------------------------------------------


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL server of this test process's own (one per xdist worker), started the
    first time a test asks for it and thrown away at the end. When PostgreSQL is not
    installed, that tier is skipped with how to install it, so that a newcomer's
    `uv run pytest` works with nothing but TinyDB; CI (`.ci/run` sets
    `REQUIRE_POSTGRES=1`) fails instead: there the engine for several processes is always
    tested."""
    with cluster_or_skip() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The URL of a new, empty database on the test process's PostgreSQL (a schema of its
    own in a shared database: quicker to make than a database)."""
    return postgres_cluster.fresh_url()

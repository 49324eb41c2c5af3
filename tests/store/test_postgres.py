"""What only the PostgreSQL engine has: a schema that replicas starting together migrate
once, a database that does not answer (at start, or while running) said plainly, and several
engines on one database (replicas of the bot) deciding, adding and claiming together. The
contract every engine keeps is in `test_engine_contract.py`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import psycopg
import pytest

from bot.store.engine import Engine, StoreError, Tx
from bot.store.memory import MemoryEngine
from bot.store.postgres import PostgresEngine
from bot.store.postgres_schema import MIGRATIONS
from tests.support.ports import free_port
from tests.support.postgres import PostgresCluster

R = TypeVar("R")
T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
SECRET = "s3cret-pw-9f1"


def put(engine: Engine, table: str, key: str, doc: dict) -> None:
    engine.transaction(lambda tx: tx.put(table, key, doc))


def together(count: int, job: Callable[[int], R]) -> list[R]:
    """Run `job(0..count-1)` on threads released at the same moment; their results."""
    start = threading.Barrier(count)
    results: dict[int, R] = {}
    failures: list[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = job(n)
        except BaseException as err:  # reported below, in the test's thread
            failures.append(err)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [results[n] for n in range(count)]


@pytest.fixture
def replicas(postgres_url: str) -> Iterator[list[PostgresEngine]]:
    """Three engines on one database, as three processes of the bot would have."""
    engines = [PostgresEngine(postgres_url) for _ in range(3)]
    yield engines
    for engine in engines:
        engine.close()


# --- the schema -----------------------------------------------------------------------------


def test_engines_opened_together_migrate_the_schema_once(postgres_url: str) -> None:
    engines = together(6, lambda _: PostgresEngine(postgres_url, pool_size=2))
    try:
        with psycopg.connect(postgres_url) as conn:
            rows = conn.execute("SELECT version FROM bot_schema_version ORDER BY 1").fetchall()
        assert [version for (version,) in rows] == [version for version, _, _ in MIGRATIONS]
        put(engines[0], "t", "k", {"v": 1})
        assert engines[-1].read(lambda tx: tx.get("t", "k")) == {"v": 1}
    finally:
        for engine in engines:
            engine.close()
    PostgresEngine(postgres_url).close()  # and a later start finds nothing to do


def test_a_schema_newer_than_the_code_is_refused(postgres_url: str) -> None:
    PostgresEngine(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:
        conn.execute("INSERT INTO bot_schema_version (version, about) VALUES (999, 'future')")
    with pytest.raises(StoreError, match="schema version 999"):
        PostgresEngine(postgres_url)


# --- a database that does not answer ----------------------------------------------------------


def test_nothing_listening_is_said_plainly_without_the_password() -> None:
    port = free_port()
    started = time.monotonic()
    with pytest.raises(StoreError) as caught:
        PostgresEngine(f"postgresql://bot:{SECRET}@127.0.0.1:{port}/bot")
    assert time.monotonic() - started < 20
    assert str(caught.value) == f"PostgreSQL at 127.0.0.1:{port}/bot does not answer" \
        " (connection refused)"  # fmt: skip
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.slow(seconds=2)
def test_a_server_that_never_replies_is_given_up_on_in_time() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does), never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(StoreError) as caught:
            PostgresEngine(f"postgres://bot:{SECRET}@127.0.0.1:{port}/bot", connect_timeout=2)
        assert time.monotonic() - started < 20
    assert f"127.0.0.1:{port}/bot does not answer (no reply within 2 s)" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_wrong_password_or_a_missing_database_is_said(postgres_cluster: PostgresCluster) -> None:
    with pytest.raises(StoreError) as caught:
        PostgresEngine(postgres_cluster.url("postgres", password=SECRET))
    assert str(caught.value) == (
        f"PostgreSQL at 127.0.0.1:{postgres_cluster.port}/postgres refuses the user name or"
        " password"
    )
    with pytest.raises(StoreError, match="/nowhere: the database does not exist"):
        PostgresEngine(postgres_cluster.url("nowhere"))
    with pytest.raises(StoreError, match="looks like postgresql://") as caught:
        PostgresEngine(f"mysql://bot:{SECRET}@127.0.0.1/bot")
    assert SECRET not in str(caught.value)


@pytest.mark.slow(seconds=5)
def test_a_server_stopped_while_running_is_said_and_its_return_noticed(
    postgres_cluster: PostgresCluster,
) -> None:
    url = postgres_cluster.fresh_url()
    engine = PostgresEngine(url, connect_timeout=1)
    where = f"PostgreSQL at 127.0.0.1:{postgres_cluster.port}/tests"
    try:
        put(engine, "t", "a", {"v": 1})
        engine.wait("out", 0.01)  # its listener, too, loses its connection
        postgres_cluster.stop()
        try:
            with pytest.raises(StoreError) as caught:
                put(engine, "t", "b", {"v": 2})
            assert str(caught.value).startswith(f"{where} does not answer")
            assert caught.value.__cause__ is None
            problem = engine.problem()
            assert problem is not None and problem.startswith(f"{where} does not answer")
            with pytest.raises(StoreError, match="does not answer"):
                engine.read(lambda tx: tx.get("t", "a"))
            with pytest.raises(StoreError, match="does not answer"):
                engine.claim("out", owner="w", now=T0, lease=30, limit=5)
            started = time.monotonic()
            engine.wait("out", 10)  # cannot listen: returns soon, to be called again
            assert time.monotonic() - started < 2
        finally:
            postgres_cluster.start()
        put(engine, "t", "b", {"v": 2})  # the next call succeeds, nobody having done a thing
        assert engine.read(lambda tx: tx.find("t")) == [("a", {"v": 1}), ("b", {"v": 2})]
        assert engine.problem() is None
    finally:
        engine.close()


def test_a_lock_held_by_a_stuck_transaction_fails_a_change_in_time_not_never(
    postgres_url: str,
) -> None:
    """Another process took a decision's lock and is stuck with its transaction open: the
    change that needs the lock fails after the statement timeout, said plainly, instead of
    holding its thread (a person's request) for as long as the other is stuck."""
    engine = PostgresEngine(postgres_url, statement_timeout=0.5)
    stuck = psycopg.connect(postgres_url)
    try:
        stuck.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ("session:s1",))
        started = time.monotonic()
        with pytest.raises(StoreError) as caught:
            engine.transaction(lambda tx: (tx.lock("session:s1"), tx.put("t", "a", {"v": 1})))
        assert time.monotonic() - started < 2.5
        assert "refused the request (canceling statement due to statement timeout)" in str(
            caught.value
        )
        assert engine.read(lambda tx: tx.get("t", "a")) is None  # nothing kept
        stuck.rollback()  # the other process comes unstuck
        engine.transaction(lambda tx: (tx.lock("session:s1"), tx.put("t", "a", {"v": 1})))
        assert engine.read(lambda tx: tx.get("t", "a")) == {"v": 1}
    finally:
        stuck.close()
        engine.close()


def test_without_a_statement_timeout_a_long_read_is_let_finish(postgres_url: str) -> None:
    """Backups and copies open the engine without one: a long statement is theirs to run."""
    engine = PostgresEngine(postgres_url)
    try:
        engine.read(lambda tx: tx._conn.execute("SELECT pg_sleep(0.7)"))  # type: ignore[attr-defined]
    finally:
        engine.close()


# --- replicas on one database -----------------------------------------------------------------


def test_forty_people_racing_for_five_places_on_three_replicas(
    replicas: list[PostgresEngine],
) -> None:
    def take(n: int) -> None:
        def work(tx: Tx) -> None:
            tx.lock("session:s1")
            state = "registered" if tx.count("places", session="s1") < 5 else "waiting"
            tx.add("places", f"s1|U{n}", {"session": "s1", "user": f"U{n}", "state": state})

        replicas[n % 3].transaction(work)

    together(40, take)
    one = replicas[0]
    assert one.read(lambda tx: tx.count("places", session="s1", state="registered")) == 5
    assert one.read(lambda tx: tx.count("places", session="s1")) == 40


def test_one_key_added_by_three_replicas_at_once_is_added_once(
    replicas: list[PostgresEngine],
) -> None:
    for round_ in range(10):

        def add(n: int, key: str = f"k{round_}") -> bool:
            def work(tx: Tx) -> bool:
                added = tx.add("keys", key, {"by": n})
                time.sleep(0.01)  # hold the new row a moment before committing
                return added

            return replicas[n].transaction(work)

        assert sorted(together(3, add)) == [False, False, True]
    assert replicas[0].read(lambda tx: tx.count("keys")) == 10


def test_claims_from_three_replicas_never_overlap(replicas: list[PostgresEngine]) -> None:
    def fill(tx: Tx) -> None:
        for n in range(150):
            tx.put("out", f"k{n:03}", {"due": T0.isoformat(), "rank": f"{n:03}"})

    replicas[0].transaction(fill)

    def drain(n: int) -> list[str]:
        got: list[str] = []
        while claimed := replicas[n % 3].claim("out", owner=f"w{n}", now=T0, lease=60, limit=4):
            got.extend(key for key, _ in claimed)
        return got

    got = [key for keys in together(6, drain) for key in keys]
    assert sorted(got) == [f"k{n:03}" for n in range(150)]


def test_a_claim_of_a_replica_that_stopped_is_claimable_after_its_lease(
    postgres_url: str,
) -> None:
    gone, other = PostgresEngine(postgres_url), PostgresEngine(postgres_url)
    try:
        put(gone, "out", "k", {"due": T0.isoformat()})
        assert [key for key, _ in gone.claim("out", owner="a", now=T0, lease=30, limit=5)] == ["k"]
        gone.close()  # without settling it
        early = other.claim("out", owner="b", now=T0 + timedelta(seconds=29), lease=30, limit=5)
        assert early == []
        later = other.claim("out", owner="b", now=T0 + timedelta(seconds=30), lease=30, limit=5)
        assert later == [("k", {"due": T0.isoformat()})]
    finally:
        other.close()


def test_wait_hears_a_write_by_another_replica(replicas: list[PostgresEngine]) -> None:
    writer, waiter = replicas[0], replicas[1]
    deadline = time.monotonic() + 10
    while True:  # until it listens, with nothing pending: a quiet wait lasts its timeout
        started = time.monotonic()
        waiter.wait("out", 0.5)
        if time.monotonic() - started >= 0.45:
            break
        assert time.monotonic() < deadline, "the waiter never listened"
    timer = threading.Timer(0.3, put, (writer, "out", "k", {"due": T0.isoformat()}))
    timer.start()
    started = time.monotonic()
    waiter.wait("out", 10)
    timer.join()
    assert 0.25 <= time.monotonic() - started < 5


# --- documents, as the memory engine keeps them ------------------------------------------------


def test_find_matches_fields_as_the_memory_engine_does(postgres_url: str) -> None:
    docs: dict[str, dict] = {
        "a": {"s": "x", "n": None}, "b": {"s": "x"}, "c": {"s": ["x"], "n": 1},
        "d": {"s": "x", "n": 1, "t": True}, "e": {"s": {"x": 1}}, "f": {"n": 1.0, "t": False},
    }  # fmt: skip
    queries: list[dict] = [
        {"s": "x"}, {"n": None}, {"s": "x", "n": None}, {"n": 1}, {"t": True}, {"s": None},
        {"t": False, "n": 1}, {"nothing": None}, {"s": "y"},
    ]  # fmt: skip

    def answers(engine: Engine) -> list[tuple[list[str], int]]:
        engine.transaction(lambda tx: [tx.put("t", key, doc) for key, doc in docs.items()])
        return engine.read(
            lambda tx: [([k for k, _ in tx.find("t", **q)], tx.count("t", **q)) for q in queries]
        )

    postgres = PostgresEngine(postgres_url)
    try:
        assert answers(postgres) == answers(MemoryEngine())
    finally:
        postgres.close()


def test_what_jsonb_cannot_hold_is_refused_and_nothing_kept(postgres_url: str) -> None:
    engine = PostgresEngine(postgres_url)
    try:
        for bad in ({"text": "a\x00b"}, {"a\x00": 1}, {"list": ["\ud800"]}):
            with pytest.raises(ValueError):
                put(engine, "t", "k", bad)
        kept = {"name": "Zoë 🎉", "big": 2**70, "x": 0.1, "deep": [{"a": [None, True]}]}
        put(engine, "t", "k", kept)
        assert engine.read(lambda tx: tx.find("t")) == [("k", kept)]
    finally:
        engine.close()

"""The engine contract (`bot.store.engine`), run against every engine (fixture `engine`)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.store.engine import Engine, Scalar, StoreError, Tx

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def put(engine: Engine, table: str, key: str, doc: dict) -> None:
    engine.transaction(lambda tx: tx.put(table, key, doc))


def keys(engine: Engine, table: str, **equal: object) -> list[str]:
    return engine.read(lambda tx: [key for key, _ in tx.find(table, **equal)])  # type: ignore[arg-type]


def test_put_get_and_replace(engine: Engine) -> None:
    put(engine, "people", "U1", {"name": "Zoë", "n": 1, "tags": ["a"], "more": {"x": None}})
    assert engine.read(lambda tx: tx.get("people", "U1")) == {
        "name": "Zoë", "n": 1, "tags": ["a"], "more": {"x": None},
    }  # fmt: skip
    put(engine, "people", "U1", {"name": "Zoe"})
    assert engine.read(lambda tx: tx.get("people", "U1")) == {"name": "Zoe"}
    assert engine.read(lambda tx: tx.get("people", "U2")) is None
    assert engine.read(lambda tx: tx.get("nobody", "U1")) is None


def test_add_refuses_a_taken_key_and_delete_frees_it(engine: Engine) -> None:
    assert engine.transaction(lambda tx: tx.add("keys", "k", {"v": 1})) is True
    assert engine.transaction(lambda tx: tx.add("keys", "k", {"v": 2})) is False
    assert engine.read(lambda tx: tx.get("keys", "k")) == {"v": 1}
    assert engine.transaction(lambda tx: tx.delete("keys", "k")) is True
    assert engine.transaction(lambda tx: tx.delete("keys", "k")) is False
    assert engine.transaction(lambda tx: tx.add("keys", "k", {"v": 3})) is True


def test_tables_are_separate(engine: Engine) -> None:
    assert engine.read(lambda tx: tx.tables()) == []
    put(engine, "a", "k", {"v": "a"})
    put(engine, "b", "k", {"v": "b"})
    assert engine.read(lambda tx: tx.tables()) == ["a", "b"]
    assert engine.read(lambda tx: (tx.get("a", "k"), tx.get("b", "k"))) == ({"v": "a"}, {"v": "b"})
    assert keys(engine, "a") == ["k"]


def test_find_and_count_by_fields_in_first_written_order(engine: Engine) -> None:
    def fill(tx: Tx) -> None:
        for n in range(6):
            tx.put("places", f"s{n % 2}|U{n}", {"session": f"s{n % 2}", "user": f"U{n}",
                                                "on": n % 3 == 0})  # fmt: skip

    engine.transaction(fill)
    assert keys(engine, "places", session="s0") == ["s0|U0", "s0|U2", "s0|U4"]
    assert keys(engine, "places", session="s1", on=True) == ["s1|U3"]
    assert keys(engine, "places", session="s9") == []
    assert engine.read(lambda tx: tx.count("places", session="s1")) == 3
    assert engine.read(lambda tx: tx.count("places")) == 6
    # A put on an existing key keeps its place; delete then add puts it last.
    put(engine, "places", "s0|U0", {"session": "s0", "user": "U0", "on": False})
    assert keys(engine, "places", session="s0") == ["s0|U0", "s0|U2", "s0|U4"]

    def move(tx: Tx) -> None:
        tx.delete("places", "s0|U0")
        tx.add("places", "s0|U0", {"session": "s0", "user": "U0", "on": False})

    engine.transaction(move)
    assert keys(engine, "places", session="s0") == ["s0|U2", "s0|U4", "s0|U0"]
    # A document whose field changes moves to the other answer, keeping its first place.
    put(engine, "places", "s1|U1", {"session": "s0", "user": "U1", "on": False})
    assert keys(engine, "places", session="s0") == ["s1|U1", "s0|U2", "s0|U4", "s0|U0"]
    assert engine.read(lambda tx: tx.count("places", session="s1")) == 2


def test_count_by_counts_each_value_of_a_field_in_one_read(engine: Engine) -> None:
    def fill(tx: Tx) -> None:
        for n in range(9):
            state = "waiting" if n % 4 == 3 else "registered"
            tx.put("places", f"k{n}", {"session": f"s{n % 3}", "state": state, "n": n})
        tx.put("places", "odd1", {"state": "registered", "session": ["a", "list"]})
        tx.put("places", "odd2", {"state": "registered", "session": {"an": "object"}})
        tx.put("places", "odd3", {"state": "registered", "session": None})
        tx.put("places", "odd4", {"state": "registered"})

    engine.transaction(fill)

    def count_by(field: str, **equal: Scalar) -> dict[Scalar, int]:
        # (mypy cannot tell that `equal` never holds `length`)
        return engine.read(lambda tx: tx.count_by("places", field, **equal))  # type: ignore[arg-type]

    # An index made on more fields first: the odd documents are not in it, yet count.
    assert engine.read(lambda tx: tx.count("places", session="s0", state="registered")) == 2
    assert count_by("state") == {"registered": 11, "waiting": 2}

    assert count_by("session") == {"s0": 3, "s1": 3, "s2": 3}
    assert count_by("session", state="registered") == {"s0": 2, "s1": 2, "s2": 3}
    assert count_by("session", state="waiting") == {"s0": 1, "s1": 1}
    assert count_by("state", session="s1") == {"registered": 2, "waiting": 1}
    assert count_by("n", session="s2") == {2: 1, 5: 1, 8: 1}
    assert count_by("session", state="gone") == {} and count_by("nothing") == {}
    # By the first characters of strings only (times by the hour, say).
    assert engine.read(lambda tx: tx.count_by("places", "session", length=1)) == {"s": 9}
    assert engine.read(lambda tx: tx.count_by("places", "n", length=1)) == {}
    assert engine.read(lambda tx: tx.count_by("places", "state", length=4, session="s1")) == {
        "regi": 2,
        "wait": 1,
    }
    assert engine.read(lambda tx: tx.count_by("no-table", "session")) == {}
    # With an index on the fields already made by a search, and kept up to date.
    assert engine.read(lambda tx: tx.count("places", session="s0", state="registered")) == 2
    engine.transaction(lambda tx: tx.delete("places", "k0"))
    put(engine, "places", "k9", {"session": "s3", "state": "registered"})
    assert count_by("session", state="registered") == {"s0": 1, "s1": 2, "s2": 3, "s3": 1}
    assert count_by("state") == {"registered": 11, "waiting": 2}


def test_a_failed_transaction_keeps_nothing(engine: Engine) -> None:
    put(engine, "t", "a", {"v": 1})
    put(engine, "t", "b", {"v": 2})

    def fail(tx: Tx) -> None:
        tx.put("t", "a", {"v": 10})
        tx.delete("t", "b")
        tx.add("t", "c", {"v": 3})
        assert tx.get("t", "a") == {"v": 10}  # a transaction sees its own writes
        assert tx.find("t", v=3) == [("c", {"v": 3})]
        raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError):
        engine.transaction(fail)
    assert engine.read(lambda tx: tx.find("t")) == [("a", {"v": 1}), ("b", {"v": 2})]
    assert engine.read(lambda tx: tx.count("t", v=3)) == 0


def test_documents_must_be_plain_json(engine: Engine) -> None:
    with pytest.raises((ValueError, TypeError)):
        put(engine, "t", "a", {"when": T0})
    with pytest.raises(ValueError):
        put(engine, "t", "a", {"due": "tomorrow"})
    assert keys(engine, "t") == []


def test_a_read_cannot_write(engine: Engine) -> None:
    with pytest.raises((RuntimeError, StoreError)):
        engine.read(lambda tx: tx.put("t", "a", {}))
    assert keys(engine, "t") == []


def test_claim_hands_out_due_documents_by_rank_once_per_lease(engine: Engine) -> None:
    def fill(tx: Tx) -> None:
        tx.put("out", "late", {"due": (T0 + timedelta(minutes=5)).isoformat(), "rank": "a"})
        tx.put("out", "b", {"due": T0.isoformat(), "rank": "b"})
        tx.put("out", "a", {"due": (T0 - timedelta(minutes=1)).isoformat(), "rank": "c"})
        tx.put("out", "never", {"rank": "0"})

    engine.transaction(fill)
    first = engine.claim("out", owner="w1", now=T0, lease=30, limit=1)
    assert [key for key, _ in first] == ["b"]
    rest = engine.claim("out", owner="w2", now=T0, lease=30, limit=10)
    assert [key for key, _ in rest] == ["a"]
    assert engine.claim("out", owner="w2", now=T0, lease=30, limit=10) == []
    # After the lease, a document nobody wrote again is claimable again; later ones in time.
    later = engine.claim("out", owner="w3", now=T0 + timedelta(minutes=6), lease=30, limit=10)
    assert [key for key, _ in later] == ["late", "b", "a"]


def test_a_write_ends_a_claim(engine: Engine) -> None:
    put(engine, "out", "k", {"due": T0.isoformat()})
    assert len(engine.claim("out", owner="w1", now=T0, lease=60, limit=5)) == 1
    put(engine, "out", "k", {"due": (T0 + timedelta(seconds=10)).isoformat()})
    assert engine.claim("out", owner="w2", now=T0, lease=60, limit=5) == []
    again = engine.claim("out", owner="w2", now=T0 + timedelta(seconds=10), lease=60, limit=5)
    assert [key for key, _ in again] == ["k"]
    put(engine, "out", "k", {"sent": True})
    assert engine.claim("out", owner="w3", now=T0 + timedelta(hours=1), lease=60, limit=5) == []


def test_claims_from_many_threads_never_overlap(engine: Engine) -> None:
    def fill(tx: Tx) -> None:
        for n in range(200):
            tx.put("out", f"k{n:03}", {"due": T0.isoformat(), "rank": f"{n:03}"})

    engine.transaction(fill)
    got: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            claimed = engine.claim("out", owner=name, now=T0, lease=60, limit=7)
            if not claimed:
                return
            with lock:
                got.extend(key for key, _ in claimed)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got) == [f"k{n:03}" for n in range(200)]


def test_wait_returns_when_something_due_is_written(engine: Engine) -> None:
    engine.wait("out", 0.01)  # forget anything earlier
    timer = threading.Timer(0.2, put, (engine, "out", "k", {"due": T0.isoformat()}))
    timer.start()
    started = datetime.now(UTC)
    engine.wait("out", 10)
    waited = (datetime.now(UTC) - started).total_seconds()
    timer.join()
    assert waited < 5


def test_concurrent_decisions_under_one_lock_are_serialised(engine: Engine) -> None:
    """Forty people, five places: the check and the write happen as one step."""

    def take(user: str) -> None:
        def work(tx: Tx) -> None:
            tx.lock("session:s1")
            taken = tx.count("places", session="s1")
            state = "registered" if taken < 5 else "waiting"
            tx.add("places", f"s1|{user}", {"session": "s1", "user": user, "state": state})

        engine.transaction(work)

    threads = [threading.Thread(target=take, args=(f"U{n}",)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert engine.read(lambda tx: tx.count("places", session="s1", state="registered")) == 5
    assert engine.read(lambda tx: tx.count("places", session="s1")) == 40


def test_many_writers_at_once_lose_nothing(engine: Engine) -> None:
    def writer(n: int) -> None:
        for m in range(25):
            key = f"{n}-{m}"
            engine.transaction(lambda tx, key=key: tx.add("log", key, {"writer": n}))  # type: ignore[misc]

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert engine.read(lambda tx: tx.count("log")) == 200
    assert engine.read(lambda tx: [tx.count("log", writer=n) for n in range(8)]) == [25] * 8


def test_closed_engine_refuses_plainly(engine: Engine) -> None:
    put(engine, "t", "a", {"v": 1})
    engine.close()
    with pytest.raises(StoreError):
        put(engine, "t", "b", {"v": 2})
    assert engine.problem()

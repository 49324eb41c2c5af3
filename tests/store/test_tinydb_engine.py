"""The TinyDB engine (`bot.store.tinydb`): durable across reopening and kill -9, group
commit, compaction, forgetting, full disks and damaged files. The engine contract itself is
`tests/store/test_engine_contract.py`."""

from __future__ import annotations

import errno
import json
import logging
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from bot.store import compaction, snapshot
from bot.store.compaction import Compaction
from bot.store.engine import StoreError, Tx
from bot.store.journal import JournalFile, encode
from bot.store.tinydb import OldFormat, TinyDBEngine
from tests.conftest import ROOT
from tests.store.helpers import crash_image
from tests.store.tinydb_child import DUE, deleted_by
from tests.support.launcher import piped
from tests.support.waiting import wait_until

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def put(engine: TinyDBEngine, table: str, key: str, doc: dict[str, Any]) -> None:
    engine.transaction(lambda tx: tx.put(table, key, doc))


def rows(engine: TinyDBEngine, table: str) -> list[tuple[str, Any]]:
    return engine.read(lambda tx: tx.find(table))


def stock_rows(stock: TinyDB, table: str) -> list[tuple[int, str, Any]]:
    """A table of the snapshot as stock TinyDB reads it: (page, key, doc) for each row."""
    found = []
    for page in stock.table(table).all():
        pairs = page["rows"]
        found += [(page.doc_id, pairs[n], pairs[n + 1]) for n in range(0, len(pairs), 2)]
    return found


def start(work: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run `work` on a thread; the list gets what it returned or raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as err:  # noqa: BLE001 (handed to the test)
            outcome.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


class Gate:
    """Holds the writer's journal appends until let through, one by one or all at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.arrived = threading.Semaphore(0)
        self._go = threading.Semaphore(0)
        self._open = False
        real = JournalFile.append

        def append(journal: JournalFile, data: bytes) -> None:
            if not self._open:
                self.arrived.release()
                assert self._go.acquire(timeout=20), "the test never let the append through"
            real(journal, data)

        monkeypatch.setattr(JournalFile, "append", append)

    def wait_for_append(self) -> None:
        assert self.arrived.acquire(timeout=10), "the writer never reached the journal"

    def let_one(self) -> None:
        self._go.release()

    def open(self) -> None:
        self._open = True
        for _ in range(100):
            self._go.release()


class FullDisk:
    """While `full`, writes to the journal fill the disk: the first takes half of its bytes,
    and every write after it fails with ENOSPC (as a disk that fills mid-append does).
    Cutting the file back, which frees space, still works."""

    def __init__(self, engine: TinyDBEngine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        self._engine = engine
        self._real = os.write
        self._room = True
        monkeypatch.setattr(os, "write", self.write)

    def write(self, fd: int, data: bytes | memoryview) -> int:
        if not (self.full and fd == self._engine._journal.fd):
            self._room = True
            return self._real(fd, data)
        if self._room and len(data) > 1:
            self._room = False
            return self._real(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.json"


@pytest.fixture
def engine(db: Path) -> Iterator[TinyDBEngine]:
    opened = TinyDBEngine(db, compact_after=1000)
    yield opened
    opened.close()


def fill(engine: TinyDBEngine) -> None:
    def places(tx: Tx) -> None:
        for n in range(6):
            tx.put("places", f"s1|U{n}", {"session": "s1", "user": f"U{n}", "n": n})

    engine.transaction(places)
    put(engine, "people", "U1", {"name": "Zoë", "tags": ["a", "b"], "more": {"x": None}})
    put(engine, "places", "s1|U2", {"session": "s1", "user": "U2", "n": 20})  # keeps its place
    engine.transaction(lambda tx: tx.delete("places", "s1|U0"))
    engine.transaction(lambda tx: tx.add("places", "s1|U0", {"session": "s1", "user": "U0"}))
    put(engine, "out", "e1", {"due": T0.isoformat(), "rank": "1"})


def check(engine: TinyDBEngine) -> None:
    assert [key for key, _ in rows(engine, "places")] == [
        "s1|U1", "s1|U2", "s1|U3", "s1|U4", "s1|U5", "s1|U0",
    ]  # fmt: skip
    assert engine.read(lambda tx: tx.get("places", "s1|U2")) == {
        "session": "s1", "user": "U2", "n": 20,
    }  # fmt: skip
    assert engine.read(lambda tx: tx.get("people", "U1")) == {
        "name": "Zoë", "tags": ["a", "b"], "more": {"x": None},
    }  # fmt: skip
    assert [key for key, _ in engine.claim("out", owner="w", now=T0, lease=60, limit=5)] == ["e1"]


# --- durable --------------------------------------------------------------------------------


def test_reopening_after_close_keeps_everything_in_a_stock_tinydb_file(db: Path) -> None:
    engine = TinyDBEngine(db)
    fill(engine)
    engine.close()
    engine.close()  # harmless
    assert journal_of(db).read_bytes() == b""  # everything went into the final snapshot
    with TinyDB(db, access_mode="r") as stock:
        assert stock.table("meta").all() == [{"version": 3, "seq": 6}]
        assert stock_rows(stock, "people") == [
            (1, "U1", {"name": "Zoë", "tags": ["a", "b"], "more": {"x": None}})
        ]
        assert [key for _, key, _ in stock_rows(stock, "places")][-2:] == ["s1|U5", "s1|U0"]
    reopened = TinyDBEngine(db)
    check(reopened)
    reopened.close()


def test_reopening_after_a_crash_keeps_every_confirmed_transaction(
    engine: TinyDBEngine, db: Path, tmp_path: Path
) -> None:
    fill(engine)
    image = crash_image(db, tmp_path / "image")  # the journal alone holds it all
    assert not image.exists()
    reopened = TinyDBEngine(image)
    check(reopened)
    reopened.close()


def test_many_threads_share_each_fsync(engine: TinyDBEngine, monkeypatch: Any) -> None:
    syncs = 0
    real = os.fdatasync

    def counted(fd: int) -> None:
        nonlocal syncs
        syncs += 1
        real(fd)

    monkeypatch.setattr(os, "fdatasync", counted)
    barrier = threading.Barrier(40)

    def writer(n: int) -> None:
        barrier.wait()
        for m in range(10):
            engine.transaction(lambda tx, m=m: tx.add("log", f"{n}-{m}", {"n": n}))  # type: ignore[misc]

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert engine.read(lambda tx: tx.count("log")) == 400
    assert syncs < 400 * 0.75, f"{syncs} fsyncs for 400 transactions: no group commit"


# --- nothing leaves before it is on disk ----------------------------------------------------


def test_a_transaction_that_read_an_unsaved_change_waits_for_it(
    engine: TinyDBEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    writing, _ = start(lambda: put(engine, "t", "a", {"v": 1}))
    gate.wait_for_append()
    reading, seen = start(lambda: engine.transaction(lambda tx: tx.get("t", "a")))
    reading.join(0.3)
    assert reading.is_alive() and not seen  # its answer rests on a line not yet on disk
    gate.open()
    writing.join(10)
    reading.join(10)
    assert seen == [{"v": 1}]


def test_claim_hands_out_only_what_is_on_disk(
    engine: TinyDBEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    due = {"due": T0.isoformat()}
    first, _ = start(lambda: put(engine, "out", "a", due))
    gate.wait_for_append()  # "a" is applied, its line held
    claiming, claimed = start(lambda: engine.claim("out", owner="w", now=T0, lease=60, limit=9))
    claiming.join(0.2)
    assert claiming.is_alive()  # waiting for "a" to be on disk
    second, _ = start(lambda: put(engine, "out", "b", due))
    wait_until(
        lambda: engine.read(lambda tx: tx.get("out", "b")) is not None, what="b applied", timeout=10
    )
    gate.let_one()  # "a" reaches the disk; "b" is held next
    gate.wait_for_append()
    claiming.join(10)
    assert [[key for key, _ in got] for got in claimed] == [["a"]]  # type: ignore[attr-defined]
    gate.open()
    first.join(10)
    second.join(10)
    got = engine.claim("out", owner="w", now=T0, lease=60, limit=9)
    assert [key for key, _ in got] == ["b"]


def test_wait_hears_of_a_change_only_once_it_is_on_disk(
    engine: TinyDBEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.wait("out", 0.01)
    gate = Gate(monkeypatch)
    writing, _ = start(lambda: put(engine, "out", "a", {"due": T0.isoformat()}))
    gate.wait_for_append()
    began = time.monotonic()
    engine.wait("out", 0.3)
    assert time.monotonic() - began >= 0.25
    gate.open()
    writing.join(10)
    began = time.monotonic()
    engine.wait("out", 10)
    assert time.monotonic() - began < 5


def test_the_engines_own_table_is_refused(engine: TinyDBEngine) -> None:
    with pytest.raises(ValueError, match="meta"):
        engine.transaction(lambda tx: [tx.put("t", "a", {}), tx.put("meta", "a", {})])
    assert rows(engine, "t") == [] and rows(engine, "meta") == []


# --- kill -9 --------------------------------------------------------------------------------


def run_until_killed(db: Path, round_: int, delay: float) -> list[tuple[int, int]]:
    """Start a child committing transactions, kill it `delay` seconds after it is ready,
    and return the (thread, n) it printed, each a confirmed transaction."""
    child = piped("tests.store.tinydb_child", [str(db), str(round_), "--threads", "6",
                                               "--compact-after", "40"], cwd=ROOT)  # fmt: skip
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready == b"ready\n", ready
    chunks: list[bytes] = []  # read on another thread so the child never blocks on a pipe
    reader = threading.Thread(target=lambda: chunks.extend(iter(child.stdout.read1, b"")))  # type: ignore[union-attr]
    reader.start()
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    reader.join(timeout=10)
    lines = b"".join(chunks).decode().split("\n")[:-1]  # the kill may cut the last one short
    return [(int(thread), int(n)) for thread, n in (line.split() for line in lines)]


@pytest.mark.slow(seconds=2)
def test_every_confirmed_transaction_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    confirmed: dict[int, list[tuple[int, int]]] = {}
    for round_ in range(6):
        delay = rng.uniform(0.05, 0.6)
        confirmed[round_] = run_until_killed(db, round_, delay)
        where = f"seed {seed}, round {round_}"
        assert confirmed[round_], f"nothing confirmed in {delay:.3f} s ({where})"
        # Odd rounds check a copy, so the next child itself opens the files as the kill left
        # them; even rounds open (and close: a final snapshot) the files themselves.
        checked = db if round_ % 2 == 0 else copy_files(db, tmp_path / f"copy{round_}")
        engine = TinyDBEngine(checked)  # raises if the files cannot be read
        try:
            for past, done in confirmed.items():
                check_round(engine, past, set(done), where)
        finally:
            engine.close()


def check_round(engine: TinyDBEngine, round_: int, done: set[tuple[int, int]], where: str) -> None:
    logged = {key: doc for key, doc in rows(engine, "log") if key.startswith(f"{round_}-")}
    for thread, n in done:
        key = f"{round_}-{thread}-{n}"
        deleter = next((m for m in range(n + 1, n + 8) if deleted_by(m) == n), None)
        if deleter is not None and (thread, deleter) in done:
            assert key not in logged, f"{key} was deleted by a confirmed transaction ({where})"
        elif key not in logged:
            # Only its deleter, saved but killed before it was confirmed, may have taken it.
            saw = deleter is not None and engine_saw(engine, round_, thread, deleter)
            assert saw, f"{key} is missing ({where})"
        out = engine.read(lambda tx, key=key: tx.get("out", key))  # type: ignore[misc]
        assert out == {"due": DUE, "n": n}, f"out {key}: {out} ({where})"
    for thread in {thread for thread, _ in done}:
        last = engine.read(lambda tx, t=thread: tx.get("last", f"{round_}-{t}"))  # type: ignore[misc]
        most = max(n for t, n in done if t == thread)
        assert last is not None and last["n"] >= most, f"last {thread}: {last} ({where})"
        mine = [doc["n"] for key, doc in logged.items() if doc["thread"] == thread]
        assert mine == sorted(mine), f"thread {thread}'s documents out of order ({where})"


def engine_saw(engine: TinyDBEngine, round_: int, thread: int, n: int) -> bool:
    """Whether the (unconfirmed) transaction n of `thread` was saved all the same."""
    return engine.read(lambda tx: tx.get("out", f"{round_}-{thread}-{n}")) is not None


def copy_files(db: Path, to: Path) -> Path:
    to.mkdir()
    for name in (db.name, db.name + ".journal"):
        if (db.parent / name).exists():
            shutil.copyfile(db.parent / name, to / name)
    return to / db.name


# --- damaged and foreign files --------------------------------------------------------------


def write_journal(db: Path, count: int, first: int = 1) -> list[bytes]:
    """A journal of `count` transactions from seq `first`, each adding `k<seq>` to `t`."""
    db.parent.mkdir(parents=True, exist_ok=True)
    lines = [encode(seq, [("t", f"k{seq}", {"n": seq})]) for seq in range(first, first + count)]
    journal_of(db).write_bytes(b"".join(lines))
    return lines


def keys(engine: TinyDBEngine, table: str = "t") -> list[str]:
    return [key for key, _ in rows(engine, table)]


@pytest.mark.parametrize("tail", [b'{"seq": 4, "w": [["t", "k', b"garbage\n", b"\x00\x00\x00"])
def test_a_torn_last_line_is_dropped_with_a_warning(
    db: Path, caplog: pytest.LogCaptureFixture, tail: bytes
) -> None:
    lines = write_journal(db, 3)
    journal_of(db).write_bytes(b"".join(lines) + tail)
    with caplog.at_level(logging.WARNING):
        engine = TinyDBEngine(db)
    assert "incomplete last line" in caplog.text and str(journal_of(db)) in caplog.text
    assert keys(engine) == ["k1", "k2", "k3"]
    # The torn bytes are gone before anything new is appended after them.
    assert journal_of(db).read_bytes() == b"".join(lines)
    put(engine, "t", "k4", {"n": 4})
    engine.close()
    reopened = TinyDBEngine(db)
    assert keys(reopened) == ["k1", "k2", "k3", "k4"]
    reopened.close()


@pytest.mark.parametrize(
    ("index", "replacement", "problem"),
    [
        (2, b'{"seq": 3, "w": \n', "line 3: not valid JSON"),
        (1, b"\n", "line 2: not valid JSON"),
        (2, None, "line 3: seq 4 does not follow seq 2"),
        (0, b'{"seq": 1, "w": [["t", "k1"]]}\n', "line 1: a write is not [table, key, document]"),
        (1, b'{"seq": 2, "w": [["t", "k", {"due": "soon"}]]}\n', "line 2: a document's due"),
        (0, b'{"seq": 1, "w": [["meta", "k", {}]]}\n', "line 1: writes to table 'meta'"),
    ],
)
def test_a_damaged_journal_line_is_an_error_and_the_files_are_left_alone(
    db: Path, index: int, replacement: bytes | None, problem: str
) -> None:
    TinyDBEngine(db).close()  # a snapshot, at seq 0
    snapshot_bytes = db.read_bytes()
    lines = write_journal(db, 5)
    if replacement is None:
        del lines[index]
    else:
        lines[index] = replacement
    journal_of(db).write_bytes(b"".join(lines))
    with pytest.raises(StoreError) as raised:
        TinyDBEngine(db)
    assert str(journal_of(db)) in str(raised.value) and problem in str(raised.value)
    assert journal_of(db).read_bytes() == b"".join(lines)
    assert db.read_bytes() == snapshot_bytes
    TinyDBEngine(db.with_name("other.json")).close()  # the lock was released


def test_a_journal_that_does_not_follow_the_snapshot_is_an_error(db: Path) -> None:
    write_journal(db, 2, first=4)  # seq 1-3 lost, and no snapshot
    with pytest.raises(StoreError, match="line 1: seq 4 but .* ends at seq 0"):
        TinyDBEngine(db)


def test_lines_already_in_the_snapshot_are_skipped(db: Path) -> None:
    # As a crash between putting a snapshot in place and starting the new journal leaves it.
    engine = TinyDBEngine(db)
    put(engine, "t", "k1", {"n": 1})
    put(engine, "t", "k2", {"n": 2})
    engine.close()  # snapshot at seq 2
    lines = write_journal(db, 4)  # seq 1-2 again; 3-4 are new
    engine = TinyDBEngine(db)
    assert keys(engine) == ["k1", "k2", "k3", "k4"]
    assert journal_of(db).read_bytes() == b"".join(lines[2:])
    engine.close()


V1 = (
    b'{"registrations": {"1": {"session": "s1", "user": "U1", "at": "2026-03-16T09:00:00+00:00"}},'
    b' "waitlist": {}, "cards": {}, "claims": {}, "meta": {"1": {"version": 1, "seq": 4}}}'
)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00garbage", "not valid JSON"),
        (b"", "the file is empty"),
        (b"[]", "expected a JSON object of tables"),
        (b'{"t": {}}', "expected one record in table 'meta', found none"),
        (b'{"meta": {"1": {"version": 4, "seq": 0}}}', "unsupported version 4"),
        (b'{"meta": {"1": {"version": 2, "seq": -1}}}', "seq must be a non-negative integer"),
        (b'{"meta": {"1": {"version": 2, "seq": 0}}, "t": []}', "table 't' is list"),
        (b'{"meta": {"1": {"version": 2, "seq": 0}}, "t": {"1": {"key": "a"}}}',
         "table 't': document 1 is not {key, doc}"),
        (b'{"meta": {"1": {"version": 2, "seq": 0}}, "t": {"1": {"key": "a", "doc": 5}}}',
         "table 't': document 1 is not {key, doc}"),
        (b'{"meta": {"1": {"version": 2, "seq": 0}}, "t": {"1": {"key": "a", "doc": {}},'
         b' "2": {"key": "a", "doc": {}}}}', "table 't' holds a key twice"),
        (b'{"meta": {"1": {"version": 3, "seq": 0}}, "t": {"1": {"rows": ["a"]}}}',
         "table 't': page 1 is not {rows: [key, doc, ...]}"),
        (b'{"meta": {"1": {"version": 3, "seq": 0}}, "t": {"1": {"rows": ["a", {}, "", {}]}}}',
         "table 't': page 1: row 2 is not a key and a document"),
        (b'{"meta": {"1": {"version": 3, "seq": 0}}, "t": {"1": {"rows": ["a", {}, "b", 1]}}}',
         "table 't': page 1: row 2 is not a key and a document"),
        (b'{"meta": {"1": {"version": 3, "seq": 0}}, "t": {"1": {"rows": ["a", {}, "a", {}]}}}',
         "table 't' holds a key twice"),
        (b'{"meta": {"1": {"version": 3, "seq": 0}}, "t": {"1": {"key": "a", "doc": {}}}}',
         "meta says version 3, but tables are laid out as version 2"),
        (b'{"meta": {"1": {"version": 2, "seq": 0}}, "t": {"1": {"rows": ["a", {}]}}}',
         "meta says version 2, but tables are laid out as version 3"),
    ],
)  # fmt: skip
def test_an_unreadable_snapshot_is_an_error_and_left_alone(
    db: Path, content: bytes, problem: str
) -> None:
    db.parent.mkdir()
    db.write_bytes(content)
    lines = write_journal(db, 2)
    with pytest.raises(StoreError) as raised:
        TinyDBEngine(db)
    assert str(db) in str(raised.value) and problem in str(raised.value)
    assert not isinstance(raised.value, OldFormat)
    assert db.read_bytes() == content
    assert journal_of(db).read_bytes() == b"".join(lines)


def test_an_older_bots_file_is_refused_as_old_format_and_left_alone(db: Path) -> None:
    db.parent.mkdir()
    db.write_bytes(V1)
    old_journal = b'{"seq": 5, "op": "register", "user": "U2"}\n'
    journal_of(db).write_bytes(old_journal)
    with pytest.raises(OldFormat) as raised:
        TinyDBEngine(db)
    assert isinstance(raised.value, StoreError)
    assert str(db) in str(raised.value) and raised.value.version == 1
    assert raised.value.path == db
    assert db.read_bytes() == V1 and journal_of(db).read_bytes() == old_journal
    TinyDBEngine(db.with_name("other.json")).close()  # the lock was released


def test_rows_are_read_in_the_order_of_their_ids(db: Path) -> None:
    # As a tool that sorts a file's keys would leave it: "1", "10", "2".
    db.parent.mkdir()
    db.write_text(json.dumps({
        "meta": {"1": {"version": 2, "seq": 0}},
        "t": {str(n): {"key": f"k{n}", "doc": {"n": n}} for n in sorted(range(1, 12), key=str)},
    }))  # fmt: skip
    engine = TinyDBEngine(db)
    assert keys(engine) == [f"k{n}" for n in range(1, 12)]
    engine.close()


def test_pages_are_read_in_the_order_of_their_numbers(db: Path) -> None:
    db.parent.mkdir()
    db.write_text(json.dumps({
        "meta": {"1": {"version": 3, "seq": 0}},
        "t": {str(n): {"rows": [f"k{n}a", {"n": n}, f"k{n}b", {}]}
              for n in sorted(range(1, 12), key=str)},
    }))  # fmt: skip
    engine = TinyDBEngine(db)
    assert keys(engine) == [f"k{n}{half}" for n in range(1, 12) for half in "ab"]
    engine.close()


def version_2(tables: dict[str, list[tuple[str, Any]]], seq: int, per_line: int) -> bytes:
    """A snapshot as the bots before pages wrote it: one TinyDB document per row,
    `per_line` of them to a line."""
    lines = ["{"]
    for name, table in tables.items():
        lines.append(json.dumps(name) + ":{")
        numbered = [f'"{n}":' + json.dumps({"key": k, "doc": d}) for n, (k, d) in
                    enumerate(table, 1)]  # fmt: skip
        chunks = [",".join(numbered[n : n + per_line]) for n in range(0, len(numbered), per_line)]
        lines += [chunk + ("," if n < len(chunks) - 1 else "") for n, chunk in enumerate(chunks)]
        lines.append("},")
    lines.append(f'"meta":{{"1":{{"version":2,"seq":{seq}}}}}')
    lines.append("}")
    return "\n".join(lines).encode()


@pytest.mark.parametrize("per_line", [3, 10_000])
def test_a_version_2_snapshot_opens_as_it_was_and_is_rewritten_as_pages(
    db: Path, per_line: int
) -> None:
    places = [(f"s{n % 3}|U{n}", {"session": f"s{n % 3}", "user": f"U{n}", "n": n})
              for n in range(20)]  # fmt: skip
    people = [("U1", {"name": "Zoë"})]
    db.parent.mkdir()
    db.write_bytes(version_2({"places": places, "people": people}, 4, per_line))
    engine = TinyDBEngine(db)
    assert rows(engine, "places") == places and rows(engine, "people") == people
    put(engine, "people", "U2", {"name": "Łukasz"})
    engine.close()  # a final snapshot: pages
    with TinyDB(db, access_mode="r") as stock:
        assert stock.table("meta").all() == [{"version": 3, "seq": 5}]
        assert [(key, doc) for _, key, doc in stock_rows(stock, "places")] == places
    reopened = TinyDBEngine(db)
    assert rows(reopened, "places") == places
    assert rows(reopened, "people") == [*people, ("U2", {"name": "Łukasz"})]
    reopened.close()


def test_a_second_process_is_refused(engine: TinyDBEngine, db: Path) -> None:
    script = (
        "import sys; from pathlib import Path\n"
        "from bot.store.engine import StoreError\nfrom bot.store.tinydb import TinyDBEngine\n"
        "try:\n    TinyDBEngine(Path(sys.argv[1]))\nexcept StoreError as err:\n    print(err)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", script, str(db)], capture_output=True, text=True, cwd=ROOT,
        timeout=60, check=True,
    )  # fmt: skip
    assert "already open (another bot process?)" in child.stdout, child.stdout + child.stderr
    with pytest.raises(StoreError, match="already open"):
        TinyDBEngine(db)  # nor a second engine in this one


def test_the_files_are_readable_by_the_bots_user_only(engine: TinyDBEngine, db: Path) -> None:
    put(engine, "t", "k", {"n": 1})
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    for path in (journal_of(db), db.with_name("bot.json.lock")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    engine.close()  # writes the snapshot, and a new journal
    for path in (db, journal_of(db)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_files_left_half_written_by_a_crash_are_removed(db: Path) -> None:
    TinyDBEngine(db).close()
    for leftover in ("bot.json.tmp", "bot.json.journal.tmp"):
        (db.parent / leftover).write_bytes(b'{"t": {"1": {"ke')
    TinyDBEngine(db).close()
    names = sorted(p.name for p in db.parent.iterdir())
    assert names == ["bot.json", "bot.json.journal", "bot.json.lock"]


# --- a full disk ----------------------------------------------------------------------------


@pytest.fixture
def disk(engine: TinyDBEngine, monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    return FullDisk(engine, monkeypatch)


def test_a_failed_write_keeps_nothing_of_the_change_and_the_engine_recovers(
    engine: TinyDBEngine, disk: FullDisk, db: Path
) -> None:
    put(engine, "t", "a", {"v": 1})
    put(engine, "t", "b", {"v": 2})
    journal = journal_of(db).read_bytes()
    disk.full = True

    def change(tx: Tx) -> None:
        tx.put("t", "a", {"v": 10})
        tx.delete("t", "b")
        tx.add("t", "c", {"v": 3})
        tx.put("out", "e", {"due": T0.isoformat()})

    with pytest.raises(StoreError, match="could not be saved .*No space left.*nothing of it"):
        engine.transaction(change)
    # Nothing of it was kept, not even for the outbox, the journal ends in whole lines, and
    # reads go on.
    assert rows(engine, "t") == [("a", {"v": 1}), ("b", {"v": 2})]
    assert engine.claim("out", owner="w", now=T0, lease=60, limit=5) == []
    assert journal_of(db).read_bytes() == journal
    problem = engine.problem()
    assert problem is not None and "No space left on device" in problem
    with pytest.raises(StoreError):
        put(engine, "t", "d", {"v": 4})
    disk.full = False  # room again: the next change is saved, and the trouble forgotten
    put(engine, "t", "d", {"v": 4})
    assert engine.problem() is None
    engine.close()
    reopened = TinyDBEngine(db)
    assert rows(reopened, "t") == [("a", {"v": 1}), ("b", {"v": 2}), ("d", {"v": 4})]
    assert rows(reopened, "out") == []
    reopened.close()


def test_changes_waiting_behind_a_failed_write_are_refused_too(
    engine: TinyDBEngine, disk: FullDisk
) -> None:
    disk.full = True
    outcomes: list[str] = []

    def add(n: int) -> None:
        try:
            engine.transaction(lambda tx: tx.add("t", f"k{n}", {"n": n}))
            outcomes.append("saved")
        except StoreError:
            outcomes.append("refused")

    threads = [threading.Thread(target=add, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert outcomes == ["refused"] * 20
    assert rows(engine, "t") == []


def test_a_journal_that_cannot_be_cut_back_stops_the_engine_until_a_restart(
    engine: TinyDBEngine, disk: FullDisk, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(engine, "t", "a", {"v": 1})

    def broken(fd: int, length: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "ftruncate", broken)
    disk.full = True
    with pytest.raises(StoreError, match="stopped after a failed write"):
        put(engine, "t", "b", {"v": 2})
    for refused in (
        lambda: put(engine, "t", "c", {"v": 3}),
        lambda: engine.read(lambda tx: tx.get("t", "a")),
        lambda: engine.claim("out", owner="w", now=T0, lease=60, limit=5),
    ):
        with pytest.raises(StoreError, match="restart"):
            refused()
    assert "stopped after a failed write" in (engine.problem() or "")
    engine.close()
    monkeypatch.undo()
    reopened = TinyDBEngine(db)  # the half line at the journal's end is dropped
    assert keys(reopened) == ["a"]
    reopened.close()


# --- compaction -----------------------------------------------------------------------------


def test_compaction_during_concurrent_writes_keeps_everything(db: Path, tmp_path: Path) -> None:
    engine = TinyDBEngine(db, compact_after=10)

    def writer(n: int) -> None:
        for m in range(60):
            engine.transaction(lambda tx, m=m: tx.add("log", f"{n}-{m:02}", {"n": n}))  # type: ignore[misc]
            if m % 5 == 0:
                engine.transaction(lambda tx, m=m: tx.delete("log", f"{n}-{m - 5:02}"))  # type: ignore[misc]

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = rows(engine, "log")
    assert len(expected) == 8 * (60 - 11)
    image = crash_image(db, tmp_path / "image")
    with TinyDB(image, access_mode="r") as stock:
        assert stock.table("meta").all()[0]["seq"] > 0  # a snapshot was put in place meanwhile
    assert len(journal_of(image).read_bytes().splitlines()) < 8 * 72
    engine.close()
    for path in (image, db):
        reopened = TinyDBEngine(path)
        assert rows(reopened, "log") == expected
        for n in range(8):  # each writer's documents in the order it wrote them
            mine = [key for key, doc in expected if doc["n"] == n]
            assert mine == sorted(mine)
        reopened.close()


@pytest.mark.parametrize("slow", [False, True])
def test_a_snapshot_including_a_change_that_failed_is_dropped(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow: bool
) -> None:
    """Whether the snapshot is written before the failure or after (`slow`)."""
    written = threading.Event()
    if not slow:
        written.set()
    write_snapshot = compaction.write_snapshot

    def held(path: Path, tables: dict[str, dict[str, Any]], seq: int) -> Path:
        assert written.wait(20)
        return write_snapshot(path, tables, seq)

    monkeypatch.setattr(compaction, "write_snapshot", held)
    dropped: list[int] = []
    drop = Compaction.drop

    def counted(self: Compaction) -> None:
        dropped.append(self.seq)
        drop(self)

    monkeypatch.setattr(Compaction, "drop", counted)
    engine = TinyDBEngine(db, compact_after=2)
    put(engine, "t", "x", {"v": 0})
    gate = Gate(monkeypatch)
    disk = FullDisk(engine, monkeypatch)
    first, _ = start(lambda: put(engine, "t", "a", {"v": 1}))
    gate.wait_for_append()  # "a" is being written ...
    second, refused = start(lambda: put(engine, "t", "b", {"v": "never-saved"}))
    wait_until(
        lambda: engine.read(lambda tx: tx.get("t", "b")) is not None, what="b applied", timeout=10
    )
    gate.let_one()  # ... is saved: a compaction starts from a copy that includes "b"
    gate.wait_for_append()
    disk.full = True
    gate.let_one()  # and "b" fails
    second.join(10)
    assert len(refused) == 1 and isinstance(refused[0], StoreError)
    first.join(10)
    disk.full = False
    gate.open()
    put(engine, "t", "c", {"v": 3})
    assert not dropped and engine._compaction is not None or not slow
    written.set()
    wait_until(lambda: bool(dropped), what="the compaction to be dropped", timeout=10)
    assert dropped == [3]  # it included "b" (seq 3)
    assert not db.exists() or b"never-saved" not in db.read_bytes()
    image = crash_image(db, tmp_path / "image")
    engine.close()
    assert not db.with_name("bot.json.tmp").exists()
    for path in (image, db):
        reopened = TinyDBEngine(path)
        assert keys(reopened) == ["x", "a", "c"]
        reopened.close()


def test_a_snapshot_that_cannot_be_written_loses_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_room(*args: object) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    engine = TinyDBEngine(db, compact_after=3)
    monkeypatch.setattr("bot.store.compaction.write_snapshot", no_room)
    for n in range(10):
        put(engine, "t", f"k{n}", {"n": n})
    wait_until(
        lambda: "Could not write a snapshot" in caplog.text, what="a failed snapshot", timeout=10
    )
    assert engine.problem() is None  # changes are still saved, in the journal
    monkeypatch.undo()
    for n in range(10, 20):  # and the next compactions work
        put(engine, "t", f"k{n}", {"n": n})
    wait_until(lambda: db.exists(), what="a snapshot", timeout=10)
    engine.close()
    reopened = TinyDBEngine(db)
    assert keys(reopened) == [f"k{n}" for n in range(20)]
    reopened.close()


def test_a_new_journal_that_cannot_be_started_after_a_snapshot_loses_nothing(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_room(cls: type, path: Path, lines: list[bytes]) -> JournalFile:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    engine = TinyDBEngine(db, compact_after=3)
    monkeypatch.setattr(JournalFile, "start", classmethod(no_room))
    for n in range(10):  # snapshots are put in place; no new journal can be started
        put(engine, "t", f"k{n}", {"n": n})
    wait_until(
        lambda: "Could not put a new snapshot and journal" in caplog.text,
        what="a failure",
        timeout=10,
    )
    monkeypatch.undo()
    assert engine.problem() is None
    put(engine, "t", "k10", {"n": 10})
    image = crash_image(db, tmp_path / "image")
    engine.close()
    for path in (image, db):
        reopened = TinyDBEngine(path)
        assert keys(reopened) == [f"k{n}" for n in range(11)]
        reopened.close()


# --- forgetting -----------------------------------------------------------------------------


def test_a_scrubbed_deletion_soon_leaves_neither_file(db: Path) -> None:
    engine = TinyDBEngine(db, compact_after=1000)
    put(engine, "people", "U-forget-me", {"name": "Zoë Forgetme"})
    put(engine, "people", "U-stays", {"name": "Ann"})
    engine.close()  # in the snapshot ...
    engine = TinyDBEngine(db, compact_after=1000)
    put(engine, "people", "U-forget-me", {"name": "Zoë Forgetme, again"})  # ... and the journal
    for n in range(5):
        put(engine, "t", f"k{n}", {"n": n})

    def forget(tx: Tx) -> None:
        tx.delete("people", "U-forget-me")
        tx.scrub()

    engine.transaction(forget)

    def gone() -> bool:
        on_disk = db.read_bytes() + journal_of(db).read_bytes()
        return b"Forgetme" not in on_disk and b"U-forget-me" not in on_disk

    wait_until(gone, what="the forgotten person to leave the files", timeout=10)
    assert b"Ann" in db.read_bytes()
    put(engine, "t", "after", {"n": 6})
    image = crash_image(db, db.parent.parent / "image")
    engine.close()
    for path in (image, db):
        reopened = TinyDBEngine(path)
        assert keys(reopened, "people") == ["U-stays"]
        assert keys(reopened) == [f"k{n}" for n in range(5)] + ["after"]
        reopened.close()


def test_a_snapshot_is_written_a_few_hundred_documents_at_a_time(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "CHUNK", 7)
    engine = TinyDBEngine(db)
    engine.transaction(lambda tx: [tx.put("t", f"k{n:02}", {"n": n}) for n in range(50)])
    engine.close()
    with TinyDB(db, access_mode="r") as stock:
        assert [(page, key) for page, key, _ in stock_rows(stock, "t")] == [
            (n // 7 + 1, f"k{n:02}") for n in range(50)
        ]
    reopened = TinyDBEngine(db)
    assert keys(reopened) == [f"k{n:02}" for n in range(50)]
    reopened.close()


def test_a_snapshot_laid_out_otherwise_reads_the_same(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "CHUNK", 2)  # several lines per table
    engine = TinyDBEngine(db)
    fill(engine)
    engine.close()
    text = db.read_text()
    assert text.startswith('{\n"places":{\n"1":') and text.count("\n") > 8
    as_written = TinyDBEngine(db)
    check(as_written)
    as_written.close()
    for n, relaid in enumerate(
        [json.dumps(json.loads(text)), json.dumps(json.loads(text), indent=2)]
    ):
        other = tmp_path / f"other{n}" / "bot.json"
        other.parent.mkdir()
        other.write_text(relaid)
        engine = TinyDBEngine(other)
        check(engine)
        engine.close()


@pytest.mark.parametrize(
    "damage",
    [
        lambda lines: lines.__setitem__(3, lines[3].removesuffix(",")),  # a comma lost
        lambda lines: lines.__setitem__(3, lines[3][:40]),  # a chunk cut short
        lambda lines: lines.__delitem__(-1),  # the end lost
    ],
)
def test_a_damaged_snapshot_line_is_an_error_and_left_alone(
    db: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[list[str]], None]
) -> None:
    monkeypatch.setattr(snapshot, "CHUNK", 2)
    engine = TinyDBEngine(db)
    fill(engine)
    engine.close()
    lines = db.read_text().split("\n")
    damage(lines)
    content = "\n".join(lines).encode()
    db.write_bytes(content)
    with pytest.raises(StoreError, match="not valid JSON"):
        TinyDBEngine(db)
    assert db.read_bytes() == content

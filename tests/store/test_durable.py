"""The durable store: reopening, compaction, damaged files, concurrency, failed writes."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tinydb import TinyDB

from bot.store import Card, Seat, StoreError, TinyDBStore, open_store
from bot.store.journal import encode
from bot.store.ops import register_op
from tests.conftest import ROOT


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def fill_some(store: TinyDBStore) -> None:
    for user in ["A", "B", "C", "D"]:
        store.register(user_id=user, session_id="s1", capacity=2)
    store.register(user_id="A", session_id="s2", capacity=None)
    store.unregister(user_id="B", session_id="s1", capacity=2)
    store.save_card(card=Card("s1", "C1", "1.1"))
    store.claim(key="k1")


def check_some(store: TinyDBStore) -> None:
    assert store.registrants(session_id="s1") == ["A", "C"]
    assert store.waitlist(session_id="s1") == ["D"]
    assert store.seats_of(user_id="A") == {"s1": Seat("registered"), "s2": Seat("registered")}
    assert store.seat(user_id="D", session_id="s1") == Seat("waitlisted", 1)
    assert store.cards_for(session_id="s1") == [Card("s1", "C1", "1.1")]
    assert store.claim(key="k1") is False


def crash_image(db: Path, to: Path) -> Path:
    """Copy what is on disk now, as a crash would leave it. The journal is copied first: a
    snapshot never gets older, so the pair read back is one a crash could leave."""
    to.mkdir()
    if journal_of(db).exists():
        shutil.copyfile(journal_of(db), journal_of(to / db.name))
    if db.exists():
        shutil.copyfile(db, to / db.name)
    return to / db.name


def test_reopening_after_close_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "new" / "dir" / "bot.json"
    store = open_store(db)
    assert isinstance(store, TinyDBStore)
    fill_some(store)
    store.close()
    store.close()  # harmless
    assert journal_of(db).read_bytes() == b""  # everything went into the final snapshot
    # The snapshot is an ordinary TinyDB database.
    with TinyDB(db, access_mode="r") as stock:
        assert [d["user"] for d in stock.table("registrations").all()] == ["A", "C", "A"]
        assert stock.table("meta").all()[0]["seq"] == 8
    reopened = TinyDBStore(db)
    check_some(reopened)
    reopened.close()


def test_a_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "bot.json")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.register(user_id="A", session_id="s1", capacity=None)


def test_reopening_without_close_keeps_every_confirmed_change(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    child = subprocess.run(
        [sys.executable, "-m", "tests.store.child", str(db), "1", "--threads", "4",
         "--each", "60", "--compact-after", "50"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=True,
    )  # fmt: skip
    confirmed = child.stdout.splitlines()[1:]
    assert len(confirmed) == 240
    store = TinyDBStore(db)
    for line in confirmed:
        user, session, state, position = line.split()
        assert store.seat(user_id=user, session_id=session) == Seat(state, int(position) or None)  # type: ignore[arg-type]
    store.close()


def test_compaction_keeps_everything_and_replays(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=10)
    for n in range(300):
        store.register(user_id=f"U{n}", session_id=f"s{n % 3}", capacity=60)
        if n % 7 == 0:
            store.unregister(user_id=f"U{n // 2}", session_id=f"s{(n // 2) % 3}", capacity=60)
        if n % 11 == 0:
            store.save_card(card=Card(f"s{n % 3}", "C1", f"{n}.0"))
            store.claim(key=f"k{n}")
    expected = {
        s: (store.registrants(session_id=s), store.waitlist(session_id=s))
        for s in ["s0", "s1", "s2"]
    }
    image = crash_image(db, tmp_path / "image")
    with TinyDB(image, access_mode="r") as stock:
        assert stock.table("meta").all()[0]["seq"] > 0  # a snapshot was written while open
    assert len(journal_of(image).read_bytes().splitlines()) < 300
    store.close()
    for path in (image, db):
        reopened = TinyDBStore(path)
        got = {
            s: (reopened.registrants(session_id=s), reopened.waitlist(session_id=s))
            for s in expected
        }
        assert got == expected
        assert len(reopened.cards_for(session_id="s0")) == 10
        assert reopened.claim(key="k0") is False
        reopened.close()


def write_journal(db: Path, count: int) -> list[bytes]:
    lines = [
        encode(
            n,
            register_op(user=f"U{n}", session="s1", capacity=None, at="2026-11-23T09:00:00+00:00"),
        )
        for n in range(1, count + 1)
    ]
    journal_of(db).write_bytes(b"".join(lines))
    return lines


@pytest.mark.parametrize("tail", [b'{"seq": 4, "op": "regis', b"garbage\n", b"\x00\x00\x00"])
def test_a_torn_last_line_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, tail: bytes
) -> None:
    db = tmp_path / "bot.json"
    lines = write_journal(db, 3)
    journal_of(db).write_bytes(b"".join(lines) + tail)
    with caplog.at_level(logging.WARNING):
        store = TinyDBStore(db)
    assert "incomplete last line" in caplog.text and str(journal_of(db)) in caplog.text
    assert store.registrants(session_id="s1") == ["U1", "U2", "U3"]
    # The torn bytes are gone before anything new is appended after them.
    assert journal_of(db).read_bytes() == b"".join(lines)
    store.register(user_id="U4", session_id="s1", capacity=None)
    store.close()
    reopened = TinyDBStore(db)
    assert reopened.registrants(session_id="s1") == ["U1", "U2", "U3", "U4"]
    reopened.close()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00garbage", "not valid JSON"),
        (b'{"registrations": []}', "table 'registrations' is list"),
        (b'{"_default": {"1": {"user": "A"}}}', "unexpected table '_default'"),
        (b'{"registrations": {}}', "one record in table 'meta'"),
        (b'{"meta": {"1": {"version": 1, "seq": 0}}, "claims": {"1": {"key": 5, "at": "t"}}}',
         "table 'claims': document 1"),
    ],
)  # fmt: skip
def test_an_unreadable_snapshot_is_an_error_and_left_alone(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    db = tmp_path / "bot.json"
    db.write_bytes(content)
    lines = write_journal(db, 2)
    with pytest.raises(StoreError) as raised:
        TinyDBStore(db)
    assert str(db) in str(raised.value) and problem in str(raised.value)
    assert db.read_bytes() == content
    assert journal_of(db).read_bytes() == b"".join(lines)
    assert not db.with_name("bot.json.tmp").exists()


@pytest.mark.parametrize(
    ("index", "replacement", "problem"),
    [
        (2, b'{"seq": 3, "op": \n', "line 3: not valid JSON"),
        (1, b"\n", "line 2: not valid JSON"),
        (2, None, "line 3: seq 4 does not follow seq 2"),
        (0, b'{"seq": 1, "op": "fly"}\n', "line 1: unknown operation"),
    ],
)
def test_a_damaged_journal_line_is_an_error_and_left_alone(
    tmp_path: Path, index: int, replacement: bytes | None, problem: str
) -> None:
    db = tmp_path / "bot.json"
    lines = write_journal(db, 5)
    if replacement is None:
        del lines[index]
    else:
        lines[index] = replacement
    journal_of(db).write_bytes(b"".join(lines))
    with pytest.raises(StoreError) as raised:
        TinyDBStore(db)
    assert str(journal_of(db)) in str(raised.value) and problem in str(raised.value)
    assert journal_of(db).read_bytes() == b"".join(lines)
    assert not db.exists()


def test_a_journal_that_does_not_follow_the_snapshot_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    lines = write_journal(db, 5)
    journal_of(db).write_bytes(b"".join(lines[3:]))  # lines 1-3 lost, and no snapshot
    with pytest.raises(StoreError, match="line 1: seq 4 but .* ends at seq 0"):
        TinyDBStore(db)


def test_lines_already_in_the_snapshot_are_skipped(tmp_path: Path) -> None:
    # As a crash between writing a snapshot and starting the new journal leaves it.
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.register(user_id="U1", session_id="s1", capacity=None)
    store.register(user_id="U2", session_id="s1", capacity=None)
    store.close()  # snapshot at seq 2
    lines = write_journal(db, 4)  # seq 1-2 are U1, U2 again; 3-4 are new
    store = TinyDBStore(db)
    assert store.registrants(session_id="s1") == ["U1", "U2", "U3", "U4"]
    assert journal_of(db).read_bytes() == b"".join(lines[2:])
    store.close()


def test_a_directory_that_cannot_be_created_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match="cannot create the directory"):
        TinyDBStore(tmp_path / "file" / "bot.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_directory_that_is_not_writable_is_an_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(StoreError, match="not writable"):
        TinyDBStore(locked / "bot.json")


def test_files_left_half_written_by_a_crash_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    TinyDBStore(db).close()
    for leftover in ("bot.json.tmp", "bot.json.journal.tmp"):
        (tmp_path / leftover).write_bytes(b'{"registrations": {"1": {"sess')
    TinyDBStore(db).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bot.json",
        "bot.json.journal",
        "bot.json.lock",
    ]


def test_the_database_cannot_be_opened_twice_at_once(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "bot.json")
    with pytest.raises(StoreError, match="already open"):
        TinyDBStore(tmp_path / "bot.json")
    store.close()
    TinyDBStore(tmp_path / "bot.json").close()


def test_concurrent_registrations_for_the_last_places(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=7)
    start = threading.Barrier(50)
    seats: dict[str, Seat] = {}

    def register(user: str) -> None:
        start.wait()
        seats[user] = store.register(user_id=user, session_id="s1", capacity=10).seat

    threads = [threading.Thread(target=register, args=(f"U{n}",)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    registered = store.registrants(session_id="s1")
    waiting = store.waitlist(session_id="s1")
    assert len(registered) == 10 and len(waiting) == 40
    assert sorted(registered + waiting) == sorted(seats)
    assert sorted(seat.position or 0 for seat in seats.values()) == [0] * 10 + list(range(1, 41))
    assert all(seats[user] == Seat("waitlisted", n) for n, user in enumerate(waiting, start=1))
    image = crash_image(db, tmp_path / "image")
    store.close()
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert reopened.registrants(session_id="s1") == registered
        assert reopened.waitlist(session_id="s1") == waiting
        reopened.close()


def test_a_failed_write_fails_the_caller_and_stops_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.register(user_id="U1", session_id="s1", capacity=None)

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", broken)
    with pytest.raises(StoreError, match="failed write"):
        store.register(user_id="U2", session_id="s1", capacity=None)
    with pytest.raises(StoreError, match="failed write"):
        store.registrants(session_id="s1")
    assert "writer failed" in caplog.text
    store.close()
    monkeypatch.undo()
    reopened = TinyDBStore(db)
    assert reopened.registrants(session_id="s1")[0] == "U1"
    reopened.close()

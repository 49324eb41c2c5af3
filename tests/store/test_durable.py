"""The durable store: reopening, compaction, concurrency, failed writes."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tinydb import TinyDB

from bot.store import Card, Entry, Seat, StoreError, TinyDBStore, open_store
from tests.conftest import ROOT
from tests.store.helpers import crash_image, journal_of


def entry(version: str) -> Entry:
    moment = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    return Entry("reminder", "s1", "U1", version, moment, moment)


def fill_some(store: TinyDBStore) -> None:
    for user in ["A", "B", "C", "D"]:
        store.register(user_id=user, session_id="s1", capacity=2)
    store.register(user_id="A", session_id="s2", capacity=None)
    store.unregister(user_id="B", session_id="s1", capacity=2)
    store.save_card(card=Card("s1", "C1", "1.1"))
    store.enqueue(entries=[entry("k1")])


def check_some(store: TinyDBStore) -> None:
    assert store.registrants(session_id="s1") == ["A", "C"]
    assert store.waitlist(session_id="s1") == ["D"]
    assert store.seats_of(user_id="A") == {"s1": Seat("registered"), "s2": Seat("registered")}
    assert store.seat(user_id="D", session_id="s1") == Seat("waitlisted", 1)
    assert store.cards_for(session_id="s1") == [Card("s1", "C1", "1.1")]
    assert store.enqueue(entries=[entry("k1")]) == []


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


def test_only_a_missing_file_starts_an_empty_database(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "bot.json")
    assert store.register(user_id="A", session_id="s1", capacity=None).changed
    store.close()
    empty = TinyDBStore(tmp_path / "other.json", compact_after=1)
    empty.close()  # an empty store's snapshot holds every table, empty
    reopened = TinyDBStore(tmp_path / "other.json")
    assert reopened.seats_of(user_id="A") == {}
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
            store.enqueue(entries=[entry(f"k{n}")])
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
        assert reopened.entry(key=entry("k0").key) == entry("k0")
        reopened.close()


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


def test_the_files_are_readable_by_the_bots_user_only(tmp_path: Path) -> None:
    db = tmp_path / "new" / "bot.json"
    store = open_store(db)
    store.register(user_id="U1", session_id="s1", capacity=None)
    store.close()  # writes the snapshot, and a new journal
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    for path in (db, journal_of(db), db.with_name("bot.json.lock")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

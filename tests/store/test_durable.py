"""The store kept on disk (the TinyDB engine) as the bot uses it: reopening, compaction,
concurrency, a closed store, where and how its files are made. (The files' format, and
damaged, torn or unwritable files, are the engine's own tests.)"""

from __future__ import annotations

import os
import stat
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.records import Card, Entry, Seat, Store, TinyDBStore, open_store
from bot.store import StoreError
from tests.conftest import ROOT
from tests.store.helpers import crash_image, journal_of, wait_compacted
from tests.support.launcher import run


def entry(version: str) -> Entry:
    moment = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    return Entry("reminder", "s1", "U1", version, moment, moment)


def fill_some(store: Store) -> None:
    for user in ["A", "B", "C", "D"]:
        store.register(user_id=user, session_id="s1", capacity=2)
    store.register(user_id="A", session_id="s2", capacity=None)
    store.unregister(user_id="B", session_id="s1", capacity=2)
    store.save_card(card=Card("s1", "C1", "1.1"))
    store.enqueue(entries=[entry("k1")])


def check_some(store: Store) -> None:
    assert store.registrants(session_id="s1") == ["A", "C"]
    assert store.waitlist(session_id="s1") == ["D"]
    assert store.seats_of(user_id="A") == {"s1": Seat("registered"), "s2": Seat("registered")}
    assert store.seat(user_id="D", session_id="s1") == Seat("waitlisted", 1)
    assert store.cards_for(session_id="s1") == [Card("s1", "C1", "1.1")]
    assert store.entry(key=entry("k1").key) == entry("k1")
    assert store.enqueue(entries=[entry("k1")]) == []


def test_reopening_after_close_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "new" / "dir" / "bot.json"
    store = open_store(db)
    assert isinstance(store, TinyDBStore)
    fill_some(store)
    check_some(store)
    store.close()
    store.close()  # harmless
    reopened = TinyDBStore(db)
    check_some(reopened)
    reopened.close()


def test_an_empty_store_opens_again_empty(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "bot.json")
    assert store.register(user_id="A", session_id="s1", capacity=None).changed
    store.close()
    empty = TinyDBStore(tmp_path / "other.json", compact_after=1)
    empty.close()
    reopened = TinyDBStore(tmp_path / "other.json")
    assert reopened.seats_of(user_id="A") == {}
    assert reopened.backlog() == 0
    reopened.close()


def test_a_closed_store_refuses_calls(store: Store) -> None:
    store.register(user_id="A", session_id="s1", capacity=None)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.register(user_id="B", session_id="s1", capacity=None)
    with pytest.raises(StoreError, match="closed"):
        store.registrants(session_id="s1")
    assert store.problem() is not None


def test_reopening_without_close_keeps_every_confirmed_change(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    child = run([str(db), "1", "--threads", "4", "--each", "60",
                 "--compact-after", "50"], cwd=ROOT, env=dict(os.environ),
                module="tests.store.child")  # fmt: skip
    assert child.returncode == 0, child.stderr
    confirmed = child.stdout.splitlines()[1:]
    assert len(confirmed) == 240
    store = TinyDBStore(db)
    for line in confirmed:
        user, session, state, position = line.split()
        assert store.seat(user_id=user, session_id=session) == Seat(state, int(position) or None)  # type: ignore[arg-type]
    store.close()


def test_compaction_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=10)
    changes = 0
    for n in range(300):
        store.register(user_id=f"U{n}", session_id=f"s{n % 3}", capacity=60)
        changes += 1
        if n % 7 == 0:
            store.unregister(user_id=f"U{n // 2}", session_id=f"s{(n // 2) % 3}", capacity=60)
            changes += 1
        if n % 11 == 0:
            store.save_card(card=Card(f"s{n % 3}", "C1", f"{n}.0"))
            store.enqueue(entries=[entry(f"k{n}")])
            changes += 2
    expected = {
        s: (store.registrants(session_id=s), store.waitlist(session_id=s))
        for s in ["s0", "s1", "s2"]
    }
    wait_compacted(db, changes)
    image = crash_image(db, tmp_path / "image")
    assert image.exists()  # a snapshot was written while open
    assert len(journal_of(image).read_bytes().splitlines()) < changes
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
        assert reopened.backlog() == 28
        reopened.close()


def race_for_the_last_places(store: Store) -> tuple[list[str], list[str]]:
    """50 people register at once for 10 places; returns who got one, and who waits."""
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
    assert all(seats[user] == Seat("registered") for user in registered)
    return registered, waiting


def test_concurrent_registrations_for_the_last_places(store: Store) -> None:
    race_for_the_last_places(store)


def test_concurrent_registrations_for_the_last_places_survive_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=7)
    registered, waiting = race_for_the_last_places(store)
    image = crash_image(db, tmp_path / "image")
    store.close()
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert reopened.registrants(session_id="s1") == registered
        assert reopened.waitlist(session_id="s1") == waiting
        reopened.close()


# --- The files --------------------------------------------------------------------------------


def test_the_files_are_readable_by_the_bots_user_only(tmp_path: Path) -> None:
    db = tmp_path / "new" / "bot.json"
    store = open_store(db)
    store.register(user_id="U1", session_id="s1", capacity=None)
    store.close()  # writes the snapshot, and a new journal
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert db.exists() and journal_of(db).exists()
    for path in db.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


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


def test_the_database_cannot_be_opened_twice_at_once(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "bot.json")
    with pytest.raises(StoreError, match="already open"):
        TinyDBStore(tmp_path / "bot.json")
    store.register(user_id="A", session_id="s1", capacity=None)  # the first one carries on
    store.close()
    again = TinyDBStore(tmp_path / "bot.json")
    assert again.registrants(session_id="s1") == ["A"]
    again.close()


def test_warming_builds_what_the_first_requests_would_wait_for(tmp_path: Path) -> None:
    """The first lookup of each kind builds an index over its table; `warm` does it before
    the bot serves, so that nobody waits for it."""
    store = TinyDBStore(tmp_path / "bot.json")
    rows = [
        (f"s{n % 50}|U{n}", {"session": f"s{n % 50}", "user": f"U{n}", "state": "registered",
                             "at": "2026-03-16T09:00:00+00:00"})
        for n in range(20_000)
    ]  # fmt: skip
    store.engine.transaction(lambda tx: [tx.add("places", key, doc) for key, doc in rows])
    started = time.perf_counter()
    store.warm()
    warming = time.perf_counter() - started
    started = time.perf_counter()
    assert store.seats_of(user_id="U7") == {"s7": Seat("registered")}
    assert len(store.registrants(session_id="s7")) == 400
    asked = time.perf_counter() - started
    store.close()
    assert asked < warming / 5  # the lookups no longer build anything

"""A write that fails (a full disk, an I/O error) fails only the changes not yet on disk:
their callers are told, nothing of them is kept, reads go on, and the store takes changes
again by itself once the disk does. Injected at the journal's own file descriptor."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import NO_SEAT, Seat, StoreError, TinyDBStore
from tests.store.helpers import journal_of


class FullDisk:
    """While `full`, writes to one file descriptor fill the disk: the first takes half of
    its bytes, and every write after it fails with ENOSPC (as a disk that fills mid-append
    does). Cutting the file back, which frees space, still works."""

    def __init__(self, fd: Callable[[], int]) -> None:
        self.full = False
        self._fd = fd
        self._real = os.write
        self._room = True

    def write(self, fd: int, data: bytes | memoryview) -> int:
        if not (self.full and fd == self._fd()):
            self._room = True
            return self._real(fd, data)
        if self._room and len(data) > 1:
            self._room = False
            return self._real(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TinyDBStore]:
    opened = TinyDBStore(tmp_path / "bot.json", compact_after=5)
    yield opened
    opened.close()


@pytest.fixture
def disk(store: TinyDBStore, monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    fake = FullDisk(lambda: store._journal._fd)
    monkeypatch.setattr(os, "write", fake.write)
    return fake


def test_a_failed_write_fails_that_change_only_and_the_store_recovers(
    store: TinyDBStore, disk: FullDisk, tmp_path: Path
) -> None:
    store.register(user_id="A", session_id="s1", capacity=1)
    store.register(user_id="B", session_id="s1", capacity=1)  # waitlisted
    disk.full = True
    with pytest.raises(StoreError, match="could not be saved"):
        store.unregister(user_id="A", session_id="s1", capacity=1)  # would promote B
    # Nothing of it was kept, and reads go on.
    assert store.seat(user_id="A", session_id="s1") == Seat("registered")
    assert store.seat(user_id="B", session_id="s1") == Seat("waitlisted", 1)
    assert store.problem() is not None and "No space left on device" in store.problem()  # type: ignore[operator]
    with pytest.raises(StoreError):
        store.register(user_id="C", session_id="s2", capacity=None)
    disk.full = False  # room again: the next change is saved, and the trouble forgotten
    assert store.register(user_id="C", session_id="s2", capacity=None).changed
    assert store.problem() is None
    for n in range(12):  # through compactions too
        store.register(user_id=f"U{n}", session_id="s3", capacity=None)
    store.close()
    reopened = TinyDBStore(tmp_path / "bot.json")
    try:
        assert reopened.registrants(session_id="s1") == ["A"]
        assert reopened.waitlist(session_id="s1") == ["B"]
        assert reopened.registrants(session_id="s2") == ["C"]
        assert len(reopened.registrants(session_id="s3")) == 12
        assert reopened.backlog() == 0  # no promotion entry was kept either
    finally:
        reopened.close()


def test_the_journal_ends_in_whole_lines_after_a_failed_write(
    store: TinyDBStore, disk: FullDisk, tmp_path: Path
) -> None:
    store.register(user_id="A", session_id="s1", capacity=None)
    before = journal_of(tmp_path / "bot.json").read_bytes()
    disk.full = True
    with pytest.raises(StoreError):
        store.register(user_id="B", session_id="s1", capacity=None)
    assert journal_of(tmp_path / "bot.json").read_bytes() == before


def test_changes_waiting_behind_a_failed_write_are_refused_too(
    store: TinyDBStore, disk: FullDisk
) -> None:
    disk.full = True
    outcomes: list[str] = []

    def register(user: str) -> None:
        try:
            store.register(user_id=user, session_id="s1", capacity=None)
            outcomes.append("saved")
        except StoreError:
            outcomes.append("refused")

    threads = [threading.Thread(target=register, args=(f"U{n}",)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert outcomes == ["refused"] * 20
    assert store.registrants(session_id="s1") == []
    assert store.seat(user_id="U1", session_id="s1") == NO_SEAT


def test_a_new_journal_that_cannot_be_started_after_a_snapshot_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.store.legacy import files

    def no_room(cls: type, path: Path, lines: list[bytes]) -> files.JournalFile:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    store = TinyDBStore(tmp_path / "bot.json", compact_after=3)
    monkeypatch.setattr(files.JournalFile, "start", classmethod(no_room))
    for n in range(10):  # several snapshots are written; no new journal can be started
        store.register(user_id=f"U{n}", session_id="s1", capacity=None)
    # Snapshots are written by a compactor thread: wait for one to have failed to start a
    # journal before the disk has room again (on a busy machine it may still be writing).
    deadline = time.monotonic() + 10
    while "Could not start a new journal" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)
    monkeypatch.undo()
    assert store.problem() is None
    assert "Could not start a new journal" in caplog.text
    store.register(user_id="U10", session_id="s1", capacity=None)
    image = tmp_path / "image"
    image.mkdir()
    for name in ("bot.json", "bot.json.journal"):  # as a crash would leave them
        (image / name).write_bytes((tmp_path / name).read_bytes())
    store.close()
    for path in (image / "bot.json", tmp_path / "bot.json"):
        reopened = TinyDBStore(path)
        try:
            assert reopened.registrants(session_id="s1") == [f"U{n}" for n in range(11)]
        finally:
            reopened.close()

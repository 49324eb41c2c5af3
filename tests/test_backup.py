"""`python -m bot backup`: copies taken while another process registers people hold every
registration confirmed before they began, and open with the store's own loader."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import backup as backup_module
from bot.backup import BackupError, back_up
from bot.records import Seat, TinyDBStore, open_store
from bot.registrations import records as places
from bot.store.snapshot import read_snapshot
from tests.conftest import ROOT
from tests.store.helpers import journal_of
from tests.support.launcher import piped
from tests.support.launcher import run as run_forked
from tests.support.waiting import wait_until


class Registering:
    """A child process registering people from 8 threads until stopped (`tests.store.child`),
    and the lines it printed so far, each a registration already confirmed."""

    def __init__(self, db: Path) -> None:
        self.process = piped("tests.store.child", [str(db), "0", "--threads", "8",
                                                   "--compact-after", "200"], cwd=ROOT)  # fmt: skip
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == b"ready\n"
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            if raw.endswith(b"\n"):
                self.lines.append(raw.decode().rstrip("\n"))

    def confirmed(self) -> list[str]:
        return list(self.lines)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self._reader.join(timeout=10)


@contextmanager
def registering(db: Path) -> Iterator[Registering]:
    child = Registering(db)
    try:
        yield child
    finally:
        child.stop()


def assert_holds(path: Path, confirmed: list[str]) -> None:
    store = open_store(path)
    try:
        for line in confirmed:
            user, session, state, position = line.split()
            expected = Seat(state, int(position) or None)  # type: ignore[arg-type]
            assert store.seat(user_id=user, session_id=session) == expected, line
    finally:
        store.close()


def test_backups_taken_while_a_process_registers_hold_every_confirmed_registration(
    tmp_path: Path,
) -> None:
    db = tmp_path / "live" / "bot.json"
    copies = tmp_path / "copies"
    copies.mkdir()
    with registering(db) as child:
        checks = []
        for n in range(8):
            # A few hundred registrations (and a new snapshot, now and then) in between.
            so_far = len(child.confirmed())
            wait_until(lambda so_far=so_far: len(child.confirmed()) >= so_far + 150, 10)  # type: ignore[misc]
            before = child.confirmed()
            made = back_up(db, copies / f"bot-{n}.json")
            assert made.registrations + made.waitlisted >= len(before)
            assert made.attempts == 1  # the order of reading is enough: never read again
            checks.append((made.path, before))
        assert len(child.confirmed()) > 1000, "too few registrations to prove anything"
        starts = _journal_starts(db)
    assert starts and starts[0] > 1, "no new snapshot was written during the test"
    for path, before in checks:
        assert not journal_of(path).exists()  # one file: the snapshot of everything
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data, like the database
        assert_holds(path, before)
    assert not [p for p in copies.iterdir() if p.name.startswith(".backup-")]


def _journal_starts(db: Path) -> list[int]:
    first = journal_of(db).read_bytes().split(b"\n", 1)[0]
    return [int(first.split(b'"seq":')[1].split(b",")[0])] if b'"seq":' in first else []


def test_a_new_snapshot_between_reading_the_journal_and_the_snapshot_is_still_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the order of reading is for: the journal is read, then the bot writes a new
    snapshot and starts a new journal, then the snapshot is read."""
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=5)
    confirmed = [f"U{n}" for n in range(12)]
    for user in confirmed:
        store.register(user_id=user, session_id="s1", capacity=None)
    read = backup_module._read
    later: list[str] = []

    def read_then_compact(path: Path) -> bytes | None:
        content = read(path)
        if not later:  # after the first file read, before the second
            _, snapshot_seq = read_snapshot(db)
            # Until a newer snapshot is written and a journal started after it.
            while not _journal_starts(db) or _journal_starts(db)[0] <= snapshot_seq + 1:
                later.append(f"V{len(later)}")
                store.register(user_id=later[-1], session_id="s1", capacity=None)
        return content

    monkeypatch.setattr(backup_module, "_read", read_then_compact)
    try:
        made = back_up(db, tmp_path / "copy.json")
    finally:
        store.close()
    assert later, "the journal was not replaced in between"
    assert made.attempts == 1
    copy = open_store(made.path)
    try:
        for user in confirmed:
            assert copy.seat(user_id=user, session_id="s1") == Seat("registered"), user
    finally:
        copy.close()


def test_python_m_bot_backup_copies_a_running_database(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_PATH"}
    env |= {"DATABASE_PATH": str(db), "PYTHONPATH": str(ROOT)}
    with registering(db) as child:
        wait_until(lambda: len(child.confirmed()) >= 200, 10)  # a database being written
        before = child.confirmed()
        result = run_forked(["backup", str(tmp_path / "copy.json")], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Copied {db} to {tmp_path / 'copy.json'}: ")
    assert result.stderr == ""
    assert_holds(tmp_path / "copy.json", before)


def test_a_backup_replaces_an_earlier_one_whole(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.register(user_id="U1", session_id="s1", capacity=None)
    back_up(db, tmp_path / "copy.json")
    store.register(user_id="U2", session_id="s1", capacity=None)
    made = back_up(db, tmp_path / "copy.json")
    store.close()
    assert made.registrations == 2
    assert_holds(made.path, ["U1 s1 registered 0", "U2 s1 registered 0"])


def test_what_cannot_be_backed_up_is_refused_with_the_reason(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    with pytest.raises(BackupError, match="there is no database there to copy"):
        back_up(db, tmp_path / "copy.json")
    store = TinyDBStore(db)
    store.register(user_id="U1", session_id="s1", capacity=None)
    try:
        with pytest.raises(BackupError, match="is the database itself"):
            back_up(db, db)
        with pytest.raises(BackupError, match="no such directory"):
            back_up(db, tmp_path / "nowhere" / "copy.json")
        other = tmp_path / "other.json"
        journal_of(other).write_text('{"seq":1}\n')
        with pytest.raises(BackupError, match="is a database in use"):
            back_up(db, other)
    finally:
        store.close()


def test_a_damaged_database_is_reported_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    damaged = b'{"seq":1,"op":"nonsense"}\n{"seq":2}\n'
    journal_of(db).write_bytes(damaged)
    with pytest.raises(BackupError) as caught:
        back_up(db, tmp_path / "copy.json")
    assert "no consistent copy could be read back" in str(caught.value)
    assert "line 1" in str(caught.value)
    assert journal_of(db).read_bytes() == damaged
    assert not (tmp_path / "copy.json").exists()


def test_a_full_disk_leaves_the_earlier_backup_whole_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.register(user_id="U1", session_id="s1", capacity=None)
    back_up(db, tmp_path / "copy.json")
    store.register(user_id="U2", session_id="s1", capacity=None)

    def no_room(path: Path, content: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup_module, "_write", no_room)
    with pytest.raises(BackupError, match="could not write the copy .*No space left"):
        back_up(db, tmp_path / "copy.json")
    store.close()
    assert_holds(tmp_path / "copy.json", ["U1 s1 registered 0"])  # the earlier one, whole
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".backup-")]  # no litter


# --- a backup stopped or killed part-way (issue #21, cause 5) ---------------------------------


def large_database(db: Path, people: int = 40_000) -> None:
    store = TinyDBStore(db)
    moment = datetime.now(UTC)
    store.engine.transaction(
        lambda tx: [places.register(tx, f"U{n:06d}", "s1", None, moment) for n in range(people)]
    )
    store.close()


def work_folders(folder: Path) -> list[Path]:
    return sorted(folder.glob(".backup-*"))


def backup_caught_working(tmp_path: Path, destination: Path) -> subprocess.Popen[str]:
    """`python -m bot backup` started, returned once its work folder is there."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_PATH"}
    env |= {"DATABASE_PATH": str(tmp_path / "bot.json"), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "backup", str(destination)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip

    def copying() -> bool:
        # Caught once its copy of the data is in its work folder: well into its work.
        assert process.poll() is None, "finished before it could be stopped: proves nothing"
        return any(p for f in work_folders(destination.parent) for p in f.rglob("bot.json*"))

    wait_until(copying, 30, "the backup's work folder", poll=0.002)  # it is there briefly
    assert process.poll() is None, "finished before it could be stopped: proves nothing"
    return process


def test_a_backup_stopped_with_sigterm_removes_its_work_and_writes_nothing(
    tmp_path: Path,
) -> None:
    large_database(tmp_path / "bot.json")
    backups = tmp_path / "backups"
    backups.mkdir()
    process = backup_caught_working(tmp_path, backups / "t.json")
    process.terminate()
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert stderr.strip() == f"The backup was stopped; nothing was written to {backups / 't.json'}."
    assert list(backups.iterdir()) == []


def test_a_killed_backups_leftovers_are_removed_by_the_next_one(tmp_path: Path) -> None:
    large_database(tmp_path / "bot.json")
    backups = tmp_path / "backups"
    backups.mkdir()
    killed = backup_caught_working(tmp_path, backups / "t.json")
    killed.kill()
    killed.communicate(timeout=30)
    (left,) = work_folders(backups)
    assert any(left.rglob("bot.json*")), "a copy of people's data was left"
    made = back_up(tmp_path / "bot.json", backups / "t.json")
    assert made.registrations == 40_000
    assert sorted(p.name for p in backups.iterdir()) == ["t.json"]


def test_another_backup_still_working_keeps_its_folder(tmp_path: Path) -> None:
    with backup_module.work_folder(tmp_path) as working:
        (working / "part").write_bytes(b"x")
        assert backup_module.remove_stale(tmp_path) == []
        assert (working / "part").exists()
    assert work_folders(tmp_path) == []

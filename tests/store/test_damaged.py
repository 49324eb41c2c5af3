"""The durable store's files when damaged, half-written or out of reach."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.store import StoreError, TinyDBStore
from tests.store.helpers import journal_of, write_journal


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
        (b'{"registrations": {}, "waitlist": {}, "cards": {}, "claims": {}, "meta": {}}',
         "one record in table 'meta'"),
        (b'{"registrations": {}, "waitlist": {}, "cards": {}, "meta": {"1": {"version": 1, '
         b'"seq": 0}}, "claims": {"1": {"key": 5, "at": "t"}}}', "table 'claims': document 1"),
        (b"", "the file is empty"),
        (b"{}", "are missing: this is not a whole snapshot"),
        (b'{"meta": {"1": {"version": 1, "seq": 4}}}', "are missing"),
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

"""`copy-store`: an event moved from TinyDB to PostgreSQL and back keeps everything, in order;
and `backup` on PostgreSQL gives a file that `copy-store` restores."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.backup import back_up_postgres
from bot.copying import CopyError, copy_all
from bot.records import (
    BROADCAST_KIND,
    Broadcast,
    Entry,
    Feedback,
    Notice,
    Store,
    TinyDBStore,
)
from bot.store.postgres import PostgresEngine
from tests.conftest import ROOT
from tests.store.helpers import pending
from tests.support.launcher import run as run_forked

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def fill(store: Store) -> None:
    """A little of everything an event keeps."""
    for n in range(6):
        store.register(user_id=f"U{n}", session_id="s1", capacity=3, at=T0)
    notice = Notice("promotion", "s1", T0 + timedelta(days=1))
    store.unregister(user_id="U1", session_id="s1", capacity=3, notice=notice, at=T0)
    store.save_broadcast(broadcast=Broadcast("b1", "U0", "Hello", T0))
    entries = [
        Entry(BROADCAST_KIND, "b1", u, "1", T0 + timedelta(days=1), T0) for u in ("U2", "Zoë")
    ]
    store.change_broadcast(broadcast_id="b1", when=("draft",), changes={"status": "sending"},
                           entries=entries)  # fmt: skip
    store.settle(key=entries[0].key, status="sent", at=T0)
    store.set_reminders(user_id="U2", offsets=(900,))
    store.set_calendar_token(user_id="U2", token="tok-2")
    store.save_feedback(feedback=Feedback("U2", "s1", T0, rating=5, learnt="Ça va"))
    store.revise(fingerprints={"s1": "a"})
    store.revise(fingerprints={"s1": "b"})


def picture(store: Store) -> dict[str, Any]:
    return {
        "registered": store.registrants(session_id="s1"),
        "waiting": store.waitlist(session_id="s1"),
        "pending": pending(store),
        "broadcast": store.broadcast(broadcast_id="b1"),
        "counts": store.counts(kind=BROADCAST_KIND, subject="b1"),
        "choice": store.reminders_of(user_id="U2"),
        "owner": store.calendar_owner(token="tok-2"),
        "feedback": store.feedback_of(user_id="U2"),
        "revision": store.revise(fingerprints={"s1": "b"}),
    }


def test_there_and_back_keeps_everything_in_order(tmp_path: Path, postgres_url: str) -> None:
    source = TinyDBStore(tmp_path / "a.json")
    fill(source)
    expected = picture(source)
    assert expected["registered"] == ["U0", "U2", "U3"] and expected["waiting"] == ["U4", "U5"]
    middle = Store(PostgresEngine(postgres_url))
    counts = copy_all(source.engine, middle.engine)
    assert counts["places"] == 5
    assert picture(middle) == expected
    back = TinyDBStore(tmp_path / "b.json")
    copy_all(middle.engine, back.engine)
    assert picture(back) == expected
    with pytest.raises(CopyError, match="already holds data"):
        copy_all(source.engine, back.engine)
    for store in (source, middle, back):
        store.close()


def test_a_postgres_backup_is_restored_by_copy_store(tmp_path: Path, postgres_url: str) -> None:
    live = Store(PostgresEngine(postgres_url))
    fill(live)
    expected = picture(live)
    live.close()
    made = back_up_postgres(postgres_url, tmp_path / "backup.json")
    assert (made.registrations, made.waitlisted) == (3, 2)
    restored = tmp_path / "restored.json"
    result = run_forked(
        ["copy-store", "--from", str(made.path), "--to", str(restored)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Copied and checked: ")
    store = TinyDBStore(restored)
    assert picture(store) == expected
    store.close()


def test_copy_store_refuses_a_source_that_is_in_use(tmp_path: Path) -> None:
    running = TinyDBStore(tmp_path / "a.json")
    result = run_forked(
        ["copy-store", "--from", str(tmp_path / "a.json"), "--to", str(tmp_path / "b.json")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT)},
    )
    running.close()
    assert result.returncode == 1
    assert result.stderr.startswith("Cannot open the source: ") and "already open" in result.stderr
    assert "Traceback" not in result.stderr


def test_copy_store_to_a_database_that_does_not_answer_says_so_and_copies_nothing(
    tmp_path: Path,
) -> None:
    source = TinyDBStore(tmp_path / "a.json")
    fill(source)
    source.close()
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_forked(
        [
            "copy-store",
            "--from",
            str(tmp_path / "a.json"),
            "--to",
            f"postgresql://bot:s3cret@127.0.0.1:{port}/sww",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Cannot open the target: PostgreSQL at 127.0.0.1:")
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr
    reopened = TinyDBStore(tmp_path / "a.json")  # the source is as it was
    assert reopened.registrants(session_id="s1") == ["U0", "U2", "U3"]
    reopened.close()

"""Kill -9 a process registering people at random moments: every confirmed registration
(and every confirmed promotion with its outbox entry) must be there when the database is
opened again, round after round on the same files."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

import pytest

from bot.records import NO_SEAT, Counts, Seat, TinyDBStore
from tests.conftest import ROOT
from tests.store.child import DEADLINE, PROMOTION
from tests.store.helpers import crash_image, pending
from tests.support.launcher import piped

ROUNDS = 8
PROMOTION_ROUNDS = 4


def run_until_killed(db: Path, round_: int, delay: float, *options: str) -> list[str]:
    """Start a child registering people (with `options`, see `tests.store.child`), kill it
    `delay` seconds after its first confirmed change (on a loaded machine, the first may
    take longer than the shortest delay), and return the lines it printed (each a
    confirmed change)."""
    child = piped("tests.store.child", [str(db), str(round_), "--threads", "8",
                                        "--compact-after", "300", *options], cwd=ROOT)  # fmt: skip
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready == b"ready\n", ready
    first = child.stdout.readline()
    assert first.endswith(b"\n"), f"the child ended before confirming anything: {first!r}"
    # Read on another thread so the child never blocks on a full pipe.
    chunks: list[bytes] = [first]
    reader = threading.Thread(target=lambda: chunks.extend(iter(child.stdout.read1, b"")))  # type: ignore[union-attr]
    reader.start()
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    reader.join(timeout=10)
    # Only whole lines count: the kill may cut the last one short.
    return b"".join(chunks).decode().split("\n")[:-1]


@pytest.mark.slow(seconds=6)
def test_every_confirmed_registration_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    confirmed: list[str] = []
    for round_ in range(ROUNDS):
        delay = rng.uniform(0.05, 0.5)
        lines = run_until_killed(db, round_, delay)
        confirmed += lines
        # Odd rounds check a copy, so the next child itself opens the files as the kill
        # left them; even rounds open (and close: a final snapshot) the files themselves.
        checked = db if round_ % 2 == 0 else crash_image(db, tmp_path / f"copy{round_}")
        store = TinyDBStore(checked)  # raises if the files cannot be read
        try:
            seats = seats_in_sessions(store, confirmed)
            for line in confirmed:
                user, session, state, position = line.split()
                expected = Seat(state, int(position) or None)  # type: ignore[arg-type]
                found = seats.get((user, session), NO_SEAT)
                assert found == expected, f"{line}: found {found} (seed {seed}, round {round_})"
        finally:
            store.close()


def seats_in_sessions(store: TinyDBStore, lines: list[str]) -> dict[tuple[str, str], Seat]:
    """Each confirmed person's seat as the store has it, reading each session's registrants
    and waitlist once (asking seat by seat reads a waitlist of thousands once a person)."""
    seats: dict[tuple[str, str], Seat] = {}
    for session in {line.split()[1] for line in lines}:
        for user in store.registrants(session_id=session):
            seats[user, session] = Seat("registered")
        for position, user in enumerate(store.waitlist(session_id=session), start=1):
            seats[user, session] = Seat("waitlisted", position)
    return seats


@pytest.mark.slow(seconds=2)
def test_every_confirmed_promotion_keeps_its_outbox_entry_through_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    confirmed: list[str] = []
    for round_ in range(PROMOTION_ROUNDS):
        delay = rng.uniform(0.05, 0.4)
        lines = run_until_killed(db, round_, delay, "--promote")
        confirmed += lines
        checked = db if round_ % 2 == 0 else crash_image(db, tmp_path / f"copy{round_}")
        store = TinyDBStore(checked)
        try:
            notified: dict[str, list[str]] = {}
            for entry in pending(store):
                assert entry.kind == PROMOTION and entry.deadline == DEADLINE
                notified.setdefault(entry.subject, []).append(entry.recipient)
                # Confirmed or not, an entry is never there without its promotion.
                seat = store.seat(user_id=entry.recipient, session_id=entry.subject)
                assert seat == Seat("registered"), f"{entry} (seed {seed}, round {round_})"
            for line in confirmed:
                user, session = line.split()
                where = f"{line} (seed {seed}, round {round_})"
                assert store.seat(user_id=user, session_id=session) == Seat("registered"), where
                assert notified.get(session) == [user], where
                assert store.counts(kind=PROMOTION, subject=session) == Counts(pending=1), where
        finally:
            store.close()

"""Tests here run on the bot's clock, which each test moves: a session an hour from the real
now (so the outbox's deadlines lie ahead in real time too), reminders 15 and 5 minutes before
it, and the clock at 20 minutes before: 40 minutes ahead of the real time, as a console's
`--now` may be, which the outbox must not mind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Clock
from tests.support.live_programme import write_programme

OFFSETS = (timedelta(minutes=15), timedelta(minutes=5))


@pytest.fixture
def start() -> datetime:
    """When the session "soon" starts."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def clock(start: datetime) -> Clock:
    return Clock(now=start - timedelta(minutes=20))


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"reminder_offsets": OFFSETS}


@pytest.fixture
def programme_path(tmp_path: Path, start: datetime) -> Path:
    path = tmp_path / "programme.json"
    session = {"id": "soon", "title": "Session soon", "start": start.isoformat(),
               "end": (start + timedelta(hours=1)).isoformat(), "location": "Leeds"}  # fmt: skip
    write_programme(path, [session])
    return path

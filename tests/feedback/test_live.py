"""Feedback requests on real time: asked at the session's end plus FEEDBACK_DELAY, not before."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Clock, RunningBot
from tests.support.live_programme import dms, session, wait_until, write_programme


@pytest.fixture
def clock() -> Clock:
    return Clock(now=None)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"feedback_delay": "1s"}


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    path = tmp_path / "programme.json"
    write_programme(path, [session("ending", -3600 + 1.0)])  # ends a second from now
    return path


def test_asked_once_when_due_and_not_before(bot: RunningBot) -> None:
    start = bot.parts.current.programme.by_id["ending"].start
    bot.store.register(user_id="U1", session_id="ending", capacity=None,
                       at=start - timedelta(minutes=5))  # fmt: skip
    bot.parts.start()
    due = bot.parts.current.programme.by_id["ending"].end + timedelta(seconds=1)
    time.sleep(0.8)
    assert dms(bot, "U1") == []  # the session has not even ended
    wait_until(lambda: len(dms(bot, "U1")) == 1)
    assert datetime.now(UTC) >= due
    assert dms(bot, "U1")[0].startswith("How useful was Session ending?")
    time.sleep(0.5)
    assert len(dms(bot, "U1")) == 1

"""The attendee's own week on a full disk: a reminder choice, forgetting and a calendar feed
that cannot be saved are refused plainly, nothing already stored is lost, and all of it works
once there is room again."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import Any

import pytest

from bot.blocks import ids
from bot.listeners.errors import NOT_SAVED
from bot.records import TinyDBStore
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, button_in, pressed
from tests.support.slack_requests import get_text

PUBLIC_URL = "https://bot.example.org"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"public_url": PUBLIC_URL}


@pytest.fixture
def disk(served_bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """`disk(True)` makes every write to the store's journal fail with ENOSPC."""
    store = served_bot.store
    assert isinstance(store, TinyDBStore)
    real_write, full = os.write, [False]

    def write(fd: int, data: bytes | memoryview) -> int:
        if full[0] and fd == store.engine._journal.fd:  # type: ignore[attr-defined]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    return lambda is_full: full.__setitem__(0, is_full)


def test_a_choice_and_forgetting_are_refused_plainly_and_nothing_is_lost(
    served_bot: RunningBot, disk: Callable[[bool], None]
) -> None:
    bot = served_bot
    ack_body(bot.send.command("/register", "racism", user_id="U1"))
    ack_body(bot.send.command("/reminders", "15m", user_id="U1"))
    listing = ack_body(bot.send.command("/forgetme", user_id="U1"))
    disk(True)
    assert ack_body(bot.send.command("/reminders", "off", user_id="U1"))["text"] == NOT_SAVED
    assert bot.store.reminders_of(user_id="U1") == (900,)
    confirm = button_in(listing, ids.FORGET_CONFIRM)
    bot.send.action([pressed(confirm)], user_id="U1", response_url=bot.slack.response_url("f"))
    (refused,) = bot.slack.wait_for_response()
    assert refused.payload["text"] == NOT_SAVED
    assert bot.store.registrants(session_id="tue-racism") == ["U1"]  # nothing deleted
    assert bot.store.reminders_of(user_id="U1") == (900,)
    disk(False)
    saved = ack_body(bot.send.command("/reminders", "off", user_id="U1"))
    assert saved["text"] == "Saved. Your reminders are off."
    assert bot.store.reminders_of(user_id="U1") == ()


def test_a_feed_that_cannot_be_saved_is_503_then_served(
    served_bot: RunningBot, disk: Callable[[bool], None]
) -> None:
    bot = served_bot
    ack_body(bot.send.command("/register", "racism", user_id="U1"))
    reply = ack_body(bot.send.command("/mysessions", "calendar", user_id="U1"))
    (link,) = [w.strip("`") for w in reply["text"].split() if PUBLIC_URL in w]
    path = link.removeprefix(PUBLIC_URL)
    disk(True)  # the first read records the session's revision: a write
    assert get_text(bot.send.base_url, path)[0] == 503
    disk(False)
    status, feed = get_text(bot.send.base_url, path)
    assert status == 200 and "SUMMARY:Racism in the workplace" in feed

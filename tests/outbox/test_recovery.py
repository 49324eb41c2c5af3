"""The outbox end to end, with something broken: the real app and its parts against the fake
Slack, which fails on purpose (5xx windows, rate limits), and a stopped sender standing in
for a crash. Each recipient is served once, in time, or the miss is reported."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.records import BROADCAST_KIND
from bot.reminders.jobs import REMINDER
from tests.conftest import ANNOUNCEMENTS, ORGANISER, Clock, RunningBot
from tests.listeners.helpers import ack_body
from tests.support.live_programme import session, wait_until, write_programme


def delivered(bot: RunningBot) -> Counter[str]:
    """How many messages each channel (or person) received."""
    calls = bot.slack.calls_to("chat.postMessage")
    return Counter(c.args["channel"] for c in calls if not c.failed)


def failed_calls(bot: RunningBot) -> int:
    return sum(1 for c in bot.slack.calls_to("chat.postMessage") if c.failed)


@pytest.fixture
def clock() -> Clock:
    return Clock(now=None)  # real time: deadlines pass as they would


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"reminder_offsets": (timedelta(seconds=4),)}


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    path = tmp_path / "programme.json"
    write_programme(path, [session("soon", 5.0), session("small", 600, capacity=1)])
    return path


@pytest.mark.slow(seconds=3)
def test_a_reminder_due_in_a_slack_outage_goes_after_it_and_before_the_start(
    bot: RunningBot,
) -> None:
    starts = time.monotonic() + 5.0 - 0.2  # "soon" starts about 5 s after the fixture
    for user in ("U1", "U2"):
        ack_body(bot.send.command("/register", "soon", user_id=user))
    bot.slack.fail_for("*", 2.5)  # Slack answers 503 from now, across the 1-second moment
    bot.parts.start()
    wait_until(lambda: set(delivered(bot)) >= {"U1", "U2", ANNOUNCEMENTS}, timeout=8)
    assert time.monotonic() < starts, "delivered only after the session started"
    assert failed_calls(bot) >= 3  # the outage was met, and retried through
    assert bot.parts.settle()
    assert delivered(bot) == Counter({"U1": 1, "U2": 1, ANNOUNCEMENTS: 1})
    assert bot.store.counts(kind=REMINDER, subject="soon").sent == 2


def test_a_promotion_under_server_errors_is_told_once(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "small", user_id="U1"))
    ack_body(bot.send.command("/register", "small", user_id="U2"))  # on the waitlist
    bot.slack.fail_for("chat.postMessage", 1.0, status=500)
    ack_body(bot.send.command("/unregister", "small", user_id="U1"))
    wait_until(lambda: delivered(bot)["U2"] == 1, timeout=6)
    assert failed_calls(bot) >= 1
    assert bot.parts.settle()
    assert delivered(bot) == Counter({"U2": 1})
    (told,) = [c for c in bot.slack.calls_to("chat.postMessage") if not c.failed]
    assert told.args["text"].startswith(":tada: A place came free")


def test_a_promotion_not_yet_sent_when_the_bot_stops_is_sent_after_the_restart(
    served_bot: RunningBot,
) -> None:
    bot = served_bot
    ack_body(bot.send.command("/register", "small", user_id="U1"))
    ack_body(bot.send.command("/register", "small", user_id="U2"))
    bot.parts.outbox.close()  # the sender is gone, as in a crash just after the decision
    ack_body(bot.send.command("/unregister", "small", user_id="U1"))
    assert delivered(bot) == Counter()  # nothing sends it: the decision is only stored
    restarted = bot.restart()
    try:
        wait_until(lambda: delivered(bot)["U2"] == 1, timeout=6)
        assert restarted.settle()
        people = {who: n for who, n in delivered(bot).items() if who.startswith("U")}
        assert people == {"U2": 1}
    finally:
        restarted.close()


@pytest.mark.parametrize("settings_overrides", [{"reminder_offsets": (timedelta(seconds=4),)}])
@pytest.mark.slow(seconds=7)
def test_reminders_and_a_broadcast_at_once_keep_to_slacks_rate(
    bot: RunningBot, programme_path: Path
) -> None:
    write_programme(programme_path, [session("soon", 6.0), session("small", 600)])
    assert bot.parts.reloader.reload()
    reminded = [f"UR{n:02d}" for n in range(40)]
    announced = [f"UA{n:02d}" for n in range(40)]
    for user in reminded:
        bot.store.register(user_id=user, session_id="soon", capacity=None)
    for user in announced:
        bot.store.register(user_id=user, session_id="small", capacity=None)
    bot.slack.limit_rate("chat.postMessage", per_second=20)
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B now")
    broadcasts.choose_audience(broadcast_id=draft.id, audience="session:small")
    bot.parts.start()  # the reminders fall due about 2 s after the programme was written...
    wait_until(lambda: any(user in delivered(bot) for user in reminded), timeout=15)
    assert broadcasts.send(broadcast_id=draft.id)  # ...and the broadcast goes with them
    everyone = set(reminded + announced)
    wait_until(lambda: everyone <= set(delivered(bot)), timeout=15)
    assert bot.parts.settle()
    counts = delivered(bot)
    assert all(counts[user] == 1 for user in everyone)
    assert bot.slack.rate_limited_count("chat.postMessage") <= 5
    assert bot.store.counts(kind=REMINDER, subject="soon").sent == 40
    assert bot.store.counts(kind=BROADCAST_KIND, subject=draft.id).sent == 40


@pytest.mark.parametrize("settings_overrides", [{"broadcast_expiry": timedelta(seconds=1)}])
def test_an_expired_broadcast_is_reported_not_sent(bot: RunningBot) -> None:
    for user in ("U1", "U2", "U3"):
        bot.store.register(user_id=user, session_id="small", capacity=None)
    bot.slack.fail_for("chat.postMessage", 2.5)
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B now")
    broadcasts.choose_audience(broadcast_id=draft.id, audience="session:small")
    assert broadcasts.send(broadcast_id=draft.id)
    wait_until(lambda: bot.store.counts(kind=BROADCAST_KIND, subject=draft.id).expired == 3)
    wait_until(lambda: bot.store.broadcast(broadcast_id=draft.id).status == "sent")  # type: ignore[union-attr]
    assert bot.parts.settle()  # Slack is back: nothing expired goes now
    assert delivered(bot) == Counter()
    history = ack_body(bot.send.command("/announce", "history", user_id=ORGANISER))
    shown = json.dumps(history["blocks"])
    assert "Not delivered in the last day: 3 announcement messages expired" in shown
    assert "0 delivered, 3 failed" in shown

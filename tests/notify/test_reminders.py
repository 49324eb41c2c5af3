"""Reminders end to end, on real time through the fake Slack: at the right moments, to the
right people, exactly once across restarts, caught up when missed, never late floods."""

from __future__ import annotations

import time
from pathlib import Path

from bot.notify import Notifications
from bot.store import Card
from tests.conftest import ANNOUNCEMENTS, RunningBot
from tests.listeners.helpers import ack_body
from tests.notify.conftest import session, write_programme


def dms(bot: RunningBot, user: str) -> list[str]:
    calls = bot.slack.calls_to("chat.postMessage")
    return [c.args["text"] for c in calls if c.args["channel"] == user and not c.failed]


def wait_until(condition: object, timeout: float = 6.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_each_registrant_is_reminded_at_each_offset_once(
    bot: RunningBot, notifications: Notifications
) -> None:
    for user in ("U1", "U2"):
        ack_body(bot.send.command("/register", "soon", user_id=user))
    notifications.start()
    wait_until(lambda: len(dms(bot, "U1")) == 2 and len(dms(bot, "U2")) == 2)
    # Seconds ahead is "now" in words; the Slack date in the blocks gives the exact time.
    assert dms(bot, "U1") == ["Session soon starts now. Leeds"] * 2
    reminder = next(c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == "U1")
    button = reminder.args["blocks"][1]["accessory"]
    assert button["text"]["text"] == "Unregister"
    wait_until(lambda: any(c.args["channel"] == ANNOUNCEMENTS
                           for c in bot.slack.calls_to("chat.postMessage")))  # fmt: skip
    soon = [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == ANNOUNCEMENTS]
    assert len(soon) == 1 and soon[0].args["text"].startswith("Starting soon: Session soon")
    time.sleep(1.5)
    assert len(dms(bot, "U1")) == 2 and len(dms(bot, "U2")) == 2


def test_exactly_once_across_a_restart_between_reminders(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    first = Notifications(bot.services, bot.app.client)
    first.start()
    wait_until(lambda: len(dms(bot, "U1")) == 1)  # the 2-second reminder
    first.stop()
    second = Notifications(bot.services, bot.app.client)
    second.start()  # rebuilt from the programme and the store
    try:
        wait_until(lambda: len(dms(bot, "U1")) == 2)  # the 1-second reminder, once
        time.sleep(1.5)
        assert len(dms(bot, "U1")) == 2
    finally:
        second.stop()


def test_a_missed_moment_is_caught_up_once_before_the_start(
    bot: RunningBot, notifications: Notifications
) -> None:
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    time.sleep(2.2)  # the bot is "down" past both moments, but the session has not started
    notifications.start()
    wait_until(lambda: len(dms(bot, "U1")) == 1)
    time.sleep(1.0)
    assert len(dms(bot, "U1")) == 1  # one catch-up, not one per missed offset
    assert dms(bot, "U1") == ["Session soon starts now. Leeds"]


def test_after_the_start_missed_reminders_are_skipped(
    bot: RunningBot, notifications: Notifications
) -> None:
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    time.sleep(3.2)
    notifications.start()
    time.sleep(1.0)
    assert dms(bot, "U1") == []


def test_registering_after_a_moment_brings_no_late_reminder(
    bot: RunningBot, notifications: Notifications
) -> None:
    notifications.start()
    time.sleep(1.3)  # the 2-second reminder's moment has passed
    ack_body(bot.send.command("/register", "soon", user_id="U1"))
    wait_until(lambda: len(dms(bot, "U1")) == 1)  # only the 1-second reminder
    time.sleep(1.2)
    assert len(dms(bot, "U1")) == 1


def test_a_user_who_cannot_be_messaged_does_not_stop_the_others(
    bot: RunningBot, notifications: Notifications
) -> None:
    for user in ("U1", "U2", "U3"):
        ack_body(bot.send.command("/register", "soon", user_id=user))
    bot.slack.unreachable_users.add("U2")
    notifications.start()
    wait_until(lambda: len(dms(bot, "U1")) == 2 and len(dms(bot, "U3")) == 2)
    assert dms(bot, "U2") == []


def test_a_moved_session_is_rescheduled_and_its_registrants_told_once(
    bot: RunningBot, notifications: Notifications, programme_path: Path
) -> None:
    write_programme(programme_path, [session("later", 60)])
    assert notifications.reloader.reload()
    ack_body(bot.send.command("/register", "later", user_id="U1"))
    notifications.start()
    before = dict(notifications.scheduler.jobs())
    write_programme(programme_path, [session("later", 120, location="Bristol")])
    wait_until(lambda: len(dms(bot, "U1")) == 1)  # the watcher saw the file change
    news = dms(bot, "U1")[0]
    assert "Session later has changed:" in news
    assert "Time: " in news and " → " in news and "Place: Leeds → Bristol" in news
    after = dict(notifications.scheduler.jobs())
    assert set(after) == set(before)
    assert all(after[job] > before[job] for job in after)
    assert not notifications.reloader.reload()  # the same file again: nothing new, no message
    time.sleep(0.3)
    assert len(dms(bot, "U1")) == 1


def test_a_cancelled_session_is_announced_and_unscheduled(
    bot: RunningBot, notifications: Notifications, programme_path: Path
) -> None:
    write_programme(programme_path, [session("later", 60), session("other", 90)])
    notifications.reloader.reload()
    ack_body(bot.send.command("/register", "later", user_id="U1"))
    notifications.start()
    write_programme(programme_path, [session("other", 90)])
    assert notifications.reloader.reload()
    wait_until(lambda: len(dms(bot, "U1")) == 1)
    assert "Session later" in dms(bot, "U1")[0] and "has been cancelled" in dms(bot, "U1")[0]
    assert all(":later:" not in job for job, _ in notifications.scheduler.jobs())


def test_a_broken_programme_is_refused_and_the_old_one_stays(
    bot: RunningBot, notifications: Notifications, programme_path: Path
) -> None:
    old = bot.services.programme
    programme_path.write_text('{"event": {"name": "SWW"}, "sessions": []}')
    assert not notifications.reloader.reload()
    assert bot.services.programme is old


def test_session_cards_show_a_moved_session(
    bot: RunningBot, notifications: Notifications, programme_path: Path
) -> None:
    write_programme(programme_path, [session("later", 60)])
    notifications.reloader.reload()
    bot.services.store.save_card(card=Card("later", ANNOUNCEMENTS, "1679000000.000100"))
    notifications.start()
    write_programme(programme_path, [session("later", 60, location="Bristol")])
    assert notifications.reloader.reload()
    (update,) = bot.slack.wait_for("chat.update")
    assert update.args["ts"] == "1679000000.000100"
    assert "Bristol" in str(update.args["blocks"])


def test_more_places_move_the_waitlist_up_and_tell_them(
    bot: RunningBot, notifications: Notifications, programme_path: Path
) -> None:
    small = session("small", 60, capacity=1)
    write_programme(programme_path, [small])
    notifications.reloader.reload()
    for user in ("U1", "U2", "U3"):
        ack_body(bot.send.command("/register", "small", user_id=user))
    write_programme(programme_path, [small | {"capacity": 2}])
    assert notifications.reloader.reload()
    wait_until(lambda: len(dms(bot, "U2")) == 1)
    assert dms(bot, "U2")[0].startswith(":tada: A place came free: you're now registered for")
    assert bot.services.store.registrants(session_id="small") == ["U1", "U2"]
    assert bot.services.store.waitlist(session_id="small") == ["U3"]
    assert dms(bot, "U3") == []

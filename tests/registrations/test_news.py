"""Reloading the programme while the bot runs: checked first, then in force; the reminders
planned again; registrants of a changed or cancelled session told once; cards updated; new
places given to the waitlist."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Bot
from bot.programme import Session
from bot.programme.diff import SessionChange
from bot.records import Card
from bot.registrations.news import change_news
from tests.conftest import ANNOUNCEMENTS, RunningBot
from tests.listeners.helpers import ack_body
from tests.registrations.test_sessions import assert_valid_message
from tests.support.live_programme import (
    clock,
    dms,
    parts,
    programme_path,
    session,
    settings_overrides,
    wait_until,
    write_programme,
)

# The bot runs on real time here: see `tests.support.live_programme`.
__all__ = ["clock", "parts", "programme_path", "settings_overrides"]


def test_a_moved_session_is_rescheduled_and_its_registrants_told_once(
    bot: RunningBot, parts: Bot, programme_path: Path
) -> None:
    write_programme(programme_path, [session("later", 60)])
    assert parts.reloader.reload()
    ack_body(bot.send.command("/register", "later", user_id="U1"))
    parts.start()
    before = dict(parts.scheduler.jobs("reminder:"))
    write_programme(programme_path, [session("later", 120, location="Bristol")])
    wait_until(lambda: len(dms(bot, "U1")) == 1)  # the watcher saw the file change
    news = dms(bot, "U1")[0]
    assert "Session later has changed:" in news
    assert "Time: " in news and " → " in news and "Place: Leeds → Bristol" in news
    after = dict(parts.scheduler.jobs("reminder:"))
    assert set(after) == set(before)
    assert all(after[job] > before[job] for job in after)
    assert not parts.reloader.reload()  # the same file again: nothing new, no message
    assert parts.settle()
    assert len(dms(bot, "U1")) == 1


def test_a_cancelled_session_is_announced_and_unscheduled(
    bot: RunningBot, parts: Bot, programme_path: Path
) -> None:
    write_programme(programme_path, [session("later", 60), session("other", 90)])
    parts.reloader.reload()
    ack_body(bot.send.command("/register", "later", user_id="U1"))
    parts.start()
    write_programme(programme_path, [session("other", 90)])
    assert parts.reloader.reload()
    wait_until(lambda: len(dms(bot, "U1")) == 1)
    assert "Session later" in dms(bot, "U1")[0] and "has been cancelled" in dms(bot, "U1")[0]
    assert all(":later:" not in job for job, _ in parts.scheduler.jobs("reminder:"))


def test_a_broken_programme_is_refused_and_the_old_one_stays(
    bot: RunningBot, parts: Bot, programme_path: Path
) -> None:
    old = bot.parts.current.programme
    programme_path.write_text('{"event": {"name": "SWW"}, "sessions": []}')
    assert not parts.reloader.reload()
    assert bot.parts.current.programme is old


def test_a_refused_reload_logs_the_warnings_that_explain_it(
    bot: RunningBot, parts: Bot, programme_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    starts = "2027-03-16T09:30:00+00:00"
    sessions = [{"id": "s1", "title": "T", "start": starts, "length": 60}]
    programme_path.write_text(
        json.dumps({"event": {"name": "SWW", "timezone": "Europe/London"}, "sessions": sessions})
    )
    with caplog.at_level(logging.ERROR, logger="bot.current"):
        assert not parts.reloader.reload()
    (record,) = [r for r in caplog.records if r.name == "bot.current"]
    assert "end or duration is required" in record.getMessage()
    assert "warning: session 's1' (#1): unknown field 'length' ignored" in record.getMessage()


def test_session_cards_show_a_moved_session(
    bot: RunningBot, parts: Bot, programme_path: Path
) -> None:
    write_programme(programme_path, [session("later", 60)])
    parts.reloader.reload()
    bot.store.save_card(card=Card("later", ANNOUNCEMENTS, "1679000000.000100"))
    parts.start()
    write_programme(programme_path, [session("later", 60, location="Bristol")])
    assert parts.reloader.reload()
    (update,) = bot.slack.wait_for("chat.update")
    assert update.args["ts"] == "1679000000.000100"
    assert "Bristol" in str(update.args["blocks"])


def test_more_places_move_the_waitlist_up_and_tell_them(
    bot: RunningBot, parts: Bot, programme_path: Path
) -> None:
    small = session("small", 60, capacity=1)
    write_programme(programme_path, [small])
    parts.reloader.reload()
    for user in ("U1", "U2", "U3"):
        ack_body(bot.send.command("/register", "small", user_id=user))
    write_programme(programme_path, [small | {"capacity": 2}])
    assert parts.reloader.reload()
    wait_until(lambda: len(dms(bot, "U2")) == 1)
    assert dms(bot, "U2")[0].startswith(":tada: A place came free: you're now registered for")
    assert bot.store.registrants(session_id="small") == ["U1", "U2"]
    assert bot.store.waitlist(session_id="small") == ["U3"]
    assert dms(bot, "U3") == []


def test_every_version_of_the_programme_is_told_even_back_and_forth(
    bot: RunningBot, parts: Bot, programme_path: Path
) -> None:
    later = session("later", 600)
    write_programme(programme_path, [later])
    assert parts.reloader.reload()
    ack_body(bot.send.command("/register", "later", user_id="U1"))
    parts.outbox.start()
    for hall, told in (("Hall B", 1), ("Hall A", 2), ("Hall B", 3)):
        write_programme(programme_path, [later | {"location": hall}])
        assert parts.reloader.reload()
        wait_until(lambda count=told: len(dms(bot, "U1")) == count)  # type: ignore[misc]
    assert [news.split("Place: ")[1] for news in dms(bot, "U1")] == [
        "Leeds → Hall B", "Hall B → Hall A", "Hall A → Hall B",
    ]  # fmt: skip


def test_a_cancelled_session_that_comes_back_is_told_each_time(
    bot: RunningBot, parts: Bot, programme_path: Path
) -> None:
    later, other = session("later", 600), session("other", 900)
    write_programme(programme_path, [later, other])
    assert parts.reloader.reload()
    ack_body(bot.send.command("/register", "later", user_id="U1"))
    parts.outbox.start()
    for programme, told in (([other], 1), ([later, other], 2), ([other], 3)):
        write_programme(programme_path, programme)
        assert parts.reloader.reload()
        wait_until(lambda count=told: len(dms(bot, "U1")) == count)  # type: ignore[misc]
    cancelled, back, again = dms(bot, "U1")
    assert "has been cancelled" in cancelled and "has been cancelled" in again
    assert back.startswith(":leftwards_arrow_with_hook: Session later is back on:")
    assert parts.settle()
    assert len(dms(bot, "U1")) == 3


# --- the messages --------------------------------------------------------------------------

NEWS_START = datetime(2023, 3, 21, 12, 30, tzinfo=ZoneInfo("Europe/London"))
NEWS_SESSION = Session.model_validate(
    {"id": "tue", "title": "Racism & practice", "start": NEWS_START,
     "end": NEWS_START + timedelta(hours=1, minutes=30), "location": "Leeds"}
)  # fmt: skip


def test_change_news_says_what_changed() -> None:
    moved = NEWS_SESSION.model_copy(
        update={"start": NEWS_START + timedelta(minutes=30), "end": NEWS_START + timedelta(hours=2),
                "location": "Bristol"}
    )  # fmt: skip
    news = change_news(SessionChange(NEWS_SESSION, moved), ZoneInfo("Europe/London"))
    assert_valid_message(news.blocks, news.text)
    assert news.text.splitlines() == [
        ":pencil2: Racism &amp; practice has changed:",
        "Time: Tue 21 Mar, 12:30–14:00 GMT → Tue 21 Mar, 13:00–14:30 GMT",
        "Place: Leeds → Bristol",
    ]
    cancelled = change_news(SessionChange(NEWS_SESSION, None), ZoneInfo("Europe/London"))
    assert cancelled.text == (
        ":no_entry: Racism &amp; practice (Tue 21 Mar, 12:30–14:00 GMT) has been cancelled. Sorry."
    )


def test_news_is_kept_as_the_facts_of_the_change_and_drawn_when_sent(
    served_bot: RunningBot, programme_path: Path
) -> None:
    """No Slack message is stored: the entry keeps the session before and after, as the
    programme gave them, and the news is drawn from them when it is sent (here by the next
    run of the bot)."""
    bot = served_bot
    write_programme(programme_path, [session("later", 60)])
    assert bot.parts.reloader.reload()
    ack_body(bot.send.command("/register", "later", user_id="U1"))
    bot.parts.outbox.close()  # the sender is gone: the news stays in the outbox
    write_programme(programme_path, [session("later", 60, location="Bristol")])
    assert bot.parts.reloader.reload()
    ((_, doc),) = bot.store.engine.read(lambda tx: tx.find("outbox", kind="change"))
    assert doc.get("message") is None
    assert (doc["about"]["before"]["location"], doc["about"]["after"]["location"]) == (
        "Leeds",
        "Bristol",
    )
    restarted = bot.restart()
    try:
        wait_until(lambda: len(dms(bot, "U1")) == 1)
        assert "Place: Leeds → Bristol" in dms(bot, "U1")[0]
    finally:
        restarted.close()

"""Feedback requests end to end through the outbox and the fake Slack: one DM per person per
session however often the batch runs (and across a restart), only to people registered at
the start and still registered, none when FEEDBACK_DELAY is off; and the jobs planned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.current import CurrentProgramme
from bot.feedback.jobs import FEEDBACK, FeedbackJobs, feedback_version
from bot.feedback.plan import job_id
from bot.programme import Programme, load_programme
from bot.records import Entry, MemoryStore
from bot.scheduler import Scheduler
from tests.conftest import LONDON, ROOT, Clock, RunningBot
from tests.support.live_programme import wait_until

AMHP = "tue-amhp"  # Tue 21 Mar 09:30–10:30: over at the bot's 13:00
BEFORE = datetime(2023, 3, 20, 9, 0, tzinfo=LONDON)


def register(bot: RunningBot, user: str, at: datetime, session_id: str = AMHP) -> None:
    bot.store.register(user_id=user, session_id=session_id, capacity=None, at=at)


def asked(bot: RunningBot, user: str) -> list[str]:
    """The feedback requests `user` received."""
    calls = bot.slack.calls_to("chat.postMessage")
    return [
        c.args["text"]
        for c in calls
        if c.args["channel"] == user and not c.failed and c.args["text"].startswith("How useful")
    ]


def test_each_person_registered_at_the_start_is_asked_once(bot: RunningBot) -> None:
    title = bot.parts.current.programme.by_id[AMHP].title
    register(bot, "U1", BEFORE)
    register(bot, "U2", datetime(2023, 3, 21, 9, 30, tzinfo=LONDON))  # at the start: counts
    register(bot, "U3", datetime(2023, 3, 21, 9, 45, tzinfo=LONDON))  # after it started
    register(bot, "U4", BEFORE)
    bot.store.unregister(user_id="U4", session_id=AMHP, capacity=None)  # left
    bot.parts.feedback.run(AMHP)
    bot.parts.feedback.run(AMHP, True)  # again, as after a restart
    assert bot.parts.settle()  # the outbox has sent all it was given
    assert (
        asked(bot, "U1")
        == asked(bot, "U2")
        == [f"How useful was {title}? Your answer goes in your CPD record (`/cpd`)."]
    )
    assert asked(bot, "U3") == asked(bot, "U4") == []


def test_a_session_not_over_or_gone_asks_nobody(bot: RunningBot) -> None:
    register(bot, "U1", BEFORE, "tue-racism")  # 12:30–14:00: not over at 13:00
    bot.parts.feedback.run("tue-racism")
    bot.parts.feedback.run("no-such-session")
    assert bot.parts.settle()
    assert asked(bot, "U1") == []


def test_the_request_is_drawn_at_send_time_for_people_still_registered(bot: RunningBot) -> None:
    jobs, clock = bot.parts.feedback, bot.clock
    session = bot.parts.current.programme.by_id[AMHP]
    register(bot, "U1", BEFORE)
    deadline = datetime(2023, 3, 23, tzinfo=UTC)
    now = clock()
    entry = Entry(FEEDBACK, AMHP, "U1", feedback_version(session.end), deadline, now)
    assert jobs.render(entry, now) is not None
    moved = Entry(FEEDBACK, AMHP, "U1", "12345", deadline, now)  # the session ended elsewhen
    assert jobs.render(moved, now) is None
    gone = Entry(FEEDBACK, "no-such-session", "U1", "1", deadline, now)
    assert jobs.render(gone, now) is None
    bot.store.unregister(user_id="U1", session_id=AMHP, capacity=None)
    assert jobs.render(entry, now) is None  # left after the batch ran: not sent


def test_once_per_person_across_a_restart(served_bot: RunningBot) -> None:
    bot = served_bot
    for user in ("U1", "U2"):
        register(bot, user, BEFORE)
    bot.parts.start()  # 13:00 is past 10:40, within the window: the batch runs at once
    wait_until(lambda: len(asked(bot, "U1")) == 1 and len(asked(bot, "U2")) == 1)
    second = bot.restart()  # plans again, and the late batch runs again
    try:
        assert second.settle()  # the late batch has run again, and the outbox sent all it had
        assert len(asked(bot, "U1")) == 1 and len(asked(bot, "U2")) == 1
    finally:
        second.close()


@pytest.mark.parametrize("settings_overrides", [{"feedback_delay": "off"}])
def test_off_plans_nothing_and_asks_nobody(bot: RunningBot, settings_overrides: Any) -> None:
    assert bot.settings.feedback_delay is None
    register(bot, "U1", BEFORE)
    bot.parts.start()
    assert bot.parts.scheduler.jobs("feedback:") == []
    bot.parts.feedback.run(AMHP)
    assert bot.parts.settle()
    assert asked(bot, "U1") == []


def planned(now: datetime) -> tuple[FeedbackJobs, CurrentProgramme, Scheduler]:
    programme, _ = load_programme(ROOT / "programme.json")
    current = CurrentProgramme(programme)
    scheduler = Scheduler(LONDON)  # not started: jobs stay listed
    jobs = FeedbackJobs(store=MemoryStore(), current=current, scheduler=scheduler,
                        delay=timedelta(minutes=10), clock=Clock(now))  # fmt: skip
    jobs.schedule()
    return jobs, current, scheduler


def test_jobs_have_stable_ids_and_follow_the_programme() -> None:
    now = datetime(2023, 3, 24, 18, 0, tzinfo=LONDON)
    jobs, current, scheduler = planned(now)
    programme = current.programme
    expected = {
        job_id(s.id) for s in programme.sessions if s.end + timedelta(minutes=10, days=2) > now
    }
    ids = {job for job, _ in scheduler.jobs("feedback:")}
    assert ids == expected
    assert "feedback:fri-peer-support" in ids and "feedback:mon-supervision" not in ids
    jobs.schedule()  # again: moved, not doubled
    assert len(scheduler.jobs("feedback:")) == len(expected)

    # A reload without a session drops its job.
    kept = tuple(s for s in programme.sessions if s.id != "fri-peer-support")
    fewer = Programme(event=programme.event, sessions=kept)
    current.use(fewer)
    jobs.programme_changed(programme, fewer)
    assert {job for job, _ in scheduler.jobs("feedback:")} == expected - {
        "feedback:fri-peer-support"
    }
    scheduler.shutdown()

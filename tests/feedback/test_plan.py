"""The feedback plan: when each session's batch is due, catch-up within the window, nothing
when off, order and job ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.feedback.plan import WINDOW, Batch, job_id, plan_feedback
from bot.programme import Event, Programme, Session

LONDON = ZoneInfo("Europe/London")
TEN = timedelta(minutes=10)


def london(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 3, day, hour, minute, tzinfo=LONDON)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 3, day, hour, minute, tzinfo=UTC)


def programme(*ends: tuple[str, datetime]) -> Programme:
    sessions = tuple(
        Session.model_validate(
            {"id": sid, "title": f"Session {sid}", "start": end - timedelta(hours=1), "end": end}
        )
        for sid, end in ends
    )
    return Programme(event=Event(name="SWW", timezone="Europe/London"), sessions=sessions)


def test_each_session_is_asked_about_its_delay_after_it_ends_in_utc() -> None:
    week = programme(("a", london(21, 14)), ("b", london(21, 10, 30)))
    planned = plan_feedback(week, TEN, now=london(21, 9))
    assert planned == [
        Batch("b", utc(21, 10, 40), run_at=utc(21, 10, 40), late=False),
        Batch("a", utc(21, 14, 10), run_at=utc(21, 14, 10), late=False),
    ]
    assert all(b.run_at.tzinfo is UTC for b in planned)
    assert planned[0].deadline == utc(21, 10, 40) + WINDOW


def test_across_the_clock_change_the_delay_is_exact() -> None:
    # The clocks go forward at 01:00 GMT on Sunday 26 March 2023.
    week = programme(("late", datetime(2023, 3, 26, 0, 55, tzinfo=LONDON)))
    (batch,) = plan_feedback(week, TEN, now=london(25, 12))
    assert batch.due == datetime(2023, 3, 26, 1, 5, tzinfo=UTC)  # 02:05 BST


def test_a_missed_moment_runs_now_within_the_window_and_not_after() -> None:
    week = programme(("recent", london(21, 10, 30)), ("old", london(18, 10)))
    now = london(21, 13)
    assert plan_feedback(week, TEN, now=now) == [
        Batch("recent", utc(21, 10, 40), run_at=now.astimezone(UTC), late=True)
    ]
    just_in = utc(21, 10, 40) + WINDOW - timedelta(seconds=1)
    assert [b.session_id for b in plan_feedback(week, TEN, now=just_in)] == ["recent"]
    assert plan_feedback(week, TEN, now=utc(21, 10, 40) + WINDOW) == []


def test_a_moment_exactly_now_is_on_time() -> None:
    week = programme(("a", london(21, 14)))
    (batch,) = plan_feedback(week, TEN, now=utc(21, 14, 10))
    assert not batch.late and batch.run_at == utc(21, 14, 10)


def test_off_plans_nothing_and_zero_asks_at_the_end() -> None:
    week = programme(("a", london(21, 14)))
    assert plan_feedback(week, None, now=london(21, 9)) == []
    (batch,) = plan_feedback(week, timedelta(0), now=london(21, 9))
    assert batch.due == utc(21, 14)


def test_job_ids_are_stable_per_session() -> None:
    assert job_id("tue-racism") == "feedback:tue-racism"


def test_bad_input_is_refused() -> None:
    week = programme(("a", london(21, 14)))
    with pytest.raises(ValueError, match="aware"):
        plan_feedback(week, TEN, now=datetime(2023, 3, 21, 9))
    with pytest.raises(ValueError, match="negative"):
        plan_feedback(week, -TEN, now=london(21, 9))

"""The reminder plan: due times (across the clock changes), catch-up, skips, order, job ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.programme import Event, Programme, Session
from bot.reminders.plan import Reminder, Skipped, due_time, job_id, plan_reminders

LONDON = ZoneInfo("Europe/London")
DAY, QUARTER = timedelta(days=1), timedelta(minutes=15)
OFFSETS = (DAY, QUARTER)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def programme(*starts: tuple[str, datetime]) -> Programme:
    sessions = tuple(
        Session.model_validate(
            {
                "id": sid,
                "title": f"Session {sid}",
                "start": start,
                "end": start + timedelta(hours=1),
            }
        )
        for sid, start in starts
    )
    return Programme(event=Event(name="SWW", timezone="Europe/London"), sessions=sessions)


def dues(
    start: datetime, *, now: datetime, offsets: tuple[timedelta, ...] = OFFSETS
) -> list[tuple[timedelta, datetime]]:
    planned, _ = plan_reminders(programme(("s", start)), offsets, now=now)
    return [(r.offset, r.due) for r in planned]


EARLY = utc(2023, 1, 1)


def test_one_day_and_fifteen_minutes_on_an_ordinary_day() -> None:
    assert dues(london(2023, 3, 21, 13, 0), now=EARLY) == [
        (DAY, london(2023, 3, 20, 13, 0)),
        (QUARTER, london(2023, 3, 21, 12, 45)),
    ]


def test_clocks_going_forward_count_the_day_by_the_calendar() -> None:
    # Sunday 26 March 2023: the UK goes from GMT to BST at 01:00 GMT.
    start = london(2023, 3, 26, 12, 0)
    assert start.utcoffset() == timedelta(hours=1)
    day, quarter = dues(start, now=EARLY)
    assert day[1] == utc(2023, 3, 25, 12, 0)  # Saturday 12:00 GMT, 23 hours before
    assert day[1].astimezone(LONDON).strftime("%a %H:%M %Z") == "Sat 12:00 GMT"
    assert quarter[1] == utc(2023, 3, 26, 10, 45)  # 11:45 BST
    assert quarter[1].astimezone(LONDON).strftime("%H:%M %Z") == "11:45 BST"


def test_a_day_before_the_monday_after_is_sunday_in_summer_time() -> None:
    (_, due), _ = dues(london(2023, 3, 27, 9, 0), now=EARLY)
    assert due == utc(2023, 3, 26, 8, 0)
    assert due.astimezone(LONDON).strftime("%a %d %H:%M %Z") == "Sun 26 09:00 BST"


def test_clocks_going_back_count_the_day_by_the_calendar() -> None:
    # Sunday 29 October 2023: BST ends at 02:00 BST (01:00 GMT).
    (_, day), (_, quarter) = dues(london(2023, 10, 29, 12, 0), now=EARLY)
    assert day == utc(2023, 10, 28, 11, 0)  # Saturday 12:00 BST, 25 hours before
    assert quarter == utc(2023, 10, 29, 11, 45)  # 11:45 GMT
    (_, monday), _ = dues(london(2023, 10, 30, 9, 0), now=EARLY)
    assert monday == utc(2023, 10, 29, 9, 0)  # Sunday 09:00 GMT


def test_a_time_the_clocks_skipped_takes_the_earlier_reading() -> None:
    # 01:30 on 26 March 2023 never happened in London; 00:30 GMT is exactly 24 hours before.
    assert due_time(london(2023, 3, 27, 1, 30), DAY, LONDON) == utc(2023, 3, 26, 0, 30)


def test_a_time_that_happened_twice_takes_the_earlier_one() -> None:
    # 01:30 on 29 October 2023 happened at 00:30 UTC (BST) and again at 01:30 UTC (GMT).
    assert due_time(london(2023, 10, 30, 1, 30), DAY, LONDON) == utc(2023, 10, 29, 0, 30)


def test_mixed_offsets_count_days_by_the_calendar_then_the_rest_exactly() -> None:
    offset = timedelta(days=1, hours=2)
    assert due_time(london(2023, 3, 26, 12, 0), offset, LONDON) == utc(2023, 3, 25, 10, 0)
    # 26 hours is the same timedelta as 1 day and 2 hours.
    assert timedelta(hours=26) == offset


def test_a_session_given_with_a_fixed_offset_uses_event_time() -> None:
    start = datetime(2023, 3, 26, 11, 0, tzinfo=UTC)  # 12:00 BST
    assert due_time(start, DAY, LONDON) == utc(2023, 3, 25, 12, 0)


def test_future_reminders_run_when_due() -> None:
    start = london(2023, 3, 21, 13, 0)
    planned, skipped = plan_reminders(programme(("s", start)), OFFSETS, now=EARLY)
    assert [r.run_at for r in planned] == [r.due for r in planned]
    assert not any(r.late for r in planned)
    assert skipped == []


def test_a_missed_reminder_before_the_session_runs_now_marked_late() -> None:
    start = london(2023, 3, 21, 13, 0)
    now = london(2023, 3, 21, 9, 0)  # the bot was down at 13:00 the day before
    planned, skipped = plan_reminders(programme(("s", start)), OFFSETS, now=now)
    assert planned == [
        Reminder("s", DAY, london(2023, 3, 20, 13, 0), run_at=now, late=True),
        Reminder(
            "s",
            QUARTER,
            london(2023, 3, 21, 12, 45),
            run_at=london(2023, 3, 21, 12, 45),
            late=False,
        ),
    ]
    assert skipped == []


def test_reminders_of_a_session_that_has_started_are_skipped() -> None:
    start = london(2023, 3, 21, 13, 0)
    for now in (start, start + timedelta(minutes=5)):
        planned, skipped = plan_reminders(programme(("s", start)), OFFSETS, now=now)
        assert planned == []
        assert [(s.offset, s.reason) for s in skipped] == [
            (DAY, "the session had started"),
            (QUARTER, "the session had started"),
        ]


def test_when_several_are_late_only_the_shortest_is_sent() -> None:
    start = london(2023, 3, 21, 13, 0)
    now = london(2023, 3, 21, 12, 50)
    planned, skipped = plan_reminders(programme(("s", start)), OFFSETS, now=now)
    assert planned == [Reminder("s", QUARTER, london(2023, 3, 21, 12, 45), run_at=now, late=True)]
    assert skipped == [
        Skipped(
            "s",
            DAY,
            london(2023, 3, 20, 13, 0),
            "missed, and the 15 minutes reminder is sent instead",
        ),
    ]


def test_collapse_with_three_offsets_keeps_the_future_one() -> None:
    start = london(2023, 3, 21, 13, 0)
    offsets = (DAY, timedelta(hours=2), QUARTER)
    planned, skipped = plan_reminders(programme(("s", start)), offsets, now=london(2023, 3, 21, 12))
    assert [(r.offset, r.late) for r in planned] == [(timedelta(hours=2), True), (QUARTER, False)]
    assert [s.offset for s in skipped] == [DAY]


def test_due_exactly_now_is_on_time() -> None:
    start = london(2023, 3, 21, 13, 0)
    now = london(2023, 3, 21, 12, 45)
    planned, _ = plan_reminders(programme(("s", start)), (QUARTER,), now=now)
    assert planned == [Reminder("s", QUARTER, now, run_at=now, late=False)]


def test_order_is_run_time_then_session_then_longest_offset() -> None:
    same = london(2023, 3, 22, 13, 0)
    prog = programme(("b", same), ("a", same), ("c", london(2023, 3, 21, 9, 0)))
    planned, _ = plan_reminders(prog, (QUARTER, DAY), now=EARLY)
    assert [(r.session_id, r.offset) for r in planned] == [
        ("c", DAY),
        ("c", QUARTER),
        ("a", DAY),
        ("b", DAY),
        ("a", QUARTER),
        ("b", QUARTER),
    ]
    # Same run time: a late 2-hour reminder and a 15-minute one due right now.
    offsets = (QUARTER, timedelta(hours=2))
    late, _ = plan_reminders(programme(("b", same), ("a", same)), offsets, now=same - QUARTER)
    assert [(r.session_id, r.offset, r.late) for r in late] == [
        ("a", timedelta(hours=2), True),
        ("a", QUARTER, False),
        ("b", timedelta(hours=2), True),
        ("b", QUARTER, False),
    ]
    assert all(r.run_at == same - QUARTER for r in late)


def test_plan_is_the_same_for_the_same_inputs() -> None:
    prog = programme(("x", london(2023, 3, 21, 13, 0)), ("y", london(2023, 3, 20, 9, 30)))
    assert plan_reminders(prog, OFFSETS, now=EARLY) == plan_reminders(prog, OFFSETS, now=EARLY)


def test_bad_inputs_are_refused() -> None:
    prog = programme(("s", london(2023, 3, 21, 13, 0)))
    with pytest.raises(ValueError, match="aware"):
        plan_reminders(prog, OFFSETS, now=datetime(2023, 1, 1))
    with pytest.raises(ValueError, match="more than zero"):
        plan_reminders(prog, (timedelta(0),), now=EARLY)


def test_job_ids_are_stable_and_in_seconds() -> None:
    assert job_id("tue-racism", QUARTER) == "reminder:tue-racism:900"
    assert job_id("tue-racism", DAY) == "reminder:tue-racism:86400"
    assert job_id("mon-x", timedelta(days=1, hours=2)) == "reminder:mon-x:93600"


def test_times_in_the_hour_repeated_in_october_are_told_apart() -> None:
    # 01:50 BST comes before 01:15 GMT; compared by wall clock the session would have started.
    start = datetime(2023, 10, 29, 1, 15, tzinfo=LONDON, fold=1)  # 01:15 UTC
    now = datetime(2023, 10, 29, 1, 50, tzinfo=LONDON)  # 00:50 UTC
    planned, skipped = plan_reminders(programme(("s", start)), OFFSETS, now=now)
    assert planned == [
        Reminder("s", DAY, utc(2023, 10, 28, 0, 15), utc(2023, 10, 29, 0, 50), late=True),
        Reminder("s", QUARTER, utc(2023, 10, 29, 1, 0), utc(2023, 10, 29, 1, 0), late=False),
    ]
    assert skipped == []


def test_every_time_in_the_plan_is_utc() -> None:
    prog = programme(("s", london(2023, 3, 21, 13, 0)))
    planned, skipped = plan_reminders(prog, OFFSETS, now=london(2023, 3, 21, 9, 0))
    times = [r.due for r in planned] + [r.run_at for r in planned] + [s.due for s in skipped]
    assert times and all(t.tzinfo is UTC for t in times)

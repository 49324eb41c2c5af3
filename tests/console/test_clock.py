"""`--now`: the console's clock starts at a chosen moment and runs on from there, so "now",
"next", "today" and reminders can be tried on a past programme."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.console.clock import BadMoment, ConsoleClock, in_zone, parse_moment
from tests.console.conftest import LONDON, StartConsole, squeeze, tuesday

RACISM = "Racism in the workplace, in communities and in practice"


def test_a_moment_without_an_offset_is_in_the_events_timezone() -> None:
    naive = parse_moment("2023-03-21T10:30")
    assert naive == datetime(2023, 3, 21, 10, 30)
    assert in_zone(naive, LONDON) == datetime(2023, 3, 21, 10, 30, tzinfo=LONDON)
    summer = in_zone(parse_moment("2023-06-01 09:00"), LONDON)
    assert summer.astimezone(UTC).hour == 8  # BST
    given = in_zone(parse_moment("2023-03-21T10:30+02:00"), LONDON)
    assert given.astimezone(UTC) == datetime(2023, 3, 21, 8, 30, tzinfo=UTC)
    assert parse_moment("2023-03-21T10:30Z").tzinfo is not None


@pytest.mark.parametrize("text", ["tuesday", "21/03/2023 10:30", "2023-03-32T10:30", ""])
def test_a_bad_moment_says_what_is_expected(text: str) -> None:
    with pytest.raises(BadMoment, match="is not a date and time such as 2023-03-21T10:30"):
        parse_moment(text)


def test_the_clock_runs_on_from_the_moment_given() -> None:
    real = [100.0]
    start = tuesday(10, 30)
    clock = ConsoleClock(start, real=lambda: real[0])
    first = clock()
    real[0] += 90.5  # a minute and a half of real time
    second = clock()
    assert first == start and second == start + timedelta(seconds=90.5)
    assert second.tzinfo is not None
    with pytest.raises(ValueError):
        ConsoleClock(datetime(2023, 3, 21, 10, 30))


def test_now_and_next_answer_at_the_consoles_moment(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(12, 45))
    now = squeeze(running.type("/sessions now"))
    assert now.startswith("On now =====") and RACISM in now
    after = start_console(now=tuesday(11, 0)).type("/sessions next")
    assert squeeze(after).startswith("Next up =====") and RACISM in after


def test_reminders_fall_due_on_the_consoles_clock(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(12, 0), organiser=True)
    running.type("/register racism")
    running.console.tick()
    assert "starts in" not in running.screen.new()  # not yet

    running.clock.now = tuesday(12, 15) + timedelta(seconds=30)
    running.console.tick()
    shown = squeeze(running.screen.new())
    assert f"⏰ {RACISM} starts in 14 minutes." in shown
    assert f"» In #C0CONSOLE 📢 Starting soon: {RACISM} starts in 14 minutes." in shown
    unregister = re.search(r"\[(\d) Unregister\]", shown)  # the DM and the post: any order
    assert unregister is not None

    running.console.tick()
    assert running.screen.new() == ""  # each reminder once

    # The reminder's button works like any other.
    reply = squeeze(running.type(unregister[1]))
    assert f"You're no longer registered for {RACISM}" in reply


def test_a_reminder_is_delivered_before_the_next_reply(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(12, 0))
    running.type("/register racism")
    running.clock.now = tuesday(12, 20)
    reply = squeeze(running.type("/mysessions"))
    assert reply.index(f"⏰ {RACISM} starts in 10 minutes.") < reply.index("Your sessions")


def test_feedback_is_asked_for_on_the_consoles_clock(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(12, 0))
    running.type("/register racism")
    running.clock.now = tuesday(14, 5)  # over at 14:00; asked 10 minutes after
    running.console.tick()
    assert "How useful" not in running.screen.new()
    running.clock.now = tuesday(14, 10)
    running.console.tick()
    assert f"How useful was {RACISM}?" in squeeze(running.screen.new())

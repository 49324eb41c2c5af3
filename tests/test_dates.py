"""Dates and times in words: days, times and ranges, offsets, and the time left until a
session starts, worded the same whatever the machine's locale."""

from __future__ import annotations

import locale
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.dates import (
    date_span,
    day_name,
    offset_words,
    short_day,
    short_moment,
    starts_words,
    time_range,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2023, 3, 21, 12, 0, tzinfo=LONDON)  # Tuesday


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (timedelta(days=1), "1 day"),
        (timedelta(days=2), "2 days"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=3), "3 hours"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(seconds=30), "30 seconds"),
        (timedelta(days=1, hours=2), "1 day and 2 hours"),
        (timedelta(hours=26), "1 day and 2 hours"),
        (timedelta(hours=1, minutes=30), "1 hour and 30 minutes"),
        (timedelta(days=1, hours=1, minutes=5), "1 day, 1 hour and 5 minutes"),
        (timedelta(0), "0 seconds"),
    ],
)
def test_offset_words(offset: timedelta, words: str) -> None:
    assert offset_words(offset) == words


def test_a_negative_offset_is_refused() -> None:
    with pytest.raises(ValueError):
        offset_words(timedelta(minutes=-1))


@pytest.mark.parametrize(
    ("left", "words"),
    [
        (timedelta(0), "starts now"),
        (timedelta(seconds=59), "starts now"),
        (timedelta(seconds=-30), "starts now"),
        (timedelta(minutes=1), "starts in 1 minute"),
        (timedelta(minutes=2), "starts in 2 minutes"),
        (timedelta(minutes=15), "starts in 15 minutes"),
        (timedelta(minutes=14, seconds=59, microseconds=900_000), "starts in 15 minutes"),
        (timedelta(minutes=15, milliseconds=20), "starts in 15 minutes"),
        (timedelta(hours=1), "starts in 1 hour"),
        (timedelta(hours=1, minutes=1), "starts in 1 hour 1 minute"),
        (timedelta(hours=1, minutes=30), "starts in 1 hour 30 minutes"),
        (timedelta(hours=2, minutes=59), "starts in 2 hours 59 minutes"),
        (timedelta(hours=4), "starts today at 16:00"),
        (timedelta(days=1, minutes=30), "starts tomorrow at 12:30"),
        (timedelta(days=1), "starts tomorrow at 12:00"),
        (timedelta(days=1, hours=1), "starts tomorrow at 13:00"),
        (timedelta(days=2, hours=1), "starts on Thursday 23 March at 13:00"),
        (timedelta(days=366), "starts on Thursday 21 March 2024 at 12:00"),
        (timedelta(minutes=-30), "started today at 11:30"),
        (timedelta(hours=-13), "started yesterday at 23:00"),
        (timedelta(days=-3), "started on Saturday 18 March at 12:00"),
    ],
)
def test_starts_words(left: timedelta, words: str) -> None:
    assert starts_words(NOW + left, NOW, LONDON) == words


def test_the_day_after_tomorrow_is_named() -> None:
    monday_night = datetime(2023, 3, 20, 23, 0, tzinfo=LONDON)
    wednesday = datetime(2023, 3, 22, 13, 0, tzinfo=LONDON)
    assert starts_words(wednesday, monday_night, LONDON) == "starts on Wednesday 22 March at 13:00"


def test_days_are_counted_in_event_time() -> None:
    # 23:30 UTC on Tuesday is already Wednesday 00:30 in London (BST).
    now = datetime.fromisoformat("2023-03-28T20:00:00+00:00")  # 21:00 BST Tuesday
    start = datetime.fromisoformat("2023-03-28T23:30:00+00:00")
    assert starts_words(start, now, LONDON) == "starts tomorrow at 00:30"


def test_time_left_is_real_time_across_the_clocks_going_forward() -> None:
    # 00:30 GMT to 03:00 BST on 26 March 2023 is 1.5 hours, not the 2.5 the clock suggests.
    now = datetime(2023, 3, 26, 0, 30, tzinfo=LONDON)
    start = datetime(2023, 3, 26, 3, 0, tzinfo=LONDON)
    assert starts_words(start, now, LONDON) == "starts in 1 hour 30 minutes"


def test_days_and_times_are_worded_one_way() -> None:
    start = datetime(2023, 3, 21, 12, 30, tzinfo=LONDON)
    end = datetime(2023, 3, 21, 14, 0, tzinfo=LONDON)
    assert day_name(start.date()) == "Tuesday 21 March"
    assert short_day(start.date()) == "Tue 21 Mar"
    assert short_moment(start) == "Tue 21 Mar, 12:30"
    assert time_range(start, end) == "Tue 21 Mar, 12:30–14:00 GMT"
    summer = datetime(2023, 6, 1, 9, 5, tzinfo=LONDON)
    assert time_range(summer, summer) == "Thu 1 Jun, 09:05–09:05 BST"
    assert date_span(start.date(), datetime(2023, 3, 24).date()) == "21 March–24 March 2023"


def test_the_machines_locale_does_not_change_the_wording() -> None:
    try:
        locale.setlocale(locale.LC_TIME, "C.UTF-8")
        expected = day_name(datetime(2023, 3, 21).date())
        for name in ("fr_FR.UTF-8", "de_DE.UTF-8"):
            try:
                locale.setlocale(locale.LC_TIME, name)
            except locale.Error:
                continue  # not installed here; the names come from our own tables anyway
            assert day_name(datetime(2023, 3, 21).date()) == expected
    finally:
        locale.setlocale(locale.LC_TIME, "")

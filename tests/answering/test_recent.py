"""The same question in the same minute is answered once (`Answerer` keeps recent answers);
in another minute it is worked out again, so "now" moves on."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.answering import Answerer
from bot.programme import Programme

LONDON = ZoneInfo("Europe/London")


def test_the_same_question_in_the_same_minute_is_answered_once(programme: Programme) -> None:
    answerer = Answerer(programme)
    at = datetime(2023, 3, 21, 10, 0, 5, tzinfo=LONDON)
    first = answerer.answer("racism", now=at)
    assert answerer.answer("racism", now=at + timedelta(seconds=50)) is first
    assert answerer.answer("kinship", now=at) is not first


def test_in_another_minute_now_moves_on(programme: Programme) -> None:
    answerer = Answerer(programme)
    starts = min(s.start for s in programme.sessions if s.start.date().day == 21)
    before = answerer.answer("what's on now?", now=starts - timedelta(minutes=1))
    during = answerer.answer("what's on now?", now=starts + timedelta(minutes=1))
    assert during is not before
    assert [s.start for s in during.sessions if s.start == starts], during

"""The organisers' view, pure: answers, mean, distribution, didn't attend; the shared
reflections' CSV with nothing but what people chose to share."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.feedback.summary import SHARED_HEADER, shared_reflections_csv, summarise
from bot.programme import Event, Programme, Session
from bot.records import Feedback

LONDON = ZoneInfo("Europe/London")
START = datetime(2023, 3, 21, 12, 30, tzinfo=LONDON)
WEEK = Programme(
    event=Event(name="SWW", timezone="Europe/London"),
    sessions=tuple(
        Session.model_validate(
            {
                "id": sid,
                "title": title,
                "start": START + timedelta(hours=n),
                "end": START + timedelta(hours=n + 1),
            }
        )
        for n, (sid, title) in enumerate([("a", "First"), ("b", "=Second"), ("c", "Third")])
    ),
)


def answer(user: str, sid: str, **fields: Any) -> Feedback:
    return Feedback(user_id=user, session_id=sid, at=START, **fields)


FEEDBACK = {
    "a": [
        answer("U1", "a", rating=5, learnt="Zebra crossings", share=True),
        answer("U2", "a", rating=5),
        answer("U3", "a", rating=4, learnt="Kept private", share=False),
        answer("U4", "a", rating=2, learnt="Apples", share=True),
        answer("U5", "a", attended=False),
        answer("U6", "a", learnt="Only a reflection", share=True),
    ],
    "b": [answer("U1", "b", attended=False, learnt="-not there", share=True)],
}


def test_each_session_with_answers_has_counts_mean_and_distribution() -> None:
    first, second = summarise(WEEK, FEEDBACK)
    assert first.session.id == "a"
    assert first.answers == 6
    assert first.ratings == (0, 1, 0, 1, 2)  # one 2, one 4, two 5s
    assert first.rated == 4 and first.mean == 4.0
    assert first.absent == 1 and first.shared == 3
    assert (second.answers, second.rated, second.mean, second.absent) == (1, 0, None, 1)


def test_sessions_without_answers_are_left_out() -> None:
    assert [s.session.id for s in summarise(WEEK, FEEDBACK)] == ["a", "b"]
    assert summarise(WEEK, {}) == []


def test_the_shared_csv_holds_only_shared_learning_without_names() -> None:
    content = shared_reflections_csv(WEEK, FEEDBACK)
    rows = list(csv.reader(io.StringIO(content)))
    assert tuple(rows[0]) == SHARED_HEADER
    # Alphabetical within a session, not in the order given; formulas defused.
    assert rows[1:] == [
        ["a", "First", "2023-03-21", "Apples"],
        ["a", "First", "2023-03-21", "Only a reflection"],
        ["a", "First", "2023-03-21", "Zebra crossings"],
        ["b", "'=Second", "2023-03-21", "'-not there"],
    ]
    assert "Kept private" not in content
    assert not any(f"U{n}" in content for n in range(1, 7))

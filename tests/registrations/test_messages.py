"""The Home tab's builder, checked without Slack: "Your week" fits however long the agenda."""

from __future__ import annotations

import json

from slack_sdk.models.views import View

from bot.records import Seat
from bot.registrations import Agenda
from bot.registrations.messages import HOME_BLOCK_LIMIT, home_view
from tests.registrations.test_sessions import LONDON, examples, make_programme, make_session

YOURS = [":calendar: line one", ":bell: line two", ":mortar_board: 1.5 hours of CPD so far"]


def test_your_week_is_shown_even_under_a_long_agenda() -> None:
    agenda = Agenda(
        entries=tuple((make_session(n), Seat("registered")) for n in range(200)), overlaps=()
    )
    ask = examples(make_programme(make_session(900)))
    view = home_view(
        agenda, [make_session(900)], {}, LONDON, examples=ask, notice="Done.", yours=YOURS
    )
    assert len(view["blocks"]) <= HOME_BLOCK_LIMIT
    View(**view).validate_json()  # slack_sdk's own checks of a view
    text = json.dumps(view["blocks"])
    assert "Your week" in text and "1.5 hours of CPD so far" in text
    assert "more." in text  # the agenda was cut to make room, and says so


def test_without_your_week_nothing_is_added() -> None:
    agenda = Agenda(entries=(), overlaps=())
    view = home_view(agenda, [], {}, LONDON, examples=examples(make_programme(make_session(1))))
    assert "Your week" not in json.dumps(view["blocks"])

"""The answering engine against the shipped programme: a table of questions and the sessions
each must find, including misspellings, question phrasing and no-match cases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.answering import Answerer, answerer_for
from bot.programme import Programme

LONDON = ZoneInfo("Europe/London")
TUESDAY_1PM = datetime(2023, 3, 21, 13, 0, tzinfo=LONDON)
TUESDAY = ["tue-amhp", "tue-racism", "tue-safeguarding-adults", "tue-care-leavers"]
WEDNESDAY = [
    "wed-student-placements",
    "wed-kinship-care",
    "wed-stereotypes",
    "wed-digital-practice",
    "wed-neurodiversity",
    "wed-leadership-evening",
]
HEADLINES = ["mon-workforce", "tue-racism", "wed-stereotypes", "thu-lgbtq", "fri-coproduction"]

QUESTIONS = [
    # days, in every spelling and date form
    ("tuesday", TUESDAY),
    ("Tuesday", TUESDAY),
    ("Tue", TUESDAY),
    ("tues", TUESDAY),
    ("tusday", TUESDAY),
    ("tuseday", TUESDAY),
    ("21 March", TUESDAY),
    ("21st of March", TUESDAY),
    ("March 21", TUESDAY),
    ("21/03", TUESDAY),
    ("21/3/2023", TUESDAY),
    ("2023-03-21", TUESDAY),
    ("today", TUESDAY),
    ("tomorrow", WEDNESDAY),
    ("wensday", WEDNESDAY),
    ("what's on wednesday?", WEDNESDAY),
    # times
    ("now", ["tue-racism"]),
    ("what's on right now?", ["tue-racism"]),
    ("next", ["tue-safeguarding-adults"]),
    ("thursday evening", ["thu-lgbtq"]),
    ("evening", ["mon-wellbeing", "wed-leadership-evening", "thu-lgbtq"]),
    ("this afternoon", ["tue-racism", "tue-safeguarding-adults", "tue-care-leavers"]),
    ("tomorrow morning", ["wed-student-placements", "wed-kinship-care"]),
    # topics, titles, types, speakers, organisations, question phrasing
    ("racism", ["tue-racism"]),
    ("racsim", ["tue-racism"]),
    ("is there anything about racism on tuesday?", ["tue-racism"]),
    ("anything on racism tomorrow?", ["tue-racism"]),  # Wednesday has none: other days shown
    ("who is running the stereotypes session?", ["wed-stereotypes"]),
    ("stereotype", ["wed-stereotypes"]),
    ("when is the LGBTQ+ session?", ["thu-lgbtq"]),
    ("lgbt", ["thu-lgbtq"]),
    ("where is the co-production session", ["fri-coproduction"]),
    ("coproduction", ["fri-coproduction"]),
    ("headline", HEADLINES),
    ("headline sessions on tuesday", ["tue-racism"]),
    ("Rebekah Pierre", ["wed-stereotypes"]),
    ("rebeka pier", ["wed-stereotypes"]),
    ("BASW", ["wed-stereotypes"]),
    ("University of Birmingham", ["thu-lgbtq"]),
    ("workforce retention", ["mon-workforce"]),
    ("agency workers", ["mon-workforce"]),
    ("anything for newly qualified social workers", ["mon-asye"]),
    ("kinship carers", ["wed-kinship-care"]),
    ("burnout", ["mon-wellbeing"]),
    ("AI", ["wed-digital-practice"]),
    ("dementia", ["fri-older-people"]),
    ("world social work day", TUESDAY),
]


@pytest.mark.parametrize(("question", "expected"), QUESTIONS)
def test_question_finds_exactly_the_right_sessions(
    answerer: Answerer, question: str, expected: list[str]
) -> None:
    answer = answerer.answer(question, now=TUESDAY_1PM)
    assert answer.kind == "sessions"
    assert sorted(s.id for s in answer.sessions) == sorted(expected)


@pytest.mark.parametrize(
    "question",
    ["quantum physics", "saturday", "31/02", "xyzzy", "tuesday gardening"],
)
def test_nothing_found_says_so_and_suggests(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question, now=TUESDAY_1PM)
    assert answer.kind == "nothing"
    assert answer.sessions == ()
    assert answer.note
    assert len(answer.suggested_days) == 5
    assert "headline" in answer.suggested_topics


def test_nothing_found_names_what_was_asked(answerer: Answerer) -> None:
    assert answerer.answer("quantum physics", now=TUESDAY_1PM).note == (
        "I couldn't find a session about “quantum physics”."
    )
    assert answerer.answer("saturday", now=TUESDAY_1PM).note == (
        "Social Work Week 2023 has no sessions on a Saturday. Its days are Monday, Tuesday,"
        " Wednesday, Thursday, Friday (20 March–24 March 2023)."
    )
    assert answerer.answer("31/02", now=TUESDAY_1PM).note == "“31/02” is not a date I know."


def test_a_single_clear_match_leads(answerer: Answerer) -> None:
    answer = answerer.answer("who is running the stereotypes session?", now=TUESDAY_1PM)
    assert answer.lead is not None and answer.lead.id == "wed-stereotypes"
    assert answer.query.focus == "who"
    assert answerer.answer("tuesday", now=TUESDAY_1PM).lead is None


def test_other_days_offered_when_the_asked_day_has_no_match(answerer: Answerer) -> None:
    answer = answerer.answer("racism on wednesday", now=TUESDAY_1PM)
    assert [s.id for s in answer.sessions] == ["tue-racism"]
    assert answer.note == "Nothing matches on Wednesday 22 March, but these do on other days."
    saturday = answerer.answer("racism on saturday", now=TUESDAY_1PM)
    assert [s.id for s in saturday.sessions] == ["tue-racism"]


def test_empty_question_during_the_event_shows_today(answerer: Answerer) -> None:
    answer = answerer.answer("", now=TUESDAY_1PM)
    assert [s.id for s in answer.sessions] == TUESDAY
    assert answer.show_hint and answer.note is None


def test_empty_question_outside_the_event_shows_the_nearest_day(answerer: Answerer) -> None:
    before = answerer.answer("", now=datetime(2023, 3, 1, 9, tzinfo=LONDON))
    assert {s.id for s in before.sessions} >= {"mon-workforce"}
    assert before.heading == "Monday 20 March"
    assert before.note == (
        "Nothing on today. Social Work Week 2023 runs 20 March–24 March 2023: "
        "here is its nearest day."
    )
    after = answerer.answer("", now=datetime(2026, 11, 23, 9, tzinfo=LONDON))
    assert after.heading == "Friday 24 March"
    assert after.note is not None and " ran 20 March–24 March 2023" in after.note


def test_now_between_sessions_offers_the_next(answerer: Answerer) -> None:
    answer = answerer.answer("now", now=datetime(2023, 3, 21, 14, 15, tzinfo=LONDON))
    assert [s.id for s in answer.sessions] == ["tue-safeguarding-adults"]
    assert answer.note == "Nothing is on right now."


def test_next_after_the_event_says_nothing_is_coming(answerer: Answerer) -> None:
    answer = answerer.answer("next", now=datetime(2026, 11, 23, 9, tzinfo=LONDON))
    assert answer.kind == "nothing"
    assert answer.note == "Nothing more is coming up."


def test_help(answerer: Answerer) -> None:
    assert answerer.answer("help", now=TUESDAY_1PM).kind == "help"
    assert answerer.answer("Help me", now=TUESDAY_1PM).kind == "help"


def test_today_uses_the_event_timezone(answerer: Answerer, programme: Programme) -> None:
    # 23:30 UTC on Monday is already Tuesday in... London in March is UTC+0, so still Monday.
    late_monday = datetime(2023, 3, 20, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert answerer.answer("today", now=late_monday).heading == "Monday 20 March"
    tokyo_tuesday = datetime(2023, 3, 21, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # Mon 23:30 UTC
    assert answerer.answer("today", now=tokyo_tuesday).heading == "Monday 20 March"


def test_an_answerer_is_built_once_per_programme_and_again_when_it_changes(
    programme: Programme,
) -> None:
    """A programme read again unchanged (a reload, another bot) gets the answerer already
    built; a changed one gets its own, which answers from the change."""
    again = Programme.model_validate_json(programme.model_dump_json())
    assert again is not programme
    assert answerer_for(again) is answerer_for(programme)
    first = programme.sessions[0]
    renamed = first.model_copy(update={"title": "Quokka handling for beginners"})
    changed = programme.model_copy(update={"sessions": (renamed, *programme.sessions[1:])})
    other = answerer_for(changed)
    assert other is not answerer_for(programme)
    asked = datetime(2020, 1, 1, tzinfo=ZoneInfo("Europe/London"))
    assert [s.title for s in other.answer("quokka", now=asked).sessions] == [renamed.title]
    assert not answerer_for(programme).answer("quokka", now=asked).sessions

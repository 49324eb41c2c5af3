"""Issue #18, "Answers in the words people actually use": every question of the issue's table,
through the engine, on the shipped programme and on the Precision Nutrition Forum 2022
programme imported with the bot's importer; and what an answer says about the words it
found, the words nothing mentions and the equivalents it showed."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from bot.answering import Answer, Answerer
from bot.importing.convert import convert
from bot.programme import Programme
from tests.conftest import ROOT

LONDON = ZoneInfo("Europe/London")
TUESDAY_1PM = datetime(2023, 3, 21, 13, 0, tzinfo=LONDON)


def ids(answer: Answer) -> list[str]:
    return [session.id for session in answer.sessions]


# question, the sessions acceptable first, the sessions that must be shown (at least)
TABLE = [
    ("stuff for managers", {"wed-leadership-evening"}, {"wed-leadership-evening"}),
    ("safeguarding adults training", {"tue-safeguarding-adults"}, {"tue-safeguarding-adults"}),
    ("social media ethics", {"wed-digital-practice"}, {"wed-digital-practice"}),
    (
        "anything about kids in foster care",
        {"wed-kinship-care", "tue-care-leavers"},
        {"wed-kinship-care", "tue-care-leavers"},
    ),
    ("anything on family violence?", {"thu-domestic-abuse"}, {"thu-domestic-abuse"}),
    ("anything for NQSWs", {"mon-asye"}, {"mon-asye"}),
    ("DV sessions", {"thu-domestic-abuse"}, {"thu-domestic-abuse"}),
    ("MCA assessments", {"thu-mental-capacity"}, {"thu-mental-capacity"}),
    ("DoLS", {"thu-mental-capacity"}, {"thu-mental-capacity"}),
    ("LAC", {"wed-kinship-care", "tue-care-leavers"}, {"wed-kinship-care", "tue-care-leavers"}),
    ("elderly clients", {"fri-older-people"}, {"fri-older-people"}),
    ("working with lgbt youth", {"thu-lgbtq"}, {"thu-lgbtq"}),
]


@pytest.mark.parametrize(("question", "first", "shown"), TABLE, ids=[row[0] for row in TABLE])
def test_each_question_of_the_table_is_answered(
    answerer: Answerer, question: str, first: set[str], shown: set[str]
) -> None:
    answer = answerer.answer(question, now=TUESDAY_1PM)
    assert answer.kind == "sessions", answer.note
    assert ids(answer)[0] in first
    assert shown <= set(ids(answer))
    assert "ask about that alone" not in (answer.note or "")


def test_the_mental_capacity_act_is_not_the_mental_health_act(answerer: Answerer) -> None:
    assert ids(answerer.answer("mental capacity act", now=TUESDAY_1PM)) == ["thu-mental-capacity"]
    assert ids(answerer.answer("Mental Health Act", now=TUESDAY_1PM)) == ["tue-amhp"]
    assert ids(answerer.answer("the Mental Capacity Act 2005", now=TUESDAY_1PM)) == [
        "thu-mental-capacity"
    ]


def test_a_law_the_programme_does_not_name_finds_nothing(answerer: Answerer) -> None:
    answer = answerer.answer("the children act", now=TUESDAY_1PM)  # not "children", not "act"
    assert answer.kind == "nothing"


@pytest.mark.parametrize(
    ("question", "expected", "heading"),
    [
        (
            "what's the first session of the week?",
            "mon-supervision",
            "First session of Social Work Week 2023",
        ),
        ("last session of the week", "fri-peer-support", "Last session of Social Work Week 2023"),
        ("the very last session of social work week", "fri-peer-support", None),
        ("first thing tomorrow", "wed-student-placements", None),
    ],
)
def test_the_first_or_last_session_of_the_week(
    answerer: Answerer, question: str, expected: str, heading: str | None
) -> None:
    answer = answerer.answer(question, now=TUESDAY_1PM)
    assert answer.kind == "sessions"
    assert ids(answer) == [expected]
    assert heading is None or answer.heading == heading


def test_words_nothing_mentions_head_the_answer(answerer: Answerer) -> None:
    answer = answerer.answer("stuff for managers", now=TUESDAY_1PM)
    assert answer.heading == "Nothing mentions “stuff” — sessions about “managers”"
    assert answer.missing == ("stuff",)
    assert answer.lead is not None and answer.lead.id == "wed-leadership-evening"
    elderly = answerer.answer("elderly clients", now=TUESDAY_1PM)
    assert elderly.heading == "Nothing mentions “clients” — sessions about “elderly”"
    assert elderly.note == "Showing “older people” for “elderly”."


def test_an_answer_says_what_it_showed_for_what_was_asked(answerer: Answerer) -> None:
    violence = answerer.answer("anything on family violence?", now=TUESDAY_1PM)
    assert violence.note == "Showing “domestic abuse” for “family violence”."
    assert violence.through == (("family violence", "domestic abuse"),)
    nqsw = answerer.answer("anything for NQSWs", now=TUESDAY_1PM)
    assert nqsw.note == "Showing “newly qualified social worker” for “NQSWs”."  # as typed
    assert answerer.answer("racism", now=TUESDAY_1PM).note is None  # said as asked


@pytest.mark.parametrize(
    "question",
    ["sourdough baking", "tuesday gardening", "learning disabilities", "EHCP", "UASC"],
)
def test_what_matched_only_weakly_is_still_nothing(answerer: Answerer, question: str) -> None:
    assert answerer.answer(question, now=TUESDAY_1PM).kind == "nothing"


@cache
def nutrition_forum() -> Programme:
    exported = ROOT / "tests" / "data" / "import" / "pnf-2022-program.csv"
    result = convert(exported.read_bytes(), filename=exported.name, timezone="Europe/Stockholm")
    assert result.programme is not None, result.problems
    return result.programme


def test_allergy_in_babies_finds_the_allergy_session_of_another_programme() -> None:
    programme = nutrition_forum()
    answer = Answerer(programme).answer(
        "allergy in babies", now=datetime(2022, 9, 12, 12, tzinfo=programme.tz)
    )
    assert ids(answer) == ["early-life-exposures-to-dietary"]
    assert answer.heading == "Nothing mentions “babies” — sessions about “allergy”"


def test_the_engine_names_no_session_or_speaker_of_the_shipped_week(programme: Programme) -> None:
    names = {session.title for session in programme.sessions}
    names |= {speaker.name for session in programme.sessions for speaker in session.speakers}
    code = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "bot" / "answering").glob("*.py")
    )
    assert not [name for name in names if name in code]

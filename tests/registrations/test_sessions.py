"""The Block Kit builders, checked without Slack: structure, limits, escaping and paging."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block

from bot.answering import Answerer
from bot.answers.guide import help_message
from bot.answers.messages import PAGE_SIZE, answer_message
from bot.blocks import ids
from bot.blocks.kit import SECTION_LIMIT, section
from bot.blocks.values import Origin, read_button_value
from bot.current.examples import Examples, examples_for
from bot.programme import Event, Programme, Session, Speaker
from bot.programme.links import google_link, outlook_link
from bot.registrations.sessions import PAST, calendar_links, session_details

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2023, 3, 20, 9, 0, tzinfo=LONDON)


def make_session(number: int, **fields: object) -> Session:
    start = MONDAY + timedelta(minutes=10 * number)
    base: dict[str, object] = {
        "id": f"s{number}",
        "title": f"Session {number}",
        "start": start,
        "end": start + timedelta(hours=1),
    }
    return Session.model_validate(base | fields)


def make_programme(*sessions: Session) -> Programme:
    return Programme(event=Event(name="SWW", timezone="Europe/London"), sessions=sessions)


def examples(programme: Programme) -> Examples:
    """What the help and hints suggest asking of `programme`."""
    return examples_for(programme, Answerer(programme))


def assert_valid_message(blocks: list[dict[str, object]], text: str) -> None:
    assert text.strip()
    assert len(text) <= 4000
    assert len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()  # slack_sdk raises when a Block Kit limit is broken


def test_session_details_show_everything_a_person_needs() -> None:
    session = make_session(
        1,
        title="Racism & practice",
        type="headline",
        speakers=[Speaker(name="Ann Lee", role="Chair", organisation="BASW")],
        location="Online",
        join_url="https://example.org/join?a=1&b=2",
        description="About <things>.",
        host="SWE",
    )
    text = session_details(session, LONDON, full=True)
    assert text.splitlines() == [
        "*Racism &amp; practice*",
        "<!date^1679303400^{date_short_pretty}, {time}|Mon 20 Mar, 09:10>"
        "–<!date^1679307000^{time}|10:10 GMT> · Headline",
        "With Ann Lee (Chair, BASW)",
        "Online · <https://example.org/join?a=1&amp;b=2|Join online>",
        "Hosted by SWE",
        "About &lt;things&gt;.",
        calendar_links(session),
    ]
    assert "Hosted by" not in session_details(session, LONDON)


def test_a_description_shows_its_links_and_nothing_else_that_slack_reads() -> None:
    """Descriptions are mrkdwn (`import` writes links as `<url|text>`): its web links and
    escapes are shown as they are; a mention, a channel or a stray `<` or `&` is not."""
    description = (
        "My generator <https://festi.info/boxes.py/?language=en|Boxes.py> &amp; more.\n"
        "• Q&A <!channel> <@U999> <javascript:x|y> &lt;3"
    )
    text = session_details(make_session(1, description=description), LONDON, full=True)
    assert text.splitlines()[2:4] == [
        "My generator <https://festi.info/boxes.py/?language=en|Boxes.py> &amp; more.",
        "• Q&amp;A &lt;!channel&gt; &lt;@U999&gt; &lt;javascript:x|y&gt; &lt;3",
    ]


def test_a_long_description_is_never_cut_inside_a_link() -> None:
    link = "<https://example.org/" + "a" * 60 + "|the long link>"
    description = "Words " * 187 + link + " and more words" * 50
    text = session_details(make_session(1, description=description), LONDON, full=True)
    shown = text.splitlines()[2]
    assert shown.endswith("Words…") and "<https://example.org/" not in shown
    assert len(text) <= SECTION_LIMIT


def test_every_session_offers_add_to_calendar_links_that_cannot_break_mrkdwn() -> None:
    session = make_session(1, title="Racism <b>|</b> & <!channel>", location="Room | <1>")
    line = session_details(session, LONDON).splitlines()[-1]
    google, outlook = google_link(session), outlook_link(session)
    assert line == (
        f"Add to calendar: <{google.replace('&', '&amp;')}|Google> · "
        f"<{outlook.replace('&', '&amp;')}|Outlook>"
    )
    for url in (google, outlook):
        assert not set("<>| ") & set(url)


def test_a_session_that_is_over_offers_no_calendar_links() -> None:
    text = session_details(make_session(1), LONDON, standing=PAST)
    assert "Add to calendar" not in text


def test_long_details_keep_their_calendar_links_whole_within_a_section() -> None:
    words = "Practice and research in social work " * 200
    session = make_session(
        1,
        title=words[:300],
        type="workshop",
        speakers=[Speaker(name="Ann Lee", role=words[:100], organisation=words[:100])],
        location=words[:200],
        join_url="https://example.org/" + "j" * 200,
        host=words[:200],
        description=words,
    )
    slots = [make_session(n, title=words[:300]) for n in range(1, 4)]
    for text in (
        session_details(session, LONDON, full=True),
        session_details(session, LONDON, full=True, slots=slots, standing="Full"),
    ):
        assert len(text) <= SECTION_LIMIT
        assert "Practice and research" in text.splitlines()[-2]  # the description, shortened
        assert text.splitlines()[-1] == calendar_links(slots[0] if "Full" in text else session)


def test_details_too_long_for_a_section_never_carry_a_link_cut_in_half() -> None:
    long = "Ünïcode & <words> " * 400  # escaping makes every field several times longer
    session = make_session(
        1,
        title=long,
        speakers=[Speaker(name=long[:300], role=long[:300], organisation=long[:300])],
        location=long,
        description=long,
    )
    text = section(session_details(session, LONDON, full=True))["text"]["text"]
    assert len(text) <= SECTION_LIMIT
    assert "Add to calendar" not in text


def test_a_day_of_sixty_sessions_is_paged_within_block_kit_limits() -> None:
    long = "word " * 1000
    sessions = [make_session(n, title=f"{n} {long[:400]}", description=long) for n in range(60)]
    programme = make_programme(*sessions)
    answer = Answerer(programme).answer("monday", now=MONDAY)
    assert len(answer.sessions) == 60

    first = answer_message(
        answer, LONDON, asked_at=MONDAY.timestamp(), examples=examples(programme)
    )
    assert_valid_message(first.blocks, first.text)
    sections = [b for b in first.blocks if b["type"] == "section"]
    assert len(sections) == PAGE_SIZE
    assert all(b["accessory"]["action_id"] == ids.SESSION_REGISTER for b in sections)
    assert any("Showing 1–10 of 60" in json.dumps(b, ensure_ascii=False) for b in first.blocks)
    buttons = [e for b in first.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [ids.SESSIONS_PAGE_NEXT]
    assert read_button_value(buttons[0]["value"]) == (
        Origin("answer", "monday", 1, MONDAY.timestamp()),
        None,
    )

    last = answer_message(
        answer, LONDON, page=5, asked_at=MONDAY.timestamp(), examples=examples(programme)
    )
    assert_valid_message(last.blocks, last.text)
    assert any("Showing 51–60 of 60" in json.dumps(b, ensure_ascii=False) for b in last.blocks)
    buttons = [e for b in last.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [ids.SESSIONS_PAGE_PREVIOUS]


def test_a_long_question_still_makes_a_valid_message() -> None:
    programme = make_programme(make_session(1, title="Supervision"))
    question = "supervision " + "x" * 2000
    answer = Answerer(programme).answer(question, now=MONDAY)
    message = answer_message(
        answer, LONDON, asked_at=MONDAY.timestamp(), examples=examples(programme)
    )
    assert_valid_message(message.blocks, message.text)


@pytest.mark.parametrize("question", ["<!channel> racism", "<@U999> & <http://evil|click>"])
def test_repeated_user_text_is_escaped(question: str) -> None:
    programme = make_programme(make_session(1, title="Racism"))
    answer = Answerer(programme).answer(question, now=MONDAY)
    message = answer_message(answer, LONDON, examples=examples(programme))
    shown = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    shown += [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]]
    mrkdwn = message.text + " ".join(shown)  # button values are never displayed
    assert "<!channel>" not in mrkdwn
    assert "<@U999>" not in mrkdwn
    assert "<http://evil" not in mrkdwn


def test_nothing_found_message_suggests_days_and_topics() -> None:
    programme = make_programme(make_session(1, tags=["supervision"], type="headline"))
    answer = Answerer(programme).answer("gardening", now=MONDAY)
    message = answer_message(answer, LONDON, examples=examples(programme))
    assert_valid_message(message.blocks, message.text)
    body = message.blocks[0]["text"]["text"]
    assert "I couldn't find a session about “gardening”." in body
    assert "*Days with sessions:* Mon 20 Mar" in body
    assert "supervision" in body and "headline" in body


def test_who_question_leads_with_a_direct_answer() -> None:
    speaker = Speaker(name="Rebekah Pierre", role="Professional Officer")
    programme = make_programme(
        make_session(1, title="Smashing stereotypes", speakers=[speaker]), make_session(2)
    )
    answer = Answerer(programme).answer("who is running the stereotypes one?", now=MONDAY)
    message = answer_message(answer, LONDON, examples=examples(programme))
    assert message.blocks[1]["text"]["text"] == (
        "*Smashing stereotypes* is led by Rebekah Pierre (Professional Officer)."
    )


def test_help_message() -> None:
    programme = make_programme(
        make_session(1, title="Supervision clinic", tags=["supervision"]),
        make_session(2, title="Team supervision", tags=["supervision"]),
    )
    message = help_message(examples(programme))
    assert_valid_message(message.blocks, message.text)
    assert "*Ask me about the sessions of SWW*" in message.blocks[0]["text"]["text"]
    assert "`/sessions monday`" in message.blocks[0]["text"]["text"]
    assert "`/sessions supervision`" in message.blocks[0]["text"]["text"]

"""Answers drawn as Block Kit, from real `Answer`s on a small programme: sessions held in
several slots, how full a session is, sessions already over, and the replies about the week
itself. Every reply must also be a valid Slack message."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.answering import Answer, Answerer
from bot.answers.guide import MINE, greeting, help_message
from bot.answers.messages import answer_message, direct_answer
from bot.blocks import ids
from bot.blocks.formatting import Message, slack_time_range
from bot.blocks.values import Origin, read_button_value
from bot.current.examples import examples_for
from bot.programme import Event, Programme, Session, Speaker
from bot.records import NO_SEAT, Seat
from bot.registrations.sessions import (
    MAX_SLOTS,
    calendar_links,
    session_details,
    session_entry,
    standing,
)
from bot.standin.block_rules import MAX_MESSAGE_BLOCKS, block_problems
from tests.registrations.test_sessions import assert_valid_message, make_programme, make_session

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2023, 3, 20, 0, 0, tzinfo=LONDON)  # the week runs Monday 20 to Thursday 23
TUESDAY = date(2023, 3, 21)
ASKED = MONDAY.replace(hour=8)  # before anything starts
REGISTERED, WAITLISTED = Seat("registered"), Seat("waitlisted", position=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """`day` days after Monday, at `hour`:`minute` in London."""
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def held(session_id: str, title: str, start: datetime, **fields: object) -> Session:
    """A one-hour session."""
    return make_session(
        0, id=session_id, title=title, start=start, end=start + timedelta(hours=1), **fields
    )


ANN, BO = Speaker(name="Ann Lee"), Speaker(name="Bo Chen")
# Held twice, and held seven times (two more than an answer lists): same title and speakers.
CLINIC = (
    held("clinic-1", "Supervision clinic", at(0, 9, 30), speakers=[ANN]),
    held("clinic-2", "Supervision clinic", at(1, 9, 30), speakers=[ANN]),
)


def circle(n: int) -> Session:
    """The nth time of the circle: Monday 11:00 and 14:00, Tuesday 11:00 and 14:00, …"""
    start = at((n - 1) // 2, 11 if n % 2 else 14)
    return held(f"circle-{n}", "Reflective practice circle", start, speakers=[BO])


CIRCLE = tuple(circle(n) for n in range(1, 8))
KINSHIP = held("kinship", "Kinship care", at(2, 16), capacity=30)
KEYNOTE = held("keynote", "Opening keynote", at(1, 12), type="headline", speakers=[ANN])
PLENARY = held("plenary", "Closing plenary", at(1, 17), type="Plenary")
PANEL = held("panel", "Evening keynote panel", at(1, 18), type="keynote")
PROGRAMME = Programme(
    event=Event(
        name="Social Work Week",
        timezone="Europe/London",
        days={TUESDAY: "World Social Work Day"},
        url="https://example.org/week",
    ),
    sessions=tuple(
        sorted([*CLINIC, *CIRCLE, KINSHIP, KEYNOTE, PLENARY, PANEL], key=lambda s: s.start)
    ),
)
ANSWERER = Answerer(PROGRAMME)
EXAMPLES = examples_for(PROGRAMME, ANSWERER)


def ask(question: str) -> Answer:
    return ANSWERER.answer(question, now=ASKED)


def reply(question: str, **options: Any) -> Message:
    """The whole reply to `question` asked at `ASKED`, checked to be a valid message."""
    message = answer_message(
        ask(question), LONDON, asked_at=ASKED.timestamp(), examples=EXAMPLES, **options
    )
    assert_valid_reply(message)
    return message


def assert_valid_reply(message: Message) -> None:
    """Within Block Kit's limits, rendered unchanged by slack_sdk, action ids unique per block."""
    assert_valid_message(message.blocks, message.text)
    assert block_problems(message.blocks, limit=MAX_MESSAGE_BLOCKS) == []


def when(session: Session) -> str:
    return slack_time_range(session.start.astimezone(LONDON), session.end.astimezone(LONDON))


def after(session: Session) -> float:
    """The moment `session` ends, as a POSIX timestamp."""
    return session.end.timestamp()


def texts(message: Message, kind: str) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == kind]


def buttons(message: Message) -> list[dict[str, Any]]:
    """The buttons of the message's actions blocks (not the accessories)."""
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def labels(message: Message) -> list[str]:
    return [button["text"]["text"] for button in buttons(message)]


def session_ids(elements: list[dict[str, Any]]) -> list[str | None]:
    return [read_button_value(element["value"])[1] for element in elements]


# --- session_details and standing ---------------------------------------------------------------


def test_a_session_held_twice_lists_both_times() -> None:
    assert session_details(CLINIC[0], LONDON, slots=CLINIC).splitlines() == [
        "*Supervision clinic*",
        when(CLINIC[0]),
        when(CLINIC[1]),
        "With Ann Lee",
        calendar_links(CLINIC[0]),
    ]


def test_a_session_held_seven_times_lists_five_and_counts_the_rest() -> None:
    lines = session_details(CIRCLE[0], LONDON, slots=CIRCLE).splitlines()
    assert MAX_SLOTS == 5
    assert lines == [
        "*Reflective practice circle*",
        *(when(slot) for slot in CIRCLE[:5]),
        "and 2 more times",
        "With Bo Chen",
        calendar_links(CIRCLE[0]),
    ]


def test_without_slots_the_session_has_its_own_time() -> None:
    assert session_details(KINSHIP, LONDON).splitlines() == [
        "*Kinship care*",
        when(KINSHIP),
        calendar_links(KINSHIP),
    ]


def test_standing_is_an_italic_line_after_the_time() -> None:
    text = session_details(KEYNOTE, LONDON, standing="3 of 30 places left")
    assert text.splitlines() == [
        "*Opening keynote*",
        f"{when(KEYNOTE)} · Headline",
        "_3 of 30 places left_",
        "With Ann Lee",
        calendar_links(KEYNOTE),
    ]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((2, 0), "28 of 30 places left"),
        ((29, 0), "1 of 30 places left"),
        ((30, 0), "Full · no waitlist yet"),
        ((30, 1), "Full · 1 on the waitlist"),
        ((29, 2), "1 of 30 places left"),  # a place freed, being offered on
        ((31, 0), "Full · no waitlist yet"),  # capacity lowered below those registered
        (None, None),
    ],
)
def test_standing_of_a_session_with_a_capacity(
    counts: tuple[int, int] | None, expected: str | None
) -> None:
    assert standing(KINSHIP, counts, now=KINSHIP.start.timestamp()) == expected


def test_standing_of_a_session_without_a_capacity_is_unsaid() -> None:
    assert standing(KEYNOTE, (5, 0)) is None


def test_a_session_is_over_from_its_end() -> None:
    assert standing(KINSHIP, (2, 0), now=after(KINSHIP)) == "Already taken place"
    assert standing(KEYNOTE, None, now=after(KEYNOTE) + 1) == "Already taken place"
    assert standing(KINSHIP, (2, 0), now=after(KINSHIP) - 1) == "28 of 30 places left"
    assert standing(KINSHIP, (2, 0), now=0) == "28 of 30 places left"  # 0: any time


# --- "is it full?" ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "now", "expected"),
    [
        ((2, 0), 0, "*Kinship care* has 28 of 30 places left."),
        ((30, 1), 0, "*Kinship care* is full, with 1 on the waitlist: register to join it."),
        ((30, 0), 0, "*Kinship care* is full: register to be first on the waitlist."),
        ((2, 0), after(KINSHIP), "*Kinship care* has already taken place."),
        (None, 0, "*Kinship care* has no limit on places."),
    ],
)
def test_places_question_is_answered_in_one_sentence(
    counts: tuple[int, int] | None, now: float, expected: str
) -> None:
    answer = ask("is kinship care full?")
    assert answer.query.focus == "places"
    assert answer.lead == KINSHIP
    counted = {KINSHIP.id: counts} if counts else {}
    assert direct_answer(answer, LONDON, counts=counted, now=now) == expected


def test_places_question_about_a_session_without_a_capacity() -> None:
    answer = ask("is the opening keynote full?")
    assert answer.lead == KEYNOTE
    expected = "*Opening keynote* has no limit on places."
    assert direct_answer(answer, LONDON, counts={KEYNOTE.id: (500, 0)}) == expected


def test_places_reply_leads_with_the_sentence_and_shows_the_standing() -> None:
    message = reply("is kinship care full?", counts={"kinship": (30, 1)})
    sentence, entry = texts(message, "section")
    assert sentence == "*Kinship care* is full, with 1 on the waitlist: register to join it."
    assert "\n_Full · 1 on the waitlist_" in entry
    accessory = message.blocks[2]["accessory"]
    assert accessory["action_id"] == ids.SESSION_REGISTER


def test_no_sentence_when_the_question_asks_nothing_in_particular() -> None:
    assert direct_answer(ask("kinship care"), LONDON, counts={KINSHIP.id: (2, 0)}) is None


# --- one session: a button by the person's seat, none once it is over ---------------------------


@pytest.mark.parametrize(
    ("seat", "label", "action_id"),
    [
        (NO_SEAT, "Register", ids.SESSION_REGISTER),
        (REGISTERED, "Unregister", ids.SESSION_UNREGISTER),
        (WAITLISTED, "Leave waitlist", ids.SESSION_UNREGISTER),
    ],
)
def test_a_single_session_has_a_button_by_the_seat(seat: Seat, label: str, action_id: str) -> None:
    message = reply("kinship care", seats={"kinship": seat}, counts={"kinship": (2, 0)})
    [entry] = [b for b in message.blocks if b["type"] == "section"]
    assert "\n_28 of 30 places left_" in entry["text"]["text"]
    button = entry["accessory"]
    assert (button["text"]["text"], button["action_id"]) == (label, action_id)
    assert read_button_value(button["value"]) == (
        Origin("answer", "kinship care", 0, ASKED.timestamp()),
        "kinship",
    )


def test_a_session_already_over_has_no_button() -> None:
    message = reply("kinship care", counts={"kinship": (2, 0)}, now=after(KINSHIP))
    [entry] = [b for b in message.blocks if b["type"] == "section"]
    assert "accessory" not in entry
    assert entry["text"]["text"].endswith("\n_Already taken place_")
    assert buttons(message) == []


def test_session_entry_of_one_session_is_one_block() -> None:
    origin = Origin("answer", "kinship", 0, ASKED.timestamp())
    [block] = session_entry(KINSHIP, LONDON, origin=origin, seats={}, counts={})
    assert block["accessory"]["text"]["text"] == "Register"
    assert not any(line.startswith("_") for line in block["text"]["text"].splitlines())


# --- a session held several times: its times, and a button for each time to come ---------------


def test_a_session_held_twice_is_one_entry_with_a_button_per_time() -> None:
    answer = ask("supervision")
    assert answer.sessions == (CLINIC[0],)
    assert answer.slots == {"clinic-1": CLINIC}

    message = reply("supervision")
    [entry] = texts(message, "section")
    assert entry.splitlines()[1:3] == [when(CLINIC[0]), when(CLINIC[1])]
    assert [b["type"] for b in message.blocks] == ["header", "section", "actions"]
    assert "accessory" not in message.blocks[1]
    assert labels(message) == ["Register · Mon 20 Mar, 09:30", "Register · Tue 21 Mar, 09:30"]
    assert [b["action_id"] for b in buttons(message)] == [
        "session_register.1",
        "session_register.2",
    ]
    assert session_ids(buttons(message)) == ["clinic-1", "clinic-2"]
    origin, _ = read_button_value(buttons(message)[0]["value"])
    assert origin == Origin("answer", "supervision", 0, ASKED.timestamp())


def test_each_time_is_labelled_by_its_own_seat() -> None:
    message = reply("supervision", seats={"clinic-1": WAITLISTED, "clinic-2": REGISTERED})
    assert labels(message) == [
        "Leave waitlist · Mon 20 Mar, 09:30",
        "Unregister · Tue 21 Mar, 09:30",
    ]
    assert [b["action_id"] for b in buttons(message)] == [
        "session_unregister.1",
        "session_unregister.2",
    ]
    assert session_ids(buttons(message)) == ["clinic-1", "clinic-2"]


def test_a_time_already_over_loses_its_button() -> None:
    message = reply("supervision", now=after(CLINIC[0]))
    [entry] = texts(message, "section")
    assert when(CLINIC[0]) not in entry and when(CLINIC[1]) in entry  # only times to come
    assert "Already taken place" not in entry
    assert labels(message) == ["Register · Tue 21 Mar, 09:30"]
    assert [b["action_id"] for b in buttons(message)] == ["session_register.1"]
    assert session_ids(buttons(message)) == ["clinic-2"]


def test_a_session_whose_times_are_all_over_has_no_buttons() -> None:
    message = reply("supervision", now=after(CLINIC[1]))
    [entry] = texts(message, "section")
    assert entry.splitlines()[3] == "_Already taken place_"
    assert [b["type"] for b in message.blocks] == ["header", "section"]


def test_a_session_held_seven_times_has_five_buttons() -> None:
    message = reply("reflective practice circle")
    [entry] = texts(message, "section")
    assert "\nand 2 more times\n" in entry
    [row] = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in row["elements"]] == [
        ids.numbered(ids.SESSION_REGISTER, n) for n in range(1, 6)
    ]
    assert session_ids(row["elements"]) == [f"circle-{n}" for n in range(1, 6)]
    assert labels(message)[-1] == "Register · Wed 22 Mar, 11:00"


def test_buttons_go_to_the_times_still_to_come() -> None:
    message = reply("reflective practice circle", now=after(CIRCLE[1]))
    assert session_ids(buttons(message)) == [f"circle-{n}" for n in range(3, 8)]
    assert labels(message)[-1] == "Register · Thu 23 Mar, 11:00"


def test_session_entry_of_a_grouped_session_is_its_details_and_one_row() -> None:
    origin = Origin("answer", "supervision", 0, ASKED.timestamp())
    blocks = session_entry(
        CLINIC[0], LONDON, origin=origin, seats={}, counts={}, slots=CLINIC, now=ASKED.timestamp()
    )
    assert [b["type"] for b in blocks] == ["section", "actions"]
    assert len(blocks[1]["elements"]) == 2


def test_a_day_mixes_single_and_grouped_sessions() -> None:
    message = reply("monday", seats={"circle-2": REGISTERED})
    assert [b["type"] for b in message.blocks] == ["header", "section", "section", "actions"]
    assert message.blocks[1]["accessory"]["action_id"] == ids.SESSION_REGISTER  # the clinic
    assert labels(message) == ["Register · Mon 20 Mar, 11:00", "Unregister · Mon 20 Mar, 14:00"]
    assert [b["action_id"] for b in buttons(message)] == [
        "session_register.1",
        "session_unregister.2",
    ]


def test_a_page_of_sessions_each_held_seven_times_fits_in_a_message() -> None:
    workshops = [
        held(f"w{n}-{time}", f"Workshop {n}", at(time // 2, 9 + n % 8 + time % 2))
        for n in range(25)
        for time in range(7)
    ]
    programme = make_programme(*workshops)
    answer = Answerer(programme).answer("workshop", now=ASKED)
    assert len(answer.sessions) == 25
    message = answer_message(answer, LONDON, asked_at=ASKED.timestamp(), examples=EXAMPLES)
    assert_valid_reply(message)
    assert len([b for b in message.blocks if b["type"] == "actions"]) == 10 + 1  # and the pager
    assert len(buttons(message)) == 10 * MAX_SLOTS + 1


# --- action ids -----------------------------------------------------------------------------------


def test_numbered_action_ids_belong_to_their_family() -> None:
    family = ids.family(ids.SESSION_REGISTER)
    assert ids.numbered(ids.SESSION_REGISTER, 3) == "session_register.3"
    assert family.match("session_register")
    assert family.match("session_register.3")
    assert family.match("session_register.12")
    for other in ("session_registerx", "session_register.", "session_register.x", "x_register"):
        assert not family.match(other), other
    assert not family.match(ids.SESSION_UNREGISTER)
    assert not ids.family(ids.SESSION_UNREGISTER).match("session_register.1")


def test_base_strips_the_number() -> None:
    assert ids.base("session_register.3") == ids.SESSION_REGISTER
    assert ids.base("session_unregister.1") == ids.SESSION_UNREGISTER
    assert ids.base(ids.SESSION_REGISTER) == ids.SESSION_REGISTER


# --- answers about asking and the week itself -----------------------------------------------


def test_greeting_says_hello_then_how_to_ask() -> None:
    message = reply("hello")
    assert ask("hello").kind == "greeting"
    hello = {"type": "section", "text": {"type": "mrkdwn", "text": greeting(EXAMPLES)}}
    assert message.blocks == [hello, *help_message(EXAMPLES).blocks]
    assert message.text.startswith("Hello! I answer questions about the sessions of Social Work")


def test_help_is_the_guide() -> None:
    assert reply("help") == help_message(EXAMPLES)


def test_joining_has_a_header_and_the_note() -> None:
    answer = ask("how do I join?")
    assert answer.kind == "joining"
    message = reply("how do I join?")
    assert [b["type"] for b in message.blocks] == ["header", "section"]
    assert message.blocks[0]["text"]["text"] == "Joining sessions"
    assert message.blocks[1]["text"]["text"] == answer.note
    assert "https://example.org/week" in message.text


def test_overview_has_a_line_per_day() -> None:
    answer = ask("what's on this week?")
    assert answer.kind == "overview"
    message = reply("what's on this week?")
    assert message.blocks[0]["text"]["text"] == "Social Work Week"
    assert message.blocks[1]["text"]["text"] == (
        "Social Work Week is on now, running 20 March–23 March 2023: 6 sessions over 4 days."
    )
    assert message.blocks[2]["text"]["text"].splitlines() == [
        "*Mon 20 Mar* · 2 sessions",  # the circle, held twice that day, counts once
        "*Tue 21 Mar* · World Social Work Day · 5 sessions · 12:00 Opening keynote"
        " · 17:00 Closing plenary",  # the evening keynote is a third: not shown
        "*Wed 22 Mar* · 2 sessions",
        "*Thu 23 Mar* · 1 session",
    ]
    assert message.blocks[3]["type"] == "context"


def test_mine_points_to_mysessions() -> None:
    message = reply("what am I registered for?")
    assert texts(message, "section") == [MINE]
    assert "/mysessions" in message.text
    assert "`" not in message.text


# --- a session held again later ------------------------------------------------------------------


def test_places_of_a_session_held_again_later_are_not_said_to_be_over() -> None:
    message = reply("is the supervision clinic full?", now=after(CLINIC[0]))
    assert labels(message) == ["Register · Tue 21 Mar, 09:30"]  # the second time is open
    assert "has already taken place" not in texts(message, "section")[0]

"""A request to register, read out of a question: what it names, or that it is no request."""

from __future__ import annotations

import pytest

from bot.registrations.by_words import asked_to_register


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("register me for the racism one", "the racism one"),
        ("Register me on racism", "racism"),
        ("sign me up for racism", "racism"),
        ("sign me up to the stereotypes session, thanks!", "the stereotypes session"),
        ("book me on the racism session", "the racism session"),
        ("book me onto wed-stereotypes", "wed-stereotypes"),
        ("I’d like to book a place on kinship care", "kinship care"),
        ("can I register for the racism session?", "the racism session"),
        ("Could I sign up for court skills please", "court skills"),
        ("I want to go to the racism one", "the racism one"),
        ("I'd like to attend the AMHP session", "the AMHP session"),
        ("put me down for racism please", "racism"),
        ("please put my name down for kinship care", "kinship care"),
        ("Hi! Can you please register me for racism?", "racism"),
        ("add me to the waitlist for kinship care", "kinship care"),
        ("register for racism", "racism"),
        ("register me", ""),
        ("sign me up", ""),
        ("can I register?", ""),
    ],
)
def test_a_request_names_what_it_is_for(question: str, named: str) -> None:
    assert asked_to_register(question) == named


@pytest.mark.parametrize(
    "question",
    [
        "how do I register for the racism session?",
        "what am I registered for?",
        "is the racism session full?",
        "can I attend if I'm a student?",  # may I, not register me
        "can I register for free?",
        "can I register for more than one session?",
        "I want to join the racism session online",  # joining is how, not whether
        "registering for racism",
        "racism",
        "",
    ],
)
def test_a_question_is_no_request(question: str) -> None:
    assert asked_to_register(question) is None

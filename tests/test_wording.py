"""Numbers with their nouns, and lists in words."""

from __future__ import annotations

from bot.wording import counted, joined


def test_a_number_takes_the_singular_only_when_it_is_one() -> None:
    assert counted(1, "session") == "1 session"
    assert counted(0, "session") == "0 sessions"
    assert counted(2, "person", "people") == "2 people"
    assert counted(1, "person", "people") == "1 person"


def test_a_list_is_joined_with_commas_and_a_last_and() -> None:
    assert joined(["Monday"]) == "Monday"
    assert joined(["Monday", "Friday"]) == "Monday and Friday"
    assert joined(["a", "b", "c"]) == "a, b and c"

"""Reading `/reminders` text and toggling choices: pure, against the organisers' offsets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.reminders.choices import (
    describe,
    normalise,
    offset_token,
    parse_request,
    seconds_of,
    toggle,
    wants,
)

PLANNED = seconds_of([timedelta(minutes=15), timedelta(days=1)])  # (86400, 900)


def test_the_organisers_offsets_in_seconds_longest_first() -> None:
    assert PLANNED == (86400, 900)
    assert [offset_token(s) for s in (86400, 900, 93600, 30)] == ["1d", "15m", "1d2h", "30s"]


@pytest.mark.parametrize(
    ("text", "kind", "choice"),
    [
        ("", "show", None),
        ("  ", "show", None),
        ("help", "help", None),
        ("on", "set", None),
        ("ON", "set", None),
        ("off", "set", ()),
        ("stop", "set", ()),
        ("15m", "set", (900,)),
        ("1d", "set", (86400,)),
        ("15 minutes", "set", (900,)),
        ("1 day", "set", (86400,)),
        ("24h", "set", (86400,)),  # the same moment, written another way
        ("1d 15m", "set", None),  # every one the organisers plan: all (takes in later ones)
        ("1d,15m", "set", None),
        ("15m, 15m", "set", (900,)),
        ("1 day and 15 minutes", "set", None),
    ],
)
def test_reading_reminders_text(text: str, kind: str, choice: tuple[int, ...] | None) -> None:
    request = parse_request(text, PLANNED)
    assert (request.kind, request.choice) == (kind, choice)


def test_an_offset_the_organisers_do_not_use_is_explained() -> None:
    request = parse_request("3h", PLANNED)
    assert request.kind == "invalid"
    assert request.problem == (
        "There is no reminder 3 hours before a session. Reminders go 1 day and 15 minutes "
        "before a session; choose from those: `/reminders 15m`. Nothing changed."
    )
    assert parse_request("15m 3h", PLANNED).kind == "invalid"  # all or nothing


def test_words_that_are_not_offsets_are_not_understood() -> None:
    request = parse_request("banana", PLANNED)
    assert request.kind == "invalid"
    assert request.problem.startswith("I didn't understand “banana”. Try `/reminders on`")
    assert request.problem.endswith("Nothing changed.")
    assert parse_request("15m banana", PLANNED).kind == "invalid"


def test_with_one_offset_the_hint_is_on_or_off() -> None:
    request = parse_request("1d", (900,))
    assert "`/reminders on` or `/reminders off`" in request.problem


def test_toggling_one_reminder() -> None:
    assert toggle(None, 86400, PLANNED) == (900,)
    assert toggle((900,), 900, PLANNED) == ()
    assert toggle((), 900, PLANNED) == (900,)
    assert toggle((900,), 86400, PLANNED) is None  # both again: all


def test_a_choice_keeps_only_offsets_still_planned() -> None:
    assert normalise([3600, 900], PLANNED) == (900,)
    assert normalise([], PLANNED) == ()


def test_who_wants_which_reminder() -> None:
    assert wants(None, 900) and wants(None, 86400)
    assert not wants((), 900)
    assert wants((900,), 900) and not wants((900,), 86400)


def test_describing_a_choice() -> None:
    assert describe(None, PLANNED) == (
        "Your reminders are *on*: 1 day and 15 minutes before each of your sessions."
    )
    assert describe((), PLANNED) == "Your reminders are *off*."
    assert describe((900,), PLANNED) == (
        "You get reminders *15 minutes* before each of your sessions, no others."
    )

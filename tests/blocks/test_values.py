"""Button values: what a button carries, read back exactly, and always within Slack's limit."""

from __future__ import annotations

import pytest

from bot.blocks.values import VALUE_LIMIT, Origin, button_value, read_button_value


@pytest.mark.parametrize("query", ['"' * 1500, "\\" * 1500, "é" * 1500, "a" * 5000, "\u2028" * 900])
def test_a_value_fits_slacks_limit_whatever_the_question_held(query: str) -> None:
    value = button_value(Origin("answer", query, 2, 1679400000.0), "tue-racism")
    assert len(value) <= VALUE_LIMIT
    origin, session_id = read_button_value(value)
    assert session_id == "tue-racism" and origin.page == 2 and origin.view == "answer"
    assert query.startswith(origin.query.rstrip("…"))


def test_a_short_question_is_carried_exactly() -> None:
    origin = Origin("answer", "racism on tuesday?", 0, 1679400000.0)
    assert read_button_value(button_value(origin, "s1")) == (origin, "s1")

"""JSON from outside, read without a deep recursion (`bot.json_input`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.json_input import MAX_DEPTH, TooDeep, loads, too_deep


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_depth_is_counted_without_recursion() -> None:
    assert not too_deep(json.loads(deep(MAX_DEPTH)))
    assert too_deep(json.loads(deep(MAX_DEPTH + 1)))
    many: list[Any] = [[[]] for _ in range(10_000)]
    assert not too_deep({"wide": many})


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 900, 200_000])
def test_json_nested_too_deeply_is_refused_in_words(levels: int) -> None:
    with pytest.raises(TooDeep, match=f"nested more than {MAX_DEPTH} levels deep"):
        loads('{"a":' + deep(levels) + "}")


def test_ordinary_json_is_read_and_what_is_not_json_says_where() -> None:
    assert loads(b'{"sessions": [{"speakers": [{"name": "Ana"}]}]}') == {
        "sessions": [{"speakers": [{"name": "Ana"}]}]
    }
    with pytest.raises(json.JSONDecodeError):
        loads("{bad")

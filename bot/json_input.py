"""JSON from outside (Slack's payloads, programme files, exports to import), read so that
no shape of it can cost a deep recursion: anything nested more than `MAX_DEPTH` levels is
refused with `TooDeep`, which says so in words."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 40
"""Levels of objects and lists. Slack's payloads (a view's state, rich text in blocks) and
programme exports (a session's speakers and their links) use about a dozen."""


class TooDeep(ValueError):
    """JSON nested more deeply than anything the bot reads."""

    def __init__(self) -> None:
        super().__init__(f"nested more than {MAX_DEPTH} levels deep")


def loads(text: str | bytes) -> Any:
    """`json.loads`, refusing JSON nested more than `MAX_DEPTH` levels (`TooDeep`);
    `json.JSONDecodeError` for what is not JSON."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise TooDeep from None
    if too_deep(data):
        raise TooDeep
    return data


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` holds objects or lists more than `limit` levels deep (no recursion:
    the check itself cannot be made to overflow)."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True

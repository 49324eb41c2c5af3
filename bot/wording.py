"""Plain words for numbers and lists, shared by every message: `3 sessions`, `1 person`,
`Monday, Tuesday and Friday`. (Dates and times have their own words, in `bot.dates`.)"""

from __future__ import annotations

from collections.abc import Sequence


def counted(amount: int, noun: str, plural: str = "") -> str:
    """`1 session`, `4 sessions`, `1 batch`, `2 batches` (with `plural="batches"`)."""
    return f"{amount} {noun}" if amount == 1 else f"{amount} {plural or noun + 's'}"


def joined(parts: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

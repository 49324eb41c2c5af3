"""A number with its noun, in the singular or the plural as the number needs."""

from __future__ import annotations


def counted(amount: int, noun: str, plural: str = "") -> str:
    """`1 session`, `4 sessions`, `1 batch`, `2 batches` (with `plural="batches"`)."""
    return f"{amount} {noun}" if amount == 1 else f"{amount} {plural or noun + 's'}"

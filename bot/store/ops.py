"""Operations on the store's state: plain JSON-able dicts, built and checked here.

An operation carries everything needed to apply it, including its timestamp, so applying
the same operations in the same order always gives the same state (a journal replays
exactly). The durable store writes each one as a journal line with a `seq` added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Op = dict[str, Any]

# The fields each kind of operation has, besides "op" (and "seq" in the journal).
_FIELDS: dict[str, tuple[str, ...]] = {
    "register": ("user", "session", "capacity", "at"),
    "unregister": ("user", "session", "capacity", "at"),
    "card": ("session", "channel", "ts"),
    "claim": ("key", "at"),
}


def utc_now() -> str:
    """The current time as a UTC ISO 8601 string, as stored with registrations and claims."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def register_op(*, user: str, session: str, capacity: int | None, at: str | None = None) -> Op:
    return check_op(
        {"op": "register", "user": user, "session": session, "capacity": capacity,
         "at": at if at is not None else utc_now()}
    )  # fmt: skip


def unregister_op(*, user: str, session: str, capacity: int | None, at: str | None = None) -> Op:
    return check_op(
        {"op": "unregister", "user": user, "session": session, "capacity": capacity,
         "at": at if at is not None else utc_now()}
    )  # fmt: skip


def card_op(*, session: str, channel: str, ts: str) -> Op:
    return check_op({"op": "card", "session": session, "channel": channel, "ts": ts})


def claim_op(*, key: str, at: str | None = None) -> Op:
    return check_op({"op": "claim", "key": key, "at": at if at is not None else utc_now()})


def check_op(op: Any) -> Op:
    """Return `op` if it is a well-formed operation, else raise ValueError saying why.

    Extra keys other than `seq` are refused so a newer format is never half-understood.
    """
    if not isinstance(op, dict):
        raise ValueError(f"an operation is a JSON object, not {type(op).__name__}")
    kind = op.get("op")
    if kind not in _FIELDS:
        raise ValueError(f"unknown operation {kind!r}")
    fields = _FIELDS[kind]
    extra = set(op) - {"op", "seq", *fields}
    if extra:
        raise ValueError(f"{kind}: unexpected fields {sorted(extra)}")
    for name in fields:
        if name not in op:
            raise ValueError(f"{kind}: missing field {name!r}")
        value = op[name]
        if name == "capacity":
            if value is not None and (type(value) is not int or value < 0):
                raise ValueError(f"{kind}: capacity must be a non-negative integer or null")
        elif not isinstance(value, str) or not value:
            raise ValueError(f"{kind}: {name} must be a non-empty string")
    return op

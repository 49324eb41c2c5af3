"""Operations on the store's state: plain JSON-able dicts, built and checked here.

An operation carries everything needed to apply it, including its timestamp, so applying
the same operations in the same order always gives the same state (a journal replays
exactly). The durable store writes each one as a journal line with a `seq` added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

from bot.store.base import Broadcast, BroadcastStatus

Op = dict[str, Any]

# A broadcast's fields, named as in `Broadcast`; its journal line and snapshot record.
BROADCAST_FIELDS: tuple[str, ...] = (
    "id", "organiser_id", "text", "created_at", "audience", "status", "send_at", "sent_at",
    "recipients", "delivered", "failed", "preview_channel", "preview_ts",
)  # fmt: skip
_TIMES = ("created_at", "send_at", "sent_at")
_COUNTS = ("recipients", "delivered", "failed")
_OPTIONAL = ("send_at", "sent_at", "preview_channel", "preview_ts")
_STATUSES: tuple[str, ...] = get_args(BroadcastStatus)

# The fields each kind of operation has, besides "op" (and "seq" in the journal).
_FIELDS: dict[str, tuple[str, ...]] = {
    "register": ("user", "session", "capacity", "at"),
    "unregister": ("user", "session", "capacity", "at"),
    "fill": ("session", "capacity", "at"),
    "card": ("session", "channel", "ts"),
    "claim": ("key", "at"),
    "broadcast": BROADCAST_FIELDS,
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


def fill_op(*, session: str, capacity: int | None, at: str | None = None) -> Op:
    return check_op(
        {"op": "fill", "session": session, "capacity": capacity,
         "at": at if at is not None else utc_now()}
    )  # fmt: skip


def card_op(*, session: str, channel: str, ts: str) -> Op:
    return check_op({"op": "card", "session": session, "channel": channel, "ts": ts})


def claim_op(*, key: str, at: str | None = None) -> Op:
    return check_op({"op": "claim", "key": key, "at": at if at is not None else utc_now()})


def broadcast_op(broadcast: Broadcast) -> Op:
    """The operation saving `broadcast` (times as ISO 8601 strings, None as null)."""
    record: Op = {"op": "broadcast"}
    for name in BROADCAST_FIELDS:
        value = getattr(broadcast, name)
        if name in _TIMES and value is not None:
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise ValueError(f"broadcast: {name} must be an aware datetime")
            value = value.isoformat()
        record[name] = value
    return check_op(record)


def broadcast_of(op: Op) -> Broadcast:
    """The `Broadcast` a checked broadcast operation (or snapshot record) describes."""
    values = {name: op[name] for name in BROADCAST_FIELDS}
    for name in _TIMES:
        if values[name] is not None:
            values[name] = datetime.fromisoformat(values[name])
    return Broadcast(**values)


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
        if kind == "broadcast":
            continue  # checked below, field by field
        if name == "capacity":
            if value is not None and (type(value) is not int or value < 0):
                raise ValueError(f"{kind}: capacity must be a non-negative integer or null")
        elif not isinstance(value, str) or not value:
            raise ValueError(f"{kind}: {name} must be a non-empty string")
    if kind == "broadcast":
        _check_broadcast(op)
    return op


def _check_broadcast(op: Op) -> None:
    for name in BROADCAST_FIELDS:
        value = op[name]
        if name in _COUNTS:
            if type(value) is not int or value < 0:
                raise ValueError(f"broadcast: {name} must be a non-negative integer")
        elif value is None and name in _OPTIONAL:
            continue
        elif not isinstance(value, str) or (not value and name != "text"):
            raise ValueError(f"broadcast: {name} must be a non-empty string")
        elif name in _TIMES:
            try:
                aware = datetime.fromisoformat(value).utcoffset() is not None
            except ValueError:
                aware = False
            if not aware:
                raise ValueError(f"broadcast: {name} must be an ISO 8601 time with an offset")
    if op["status"] not in _STATUSES:
        raise ValueError(f"broadcast: unknown status {op['status']!r}")

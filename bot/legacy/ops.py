"""Operations on the store's state: plain JSON-able dicts, built and checked here.

An operation carries everything needed to apply it, including its timestamp, so applying
the same operations in the same order always gives the same state (a journal replays
exactly). The durable store writes each one as a journal line with a `seq` added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

from bot.legacy.model import (
    SETTLED,
    Broadcast,
    BroadcastStatus,
    Entry,
    EntryStatus,
    Feedback,
    Notice,
)

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
# An outbox entry's fields, named as in `Entry`; its journal and snapshot record.
ENTRY_FIELDS: tuple[str, ...] = (
    "kind", "subject", "recipient", "version", "deadline", "created_at", "message", "status",
    "settled_at", "detail",
)  # fmt: skip
_ENTRY_STATUSES: tuple[str, ...] = get_args(EntryStatus)
# One person's feedback on one session, named as in `Feedback` but for the ids.
FEEDBACK_FIELDS: tuple[str, ...] = (
    "user", "session", "at", "rating", "attended", "learnt", "change", "share",
)  # fmt: skip
MAX_REFLECTION = 3000  # characters in each part of a reflection (the modal allows as many)

# The fields each kind of operation has, besides "op" (and "seq" in the journal).
_FIELDS: dict[str, tuple[str, ...]] = {
    "register": ("user", "session", "capacity", "at"),
    "unregister": ("user", "session", "capacity", "at"),
    "fill": ("session", "capacity", "at"),
    "card": ("session", "channel", "ts"),
    "claim": ("key", "at"),
    "broadcast": BROADCAST_FIELDS,
    "broadcast_change": ("id", "when", "changes", "entries", "at"),
    "enqueue": ("entries",),
    "settle": ("key", "status", "at", "detail"),
    "cancel_entries": ("kind", "subject", "at"),
    "reminders": ("user", "offsets"),
    "calendar": ("user", "token"),
    "feedback": FEEDBACK_FIELDS,
    "revise": ("fingerprints",),
    "forget": ("user", "capacities", "notices", "at"),
}
# Fields an operation may lack (journals written before they existed): read as null.
_MAY_LACK: dict[str, tuple[str, ...]] = {"unregister": ("notice",), "fill": ("notice",)}


def utc_now() -> str:
    """The current time as a UTC ISO 8601 string, as stored with registrations and claims. To
    the microsecond: it is also the version of a promotion's outbox entry."""
    return datetime.now(UTC).isoformat()


def register_op(*, user: str, session: str, capacity: int | None, at: str | None = None) -> Op:
    return check_op(
        {"op": "register", "user": user, "session": session, "capacity": capacity,
         "at": at if at is not None else utc_now()}
    )  # fmt: skip


def unregister_op(
    *,
    user: str,
    session: str,
    capacity: int | None,
    at: str | None = None,
    notice: Notice | None = None,
) -> Op:
    return check_op(
        {"op": "unregister", "user": user, "session": session, "capacity": capacity,
         "at": at if at is not None else utc_now(), "notice": notice_record(notice)}
    )  # fmt: skip


def fill_op(
    *, session: str, capacity: int | None, at: str | None = None, notice: Notice | None = None
) -> Op:
    return check_op(
        {"op": "fill", "session": session, "capacity": capacity,
         "at": at if at is not None else utc_now(), "notice": notice_record(notice)}
    )  # fmt: skip


def notice_record(notice: Notice | None) -> dict[str, str] | None:
    if notice is None:
        return None
    return {"kind": notice.kind, "subject": notice.subject, "deadline": _iso(notice.deadline)}


def enqueue_op(entries: list[Entry]) -> Op:
    return check_op({"op": "enqueue", "entries": [entry_record(e) for e in entries]})


def settle_op(*, key: str, status: EntryStatus, at: datetime, detail: str = "") -> Op:
    return check_op(
        {"op": "settle", "key": key, "status": status, "at": _iso(at), "detail": detail}
    )


def cancel_entries_op(*, kind: str, subject: str, at: datetime) -> Op:
    return check_op({"op": "cancel_entries", "kind": kind, "subject": subject, "at": _iso(at)})


def broadcast_change_op(
    *,
    broadcast_id: str,
    when: tuple[str, ...],
    changes: dict[str, Any],
    entries: list[Entry],
    at: datetime,
) -> Op:
    """Change some fields of a broadcast (and add entries) if its status is one of `when`."""
    unknown = set(changes) - set(BROADCAST_FIELDS) or {"id"} & set(changes)
    if unknown:
        raise ValueError(f"broadcast_change: cannot change {sorted(unknown)}")
    record = {
        name: _iso(value) if isinstance(value, datetime) else value
        for name, value in changes.items()
    }
    return check_op(
        {"op": "broadcast_change", "id": broadcast_id, "when": list(when), "changes": record,
         "entries": [entry_record(e) for e in entries], "at": _iso(at)}
    )  # fmt: skip


def _iso(moment: datetime) -> str:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError("times must be aware datetimes")
    return moment.isoformat()


def entry_record(entry: Entry) -> dict[str, Any]:
    """An entry as a JSON object (times as ISO 8601 strings)."""
    record: dict[str, Any] = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    for name in ("deadline", "created_at", "settled_at"):
        if record[name] is not None:
            record[name] = _iso(record[name])
    return record


def entry_of(record: dict[str, Any]) -> Entry:
    """The `Entry` a checked record describes."""
    values = dict(record)
    for name in ("deadline", "created_at", "settled_at"):
        if values[name] is not None:
            values[name] = datetime.fromisoformat(values[name])
    return Entry(**values)


def check_entry(record: Any) -> dict[str, Any]:
    """`record` if it is a well-formed entry record, else ValueError."""
    if not isinstance(record, dict) or set(record) != set(ENTRY_FIELDS):
        raise ValueError(f"an outbox entry has the fields {list(ENTRY_FIELDS)}")
    for name in ("kind", "subject", "recipient", "version"):
        if not isinstance(record[name], str) or not record[name]:
            raise ValueError(f"entry: {name} must be a non-empty string")
    for name in ("deadline", "created_at", "settled_at"):
        if record[name] is None and name == "settled_at":
            continue
        _check_time(record[name], f"entry: {name}")
    if record["message"] is not None and not isinstance(record["message"], dict):
        raise ValueError("entry: message must be an object or null")
    if record["status"] not in _ENTRY_STATUSES:
        raise ValueError(f"entry: unknown status {record['status']!r}")
    if (record["status"] == "pending") != (record["settled_at"] is None):
        raise ValueError("entry: settled_at is set exactly when the entry is settled")
    if not isinstance(record["detail"], str):
        raise ValueError("entry: detail must be a string")
    return record


def _check_time(value: Any, what: str) -> None:
    try:
        aware = isinstance(value, str) and datetime.fromisoformat(value).utcoffset() is not None
    except ValueError:
        aware = False
    if not aware:
        raise ValueError(f"{what} must be an ISO 8601 time with an offset")


def reminders_op(*, user: str, offsets: tuple[int, ...] | None) -> Op:
    return check_op(
        {"op": "reminders", "user": user, "offsets": None if offsets is None else list(offsets)}
    )


def calendar_op(*, user: str, token: str | None) -> Op:
    return check_op({"op": "calendar", "user": user, "token": token})


def feedback_op(feedback: Feedback) -> Op:
    return check_op({"op": "feedback", **feedback_record(feedback)})


def feedback_record(feedback: Feedback) -> dict[str, Any]:
    """Feedback as a JSON object (its time as an ISO 8601 string)."""
    return {
        "user": feedback.user_id, "session": feedback.session_id, "at": _iso(feedback.at),
        "rating": feedback.rating, "attended": feedback.attended, "learnt": feedback.learnt,
        "change": feedback.change, "share": feedback.share,
    }  # fmt: skip


def feedback_of(record: dict[str, Any]) -> Feedback:
    """The `Feedback` a checked record describes."""
    return Feedback(
        user_id=record["user"], session_id=record["session"],
        at=datetime.fromisoformat(record["at"]), rating=record["rating"],
        attended=record["attended"], learnt=record["learnt"], change=record["change"],
        share=record["share"],
    )  # fmt: skip


def revise_op(fingerprints: dict[str, str]) -> Op:
    return check_op({"op": "revise", "fingerprints": dict(fingerprints)})


def forget_op(
    *,
    user: str,
    capacities: dict[str, int | None],
    notices: dict[str, Notice],
    at: datetime,
) -> Op:
    return check_op(
        {"op": "forget", "user": user, "capacities": dict(capacities),
         "notices": {session: notice_record(n) for session, n in notices.items()},
         "at": _iso(at)}
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
    optional = _MAY_LACK.get(kind, ())
    extra = set(op) - {"op", "seq", *fields, *optional}
    if extra:
        raise ValueError(f"{kind}: unexpected fields {sorted(extra)}")
    for name in optional:
        op.setdefault(name, None)
    if kind in _CHECKS:
        for name in fields:
            if name not in op:
                raise ValueError(f"{kind}: missing field {name!r}")
        _CHECKS[kind](op)
        return op
    for name in fields:
        if name not in op:
            raise ValueError(f"{kind}: missing field {name!r}")
        value = op[name]
        if name == "capacity":
            if value is not None and (type(value) is not int or value < 0):
                raise ValueError(f"{kind}: capacity must be a non-negative integer or null")
        elif not isinstance(value, str) or not value:
            raise ValueError(f"{kind}: {name} must be a non-empty string")
    if op.get("notice") is not None:
        _check_notice(op["notice"])
    return op


def _check_notice(notice: Any) -> None:
    if not isinstance(notice, dict) or set(notice) != {"kind", "subject", "deadline"}:
        raise ValueError("notice: expected kind, subject and deadline")
    if not all(isinstance(notice[name], str) and notice[name] for name in ("kind", "subject")):
        raise ValueError("notice: kind and subject must be non-empty strings")
    _check_time(notice["deadline"], "notice: deadline")


def _check_entries(op: Op) -> None:
    if not isinstance(op["entries"], list):
        raise ValueError(f"{op['op']}: entries must be a list")
    for record in op["entries"]:
        check_entry(record)


def _check_settle(op: Op) -> None:
    if not isinstance(op["key"], str) or not op["key"]:
        raise ValueError("settle: key must be a non-empty string")
    if op["status"] not in SETTLED:
        raise ValueError(f"settle: status must be one of {list(SETTLED)}")
    _check_time(op["at"], "settle: at")
    if not isinstance(op["detail"], str):
        raise ValueError("settle: detail must be a string")


def _check_cancel(op: Op) -> None:
    for name in ("kind", "subject"):
        if not isinstance(op[name], str) or not op[name]:
            raise ValueError(f"cancel_entries: {name} must be a non-empty string")
    _check_time(op["at"], "cancel_entries: at")


def _check_broadcast_change(op: Op) -> None:
    if not isinstance(op["id"], str) or not op["id"]:
        raise ValueError("broadcast_change: id must be a non-empty string")
    when = op["when"]
    if not isinstance(when, list) or not set(when) <= set(_STATUSES):
        raise ValueError("broadcast_change: when must be a list of statuses")
    changes = op["changes"]
    if not isinstance(changes, dict) or not set(changes) <= set(BROADCAST_FIELDS) - {"id"}:
        raise ValueError("broadcast_change: changes must be broadcast fields")
    _check_time(op["at"], "broadcast_change: at")
    _check_entries(op)


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


def _non_empty(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _check_reminders(op: Op) -> None:
    if not _non_empty(op["user"]):
        raise ValueError("reminders: user must be a non-empty string")
    offsets = op["offsets"]
    if offsets is not None and (
        not isinstance(offsets, list)
        or not all(type(o) is int and o > 0 for o in offsets)
        or len(set(offsets)) != len(offsets)
    ):
        raise ValueError("reminders: offsets must be null or a list of distinct positive seconds")


def _check_calendar(op: Op) -> None:
    if not _non_empty(op["user"]):
        raise ValueError("calendar: user must be a non-empty string")
    if op["token"] is not None and not _non_empty(op["token"]):
        raise ValueError("calendar: token must be a non-empty string or null")


def _check_feedback(op: Op) -> None:
    for name in ("user", "session"):
        if not _non_empty(op[name]):
            raise ValueError(f"feedback: {name} must be a non-empty string")
    _check_time(op["at"], "feedback: at")
    rating = op["rating"]
    if rating is not None and (type(rating) is not int or not 1 <= rating <= 5):
        raise ValueError("feedback: rating must be 1 to 5 or null")
    for name in ("attended", "share"):
        if type(op[name]) is not bool:
            raise ValueError(f"feedback: {name} must be true or false")
    for name in ("learnt", "change"):
        if not isinstance(op[name], str) or len(op[name]) > MAX_REFLECTION:
            raise ValueError(f"feedback: {name} must be a string of at most {MAX_REFLECTION}")


def _check_revise(op: Op) -> None:
    fingerprints = op["fingerprints"]
    if not isinstance(fingerprints, dict) or not all(
        _non_empty(k) and _non_empty(v) for k, v in fingerprints.items()
    ):
        raise ValueError("revise: fingerprints must map session ids to strings")


def _check_forget(op: Op) -> None:
    if not _non_empty(op["user"]):
        raise ValueError("forget: user must be a non-empty string")
    capacities = op["capacities"]
    if not isinstance(capacities, dict) or not all(
        _non_empty(k) and (v is None or (type(v) is int and v >= 0)) for k, v in capacities.items()
    ):
        raise ValueError("forget: capacities must map session ids to capacities or null")
    notices = op["notices"]
    if not isinstance(notices, dict):
        raise ValueError("forget: notices must map session ids to notices")
    for notice in notices.values():
        _check_notice(notice)
    _check_time(op["at"], "forget: at")


_CHECKS = {
    "reminders": _check_reminders,
    "calendar": _check_calendar,
    "feedback": _check_feedback,
    "revise": _check_revise,
    "forget": _check_forget,
    "broadcast": _check_broadcast,
    "broadcast_change": _check_broadcast_change,
    "enqueue": _check_entries,
    "settle": _check_settle,
    "cancel_entries": _check_cancel,
}

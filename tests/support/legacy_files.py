"""Files as earlier versions of the bot wrote them (a snapshot of tables by kind of record, a
journal of operations), for testing that they are converted (`bot.upgrade`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.legacy.ops import Op, broadcast_op, entry_record, feedback_record
from bot.legacy.state import StateData


def encode(seq: int, op: Op) -> bytes:
    """One journal line."""
    line = json.dumps({"seq": seq, **op}, ensure_ascii=False, separators=(",", ":"))
    return line.encode() + b"\n"


def _table(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(n): record for n, record in enumerate(records, start=1)}


def _places(places: dict[str, dict[str, str]]) -> Iterable[dict[str, str]]:
    for session, users in places.items():
        for user, at in users.items():
            yield {"session": session, "user": user, "at": at}


def write_snapshot(path: Path, data: StateData, seq: int) -> None:
    """A version-1 snapshot of `data`, including the journal up to `seq`."""
    broadcasts = []
    for broadcast in data.broadcasts:
        record = broadcast_op(broadcast)
        del record["op"]
        broadcasts.append(record)
    tables = {
        "registrations": _table(_places(data.registered)),
        "waitlist": _table(_places(data.waiting)),
        "cards": _table({"session": c.session_id, "channel": c.channel_id, "ts": c.message_ts}
                        for c in data.cards),
        "claims": _table({"key": k, "at": at} for k, at in data.claims.items()),
        "broadcasts": _table(broadcasts),
        "outbox": _table(entry_record(e) for e in data.entries),
        "choices": _table({"user": u, "offsets": list(o)} for u, o in data.reminders.items()),
        "calendar": _table({"user": u, "token": t} for u, t in data.tokens.items()),
        "feedback": _table(feedback_record(f) for f in data.feedback),
        "revisions": _table({"session": s, "fingerprint": f, "number": n}
                            for s, (f, n) in data.revisions.items()),
        "meta": {"1": {"version": 1, "seq": seq}},
    }  # fmt: skip
    path.write_text(json.dumps(tables))

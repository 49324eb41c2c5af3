"""Broadcasts' records: each organiser's announcement and its audit record, in the
`broadcasts` table under its id. Its messages are outbox entries of kind `BROADCAST_KIND`
about it, added in the same transaction as the change that sends it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from bot.outbox import records as outbox
from bot.outbox.records import Entry, aware
from bot.registrations.records import PlacesRecords
from bot.store.engine import Doc, Engine, Tx

TABLE = "broadcasts"

BroadcastStatus = Literal["draft", "scheduled", "sending", "sent", "cancelled"]
BROADCAST_KIND = "broadcast"
"""The outbox kind of a broadcast's messages; cancelling a broadcast cancels those pending."""


@dataclass(frozen=True)
class Broadcast:
    """An organiser's announcement and its audit record. `audience` is "channel" (the
    announcements channel), "registered" (everyone registered for any session, by DM) or
    "session:<id>" (that session's registrants, by DM). Times are aware (UTC)."""

    id: str
    organiser_id: str
    text: str
    created_at: datetime
    audience: str = "channel"
    status: BroadcastStatus = "draft"
    send_at: datetime | None = None
    sent_at: datetime | None = None
    recipients: int = 0
    delivered: int = 0
    failed: int = 0
    preview_channel: str | None = None
    preview_ts: str | None = None


FIELDS = tuple(f.name for f in fields(Broadcast))
_TIMES = ("created_at", "send_at", "sent_at")
_COUNTS = ("recipients", "delivered", "failed")
_OPTIONAL = ("send_at", "sent_at", "preview_channel", "preview_ts")
_STATUSES = get_args(BroadcastStatus)


def to_doc(broadcast: Broadcast) -> Doc:
    """The broadcast as its document; ValueError if a field is malformed."""
    doc: Doc = {}
    for name in FIELDS:
        value = getattr(broadcast, name)
        if name in _TIMES and value is not None:
            value = aware(value)
        elif name in _COUNTS:
            if type(value) is not int or value < 0:
                raise ValueError(f"broadcast: {name} must be a non-negative integer")
        elif value is None and name in _OPTIONAL:
            pass
        elif not isinstance(value, str) or (not value and name != "text"):
            raise ValueError(f"broadcast: {name} must be a non-empty string")
        doc[name] = value
    if doc["status"] not in _STATUSES:
        raise ValueError(f"broadcast: unknown status {doc['status']!r}")
    return doc


def of_doc(doc: Doc) -> Broadcast:
    values: dict[str, Any] = {name: doc.get(name) for name in FIELDS}
    for name in _TIMES:
        if values[name] is not None:
            values[name] = datetime.fromisoformat(values[name])
    return Broadcast(**values)


def save(tx: Tx, broadcast: Broadcast) -> None:
    """Create or replace the broadcast with this id."""
    tx.put(TABLE, broadcast.id, to_doc(broadcast))


def change(
    tx: Tx,
    broadcast_id: str,
    when: tuple[BroadcastStatus, ...],
    changes: dict[str, Any],
    entries: Sequence[Entry],
    at: datetime,
) -> Broadcast | None:
    """If the broadcast's status is one of `when`: apply `changes` (field: value) and add
    `entries` to the outbox, and return the broadcast as it now is. Otherwise change nothing
    and return None (a second Send, a late save of a preview). Changing the status to
    "cancelled" cancels its pending outbox entries too."""
    unknown = set(changes) - set(FIELDS) or {"id"} & set(changes)
    if unknown:
        raise ValueError(f"broadcast: cannot change {sorted(unknown)}")
    if not set(when) <= set(_STATUSES):
        raise ValueError("broadcast: when must be statuses")
    tx.lock(f"{TABLE}:{broadcast_id}")
    current = get(tx, broadcast_id)
    if current is None or current.status not in when:
        return None
    changed = replace(current, **changes)
    save(tx, changed)
    outbox.enqueue(tx, entries)
    if changed.status == "cancelled":
        outbox.cancel(tx, BROADCAST_KIND, broadcast_id, at)
    return changed


def get(tx: Tx, broadcast_id: str) -> Broadcast | None:
    doc = tx.get(TABLE, broadcast_id)
    return None if doc is None else of_doc(doc)


def newest(tx: Tx, limit: int | None) -> list[Broadcast]:
    """Broadcasts, newest first (by `created_at`), at most `limit`."""
    found = sorted((of_doc(doc) for _, doc in tx.find(TABLE)), key=lambda b: b.id)
    found.sort(key=lambda b: b.created_at, reverse=True)
    return found if limit is None else found[: max(limit, 0)]


class BroadcastRecords(PlacesRecords):
    """Broadcasts over `engine`, each operation its own transaction; with places (an
    audience is who registered) and the outbox (a broadcast's messages)."""

    engine: Engine

    def save_broadcast(self, *, broadcast: Broadcast) -> None:
        to_doc(broadcast)  # refuse a malformed one before the transaction
        self.engine.transaction(lambda tx: save(tx, broadcast))

    def change_broadcast(
        self,
        *,
        broadcast_id: str,
        when: tuple[BroadcastStatus, ...],
        changes: dict[str, Any],
        entries: Sequence[Entry] = (),
    ) -> Broadcast | None:
        at = datetime.now(UTC)
        return self.engine.transaction(
            lambda tx: change(tx, broadcast_id, when, changes, entries, at)
        )

    def broadcast(self, *, broadcast_id: str) -> Broadcast | None:
        return self.engine.read(lambda tx: get(tx, broadcast_id))

    def broadcasts(self, *, limit: int | None = None) -> list[Broadcast]:
        return self.engine.read(lambda tx: newest(tx, limit))

"""The snapshot: a TinyDB database file holding the whole state up to a journal `seq`.

Tables: `registrations` and `waitlist` ({session, user, at} in order), `cards`
({session, channel, ts}), `claims` ({key, at}), `broadcasts` (the fields of `Broadcast`,
times as ISO 8601 strings), `outbox` (the fields of `Entry`, in the order added; both absent
from older snapshots) and `meta` (one {version, seq} record).
It is written through TinyDB with `AtomicJSONStorage`, which never rewrites the file in
place: a crash leaves either the old snapshot or the new one, never a mix.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage
from tinydb.table import Document

from bot.store.model import Broadcast, Card, Entry
from bot.store.ops import (
    BROADCAST_FIELDS,
    broadcast_of,
    broadcast_op,
    check_entry,
    check_op,
    entry_of,
    entry_record,
)
from bot.store.state import StateData

VERSION = 1
TABLES = ("registrations", "waitlist", "cards", "claims", "broadcasts", "outbox", "meta")


class SnapshotError(ValueError):
    """The snapshot is not valid JSON or not the expected shape."""


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (the entry lives in the directory)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, fsync it, rename it over `path`
    and fsync the directory: afterwards `path` holds `content`, and before, the old bytes."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


class AtomicJSONStorage(Storage):
    """A TinyDB storage for one JSON file, replaced atomically on every write.

    With `fresh=True` it starts empty rather than reading the file (for writing a new
    snapshot over an old one without parsing it first)."""

    def __init__(self, path: str, fresh: bool = False) -> None:
        self._path = Path(path)
        self._fresh = fresh

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._fresh:
            return None
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw:
            # TinyDB's own convention: an empty file is an empty database.
            return None
        try:
            data = json.loads(raw)
        except ValueError as err:  # JSONDecodeError and UnicodeDecodeError
            raise SnapshotError(f"not valid JSON ({err})") from err
        _check_tables(data)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        replace_atomically(self._path, content)


def _check_tables(data: Any) -> None:
    # TinyDB assumes this shape and fails with unhelpful errors (or silently) otherwise.
    if not isinstance(data, dict):
        raise SnapshotError(f"expected a JSON object of tables, found {type(data).__name__}")
    for name, table in data.items():
        if name not in TABLES:
            # Refuse rather than ignore: the next snapshot would drop the unknown table.
            raise SnapshotError(f"unexpected table {name!r}")
        if not isinstance(table, dict):
            raise SnapshotError(f"table {name!r} is {type(table).__name__}, not an object")
        for doc_id, doc in table.items():
            if not doc_id.isdigit() or not isinstance(doc, dict):
                raise SnapshotError(f"table {name!r}: document {doc_id!r} is malformed")


def read_snapshot(path: Path) -> tuple[StateData, int]:
    """The state in the snapshot at `path` and the last journal seq it includes.

    A missing (or empty) file is an empty state at seq 0. SnapshotError if unreadable."""
    db = TinyDB(str(path), storage=CachingMiddleware(AtomicJSONStorage))
    if not db.tables():
        return StateData(), 0

    def rows(table: str, *fields: str) -> list[tuple[str, ...]]:
        docs = sorted(db.table(table).all(), key=lambda doc: doc.doc_id)
        return [_fields(table, doc, fields) for doc in docs]

    meta = db.table("meta").all()
    if len(meta) != 1:
        raise SnapshotError(f"expected one record in table 'meta', found {len(meta)}")
    version, seq = meta[0].get("version"), meta[0].get("seq")
    if version != VERSION:
        raise SnapshotError(f"unsupported version {version!r} (this bot reads {VERSION})")
    if type(seq) is not int or seq < 0:
        raise SnapshotError(f"meta seq must be a non-negative integer, not {seq!r}")
    data = StateData()
    for session, user, at in rows("registrations", "session", "user", "at"):
        data.registered.setdefault(session, {})[user] = at
    for session, user, at in rows("waitlist", "session", "user", "at"):
        data.waiting.setdefault(session, {})[user] = at
    data.cards = [Card(*row) for row in rows("cards", "session", "channel", "ts")]
    data.claims = dict(rows("claims", "key", "at"))  # type: ignore[arg-type]
    # An older snapshot has no broadcasts table: TinyDB reads it as empty.
    docs = sorted(db.table("broadcasts").all(), key=lambda doc: doc.doc_id)
    data.broadcasts = [_broadcast(doc) for doc in docs]
    docs = sorted(db.table("outbox").all(), key=lambda doc: doc.doc_id)
    data.entries = [_entry(doc) for doc in docs]
    return data, seq


def _entry(doc: Document) -> Entry:
    try:
        return entry_of(check_entry(dict(doc)))
    except ValueError as err:
        raise SnapshotError(f"table 'outbox': document {doc.doc_id}: {err}") from err


def _broadcast(doc: Document) -> Broadcast:
    try:
        if set(doc) != set(BROADCAST_FIELDS):
            raise ValueError(f"fields are not {list(BROADCAST_FIELDS)}")
        return broadcast_of(check_op({**doc, "op": "broadcast"}))
    except ValueError as err:
        raise SnapshotError(f"table 'broadcasts': document {doc.doc_id}: {err}") from err


def _fields(table: str, doc: Document, fields: tuple[str, ...]) -> tuple[str, ...]:
    values = tuple(doc.get(name) for name in fields)
    if set(doc) != set(fields) or not all(isinstance(v, str) and v for v in values):
        raise SnapshotError(f"table {table!r}: document {doc.doc_id} is not {list(fields)}")
    return values  # type: ignore[return-value]


def write_snapshot(path: Path, data: StateData, seq: int) -> None:
    """Replace the snapshot at `path` with `data`, including the journal up to `seq`."""
    # The caching middleware collects the table inserts so the file is written once, when
    # the database is closed. On an error we never close it: a half-built snapshot must
    # not be flushed over the good one.
    db = TinyDB(str(path), storage=CachingMiddleware(AtomicJSONStorage), fresh=True)
    db.table("registrations").insert_multiple(_places(data.registered))
    db.table("waitlist").insert_multiple(_places(data.waiting))
    db.table("cards").insert_multiple(
        {"session": c.session_id, "channel": c.channel_id, "ts": c.message_ts} for c in data.cards
    )
    db.table("claims").insert_multiple({"key": k, "at": at} for k, at in data.claims.items())
    db.table("broadcasts").insert_multiple(_record(b) for b in data.broadcasts)
    db.table("outbox").insert_multiple(entry_record(e) for e in data.entries)
    db.table("meta").insert({"version": VERSION, "seq": seq})
    db.close()


def _places(places: dict[str, dict[str, str]]) -> Iterable[dict[str, str]]:
    for session, users in places.items():
        for user, at in users.items():
            yield {"session": session, "user": user, "at": at}


def _record(broadcast: Broadcast) -> dict[str, object]:
    record = broadcast_op(broadcast)
    del record["op"]
    return record

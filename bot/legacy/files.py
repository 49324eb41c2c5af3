"""What is on disk: the snapshot, the journal, and opening both.

The snapshot is a TinyDB database file holding the whole state up to a journal `seq`.

Tables: `registrations` and `waitlist` ({session, user, at} in order), `cards`
({session, channel, ts}), `claims` ({key, at}), `broadcasts` (the fields of `Broadcast`,
times as ISO 8601 strings), `outbox` (the fields of `Entry`, in the order added; both absent
from older snapshots), `choices` ({user, offsets}: reminder choices), `calendar` ({user,
token}), `feedback` (as its operation), `revisions` ({session, fingerprint, number}; these
four absent from older snapshots) and `meta` (one {version, seq} record).
It is written through TinyDB with `AtomicJSONStorage`, which never rewrites the file in
place: a crash leaves either the old snapshot or the new one, never a mix.

The journal holds one JSON operation per line, each with an increasing `seq`, append-only.

Lines are appended in batches and fsync'd before anyone is told their change is saved.
A crash can only tear the last line (a partial append, never confirmed), so a bad last
line is dropped; a bad line anywhere else means the file is damaged and is an error.

Opening the durable store's files: lock them, load the snapshot, replay the journal.

Nothing is written until everything has been read successfully, so a database that
cannot be read is left exactly as it was, for someone to look at.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from bot.legacy.model import Broadcast, Card, Entry, StoreError
from bot.legacy.ops import (
    BROADCAST_FIELDS,
    Op,
    broadcast_of,
    check_entry,
    check_op,
    entry_of,
    feedback_of,
)
from bot.legacy.state import State, StateData

logger = logging.getLogger(__name__)


# --- the snapshot ---------------------------------------------------------------------------

VERSION = 1
TABLES = (
    "registrations", "waitlist", "cards", "claims", "broadcasts", "outbox", "choices",
    "calendar", "feedback", "revisions", "meta",
)  # fmt: skip
# Written by every version of the store, even when empty; `broadcasts` and `outbox` came later.
REQUIRED = ("registrations", "waitlist", "cards", "claims", "meta")


class SnapshotError(ValueError):
    """The snapshot is not valid JSON or not the expected shape."""


class ReadOnlyJSONStorage(Storage):
    """A TinyDB storage that reads one JSON file, checked, and never writes it."""

    def __init__(self, path: str) -> None:
        self._path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw:
            # TinyDB reads an empty file as an empty database; ours never writes one, so an
            # empty file is damage (a truncation, a mistaken `> bot.json`), not a fresh start.
            raise SnapshotError("the file is empty")
        try:
            data = json.loads(raw)
        except ValueError as err:  # JSONDecodeError and UnicodeDecodeError
            raise SnapshotError(f"not valid JSON ({err})") from err
        _check_tables(data)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise SnapshotError("an earlier version's snapshot is only read")


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

    Only a missing file is an empty state at seq 0: anything present must be a snapshot as
    the store writes it, or SnapshotError (an emptied database is never silently replaced)."""
    if not path.exists():
        return StateData(), 0
    db = TinyDB(str(path), storage=ReadOnlyJSONStorage)
    missing = [table for table in REQUIRED if table not in db.tables()]
    if missing:
        raise SnapshotError(f"tables {missing} are missing: this is not a whole snapshot")

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
    # Tables added with people's choices, calendar links and feedback: older snapshots lack
    # them, and TinyDB reads a missing table as empty.
    for doc in sorted(db.table("choices").all(), key=lambda doc: doc.doc_id):
        op = _checked("choices", doc, {"op": "reminders", **doc})
        data.reminders[op["user"]] = tuple(op["offsets"])
    for doc in sorted(db.table("calendar").all(), key=lambda doc: doc.doc_id):
        op = _checked("calendar", doc, {"op": "calendar", **doc})
        data.tokens[op["user"]] = op["token"]
    for doc in sorted(db.table("feedback").all(), key=lambda doc: doc.doc_id):
        data.feedback.append(feedback_of(_checked("feedback", doc, {"op": "feedback", **doc})))
    for session, fingerprint, number in _revision_rows(db, "revisions"):
        data.revisions[session] = (fingerprint, number)
    return data, seq


def _checked(table: str, doc: Document, op: dict[str, Any]) -> dict[str, Any]:
    """`op` (a record of `table` read as its operation) checked, else SnapshotError."""
    try:
        return check_op(op)
    except ValueError as err:
        raise SnapshotError(f"table {table!r}: document {doc.doc_id}: {err}") from err


def _revision_rows(db: TinyDB, table: str) -> list[tuple[str, str, int]]:
    """The revisions table's rows: (session, fingerprint, number)."""
    rows = []
    for doc in sorted(db.table(table).all(), key=lambda doc: doc.doc_id):
        values = (doc.get("session"), doc.get("fingerprint"), doc.get("number"))
        session, fingerprint, number = values
        if (
            set(doc) != {"session", "fingerprint", "number"}
            or not (isinstance(session, str) and session)
            or not (isinstance(fingerprint, str) and fingerprint)
            or type(number) is not int
            or number < 0
        ):
            raise SnapshotError(f"table {table!r}: document {doc.doc_id} is malformed")
        rows.append((session, fingerprint, number))
    return rows


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


# --- the journal ----------------------------------------------------------------------------


class JournalError(ValueError):
    """A journal line that is not the last cannot be read; `line` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line


@dataclass
class JournalContents:
    """What a journal holds: its good lines as (seq, operation, raw line with newline)."""

    entries: list[tuple[int, Op, bytes]] = field(default_factory=list)
    torn: bool = False
    """The file ended in a line that was cut short; it has been left out of `entries`."""


def read_journal(path: Path) -> JournalContents:
    """Parse the journal at `path` (missing: empty). JournalError for a damaged line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return JournalContents()
    lines = raw.split(b"\n")
    # What follows the last newline (b"" for a whole file) was an append cut short.
    torn = lines.pop() != b""
    contents = JournalContents(torn=torn)
    previous: int | None = None
    for number, line in enumerate(lines, start=1):
        try:
            seq, op = _parse(line)
        except ValueError as err:
            if number == len(lines) and not torn:
                contents.torn = True  # the last line is garbage: a torn append too
                break
            raise JournalError(number, str(err)) from err
        if previous is not None and seq != previous + 1:
            raise JournalError(number, f"seq {seq} does not follow seq {previous}")
        previous = seq
        contents.entries.append((seq, op, line + b"\n"))
    return contents


def _parse(line: bytes) -> tuple[int, Op]:
    try:
        op = json.loads(line)
    except ValueError as err:
        raise ValueError(f"not valid JSON ({err})") from err
    seq = op.get("seq") if isinstance(op, dict) else None
    if type(seq) is not int or seq < 1:
        raise ValueError("no positive integer seq")
    return seq, check_op(op)


def read_database(path: Path, journal_path: Path) -> StateData:
    """Everything an earlier version's files hold: the snapshot, then the journal lines after
    it (a torn last line left out). StoreError naming the file (and line) if they cannot be
    read; nothing is written."""
    try:
        data, snapshot_seq = read_snapshot(path)
        state = State.from_data(data)
    except (SnapshotError, ValueError) as err:
        raise StoreError(f"{path}: cannot read the database: {err} (file left unchanged)") from err
    except OSError as err:
        raise StoreError(f"{path}: cannot read the database ({err.strerror})") from err
    try:
        contents = read_journal(journal_path)
    except JournalError as err:
        raise StoreError(f"{journal_path}: {err} (file left unchanged)") from err
    except OSError as err:
        raise StoreError(f"{journal_path}: cannot read the journal ({err.strerror})") from err
    # Lines up to the snapshot's seq are in it already; the rest must follow on without a gap.
    later = [(number, entry) for number, entry in enumerate(contents.entries, start=1)
             if entry[0] > snapshot_seq]  # fmt: skip
    if later and later[0][1][0] != snapshot_seq + 1:
        number, (seq, _, _) = later[0]
        raise StoreError(
            f"{journal_path}: line {number}: seq {seq} but {path} ends at seq {snapshot_seq}; "
            f"changes in between are missing (files left unchanged)"
        )
    try:
        for _, (_, op, _) in later:
            state.apply(op)
    except ValueError as err:
        raise StoreError(f"{journal_path}: {err} (file left unchanged)") from err
    if contents.torn:
        logger.warning("%s: leaving out an incomplete last line (never confirmed)", journal_path)
    return state.copy_data()

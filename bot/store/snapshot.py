"""The TinyDB engine's snapshot: every table as it was at one journal `seq`.

The snapshot is an ordinary TinyDB database file (stock TinyDB can read it): one TinyDB
table per engine table, whose documents are `{"key": key, "doc": document}` with ids 1, 2,
... in the order the keys were first written (registration order rests on it), and a table
`meta` holding one record `{"version": 2, "seq": S}`: the snapshot includes every journal
line up to seq S. The engine therefore keeps the table name `meta` for itself.

It is written by hand rather than through TinyDB, a few hundred documents at a time: one
`json.dumps` of half a million documents would hold the interpreter for a second, and every
request with it. Each such chunk is one line of the file:

    {
    "places":{
    "1":{"key":"s1|U1","doc":{...}},...,"500":{...},
    "501":{...},...
    },
    "meta":{"1":{"version":2,"seq":S}}
    }

so that reading can parse a chunk at a time, some 40% faster than one `json.loads` of the
whole (small dicts stay in the processor's caches): reading it is most of the time it takes
to open the engine. A file laid out otherwise (pretty-printed by hand, say) is the same JSON
and is read too, whole. The snapshot goes to a temporary file first and replaces the old
one with a rename, so a crash leaves either the old snapshot or the new one, never a mix.
"""

from __future__ import annotations

import itertools
import json
import operator
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.store.collector import collector
from bot.store.engine import Doc, StoreError
from bot.store.journal import FILE_MODE, fsync_directory, temporary_of
from bot.store.tables import Tables

VERSION = 2
META = "meta"
CHUNK = 500
"""Documents encoded in one `json.dumps` call: well under a millisecond of holding the GIL
(2,000 at a time made requests wait twice as long while a snapshot was written)."""
FREEZE_SIZE = 5_000_000
"""A snapshot of this many bytes or more (some 40,000 documents) is frozen once read (see
`bot.store.collector`)."""

Member = tuple[str, list[Any]]
"""A table of the file and its parts: its chunks as read apiece (each should be an object
of TinyDB documents), or the whole table as one part."""


class SnapshotError(ValueError):
    """The snapshot is not valid JSON or not the expected shape."""


class OldFormat(StoreError):
    """The snapshot was written by an older bot (`version` 1: tables `registrations`,
    `waitlist`, `claims`, `meta`...) and must be upgraded before this engine opens it. The
    file has not been touched."""

    def __init__(self, path: Path, version: int) -> None:
        super().__init__(
            f"{path}: written by an older version of the bot (format {version}, this one reads "
            f"{VERSION}); it must be upgraded first (file left unchanged)"
        )
        self.path = path
        self.version = version


# --- writing --------------------------------------------------------------------------------


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_snapshot(path: Path, tables: dict[str, dict[str, Doc]], seq: int) -> Path:
    """Write a snapshot of `tables` (which nobody changes meanwhile), including the journal
    up to `seq`, to a temporary file beside `path`, on disk when this returns; the caller
    puts it in place with `install`. Nothing is left behind on an error."""
    temporary = temporary_of(path)
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "wb") as file, collector.paused():
            file.write(b"{\n")
            for name, docs in tables.items():
                if docs:
                    file.write(_dumps(name).encode() + b":{\n")
                    for line in _chunks(docs):
                        file.write(line)
                    file.write(b"},\n")
            meta = {META: {"1": {"version": VERSION, "seq": seq}}}
            file.write(_dumps(meta)[1:-1].encode() + b"\n}")
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _chunks(docs: dict[str, Doc]) -> Iterator[bytes]:
    """The table's TinyDB documents, `"id":{"key":...,"doc":...}`, CHUNK to a line."""
    rows = iter(docs.items())
    done = 0
    part = list(itertools.islice(rows, CHUNK))
    while part:
        numbered = {str(n): {"key": key, "doc": doc} for n, (key, doc) in enumerate(part, done + 1)}
        done += len(part)
        part = list(itertools.islice(rows, CHUNK))
        yield _dumps(numbered)[1:-1].encode() + (b",\n" if part else b"\n")


def install(temporary: Path, path: Path) -> None:
    """Put the snapshot written by `write_snapshot` in place, durably."""
    os.replace(temporary, path)
    fsync_directory(path.parent)


# --- reading --------------------------------------------------------------------------------


def read_snapshot(path: Path) -> tuple[Tables, int]:
    """The tables in the snapshot at `path` and the last journal seq it includes.

    Only a missing file is an empty store at seq 0: anything present must be a snapshot as
    the engine writes it, else SnapshotError (an emptied database is never silently
    replaced), or OldFormat for an older bot's file. OSError if it cannot be read."""
    if not path.exists():
        return Tables(), 0
    raw = path.read_bytes()
    if not raw:
        # Never written by the engine: damage (a truncation, a mistaken `> bot.json`).
        raise SnapshotError("the file is empty")
    large = len(raw) >= FREEZE_SIZE
    if large:
        collector.before_freezing()
    with collector.paused():
        try:
            text = raw.decode()  # faster than json's own decoding (with surrogatepass)
            del raw
            members = _laid_out(text.split("\n"))
            whole = None if members is not None else _loads(text)
        except ValueError as err:  # JSONDecodeError and UnicodeDecodeError
            raise SnapshotError(f"not valid JSON ({err})") from err
        del text
        if members is None:
            members = _whole(whole)
            del whole
        seq = _meta(path, dict(members).get(META, []))
        tables = Tables()
        for name, parts in members:
            if name != META:
                _load(tables, name, parts)
        del members  # before freezing: the tables only
        if large:
            collector.freeze()
    return tables, seq


def _laid_out(lines: list[str]) -> list[Member] | None:
    """The snapshot's tables with their chunks parsed apiece, if its `lines` are laid out
    as `write_snapshot` lays them out (and are valid JSON); else None. Lines read are
    dropped from `lines` as it goes, to need less memory."""
    if len(lines) < 3 or lines[0] != "{" or lines[-1] != "}":
        return None
    members: list[Member] = []
    chunks: list[Any] | None = None  # those of the table being read
    last = len(lines) - 2
    try:
        for number in range(1, last + 1):
            line = lines[number]
            if chunks is not None and line in ("}", "},"):
                if line.endswith(",") != (number < last):
                    return None
                chunks = None
            elif chunks is not None:
                if line.endswith(",") == (lines[number + 1] in ("}", "},")):
                    return None
                chunks.append(_loads_members(line.removesuffix(",")))
                lines[number] = ""  # read
            elif line.endswith(":{"):
                name = json.loads(line[:-2])
                if not isinstance(name, str):
                    return None
                chunks = []
                members.append((name, chunks))
            else:  # a whole table on one line, such as meta
                if line.endswith(",") != (number < last):
                    return None
                members.extend((name, [table]) for name, table in _loads_members(line).items())
    except ValueError:
        return None  # read whole, which says what is wrong
    names = [name for name, _ in members]
    return members if chunks is None and len(set(names)) == len(names) else None


def _loads_members(text: str) -> dict[str, Any]:
    """The members of a JSON object written without its braces (and a trailing comma)."""
    value: dict[str, Any] = _loads("{" + text.removesuffix(",") + "}")
    return value


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=_refuse_constant)


def _whole(data: Any) -> list[Member]:
    if not isinstance(data, dict):
        raise SnapshotError(f"expected a JSON object of tables, found {type(data).__name__}")
    return [(name, [table]) for name, table in data.items()]


def _meta(path: Path, parts: list[Any]) -> int:
    meta: dict[str, Any] = {}
    for part in parts:
        if not isinstance(part, dict):
            raise SnapshotError(f"table {META!r} is {type(part).__name__}, not an object")
        meta.update(part)
    if len(meta) != 1:
        found = len(meta) if parts else "none"
        raise SnapshotError(f"expected one record in table {META!r}, found {found}")
    (record,) = meta.values()
    version = record.get("version") if isinstance(record, dict) else None
    seq = record.get("seq") if isinstance(record, dict) else None
    if version != VERSION:
        if type(version) is int and 0 < version < VERSION:
            raise OldFormat(path, version)
        raise SnapshotError(f"unsupported version {version!r} (this bot reads {VERSION})")
    if type(seq) is not int or seq < 0:
        raise SnapshotError(f"meta seq must be a non-negative integer, not {seq!r}")
    return seq


_KEY = operator.itemgetter("key")
_DOC = operator.itemgetter("doc")


def _load(tables: Tables, name: str, parts: list[Any]) -> None:
    """Load one TinyDB table into `tables`, checking its shape in C where possible."""
    ids: list[int] = []
    keys: list[str] = []
    docs: list[Doc] = []
    for part in parts:
        if not isinstance(part, dict):
            raise SnapshotError(f"table {name!r} is {type(part).__name__}, not an object")
        try:
            ids.extend(map(int, part))
            keys.extend(map(_KEY, part.values()))
            docs.extend(map(_DOC, part.values()))
        except (KeyError, TypeError, ValueError):
            raise SnapshotError(f"table {name!r}: {_malformed(part)}") from None
    if not set(map(type, keys)) <= {str} or "" in keys or not set(map(type, docs)) <= {dict}:
        raise SnapshotError(f"table {name!r}: {_malformed(*parts)}")
    if not all(map(operator.lt, ids, itertools.islice(ids, 1, None))):
        # Not in id order (a tool that sorted the file's keys?): TinyDB's order is the ids'.
        order = sorted(range(len(ids)), key=ids.__getitem__)
        keys, docs = [keys[n] for n in order], [docs[n] for n in order]
    try:
        tables.load(name, keys, docs)
    except ValueError as err:
        raise SnapshotError(f"table {name!r}: {err}") from err


def _malformed(*parts: dict[Any, Any]) -> str:
    """Which document of a table that failed the quick checks is malformed (slowly)."""
    for part in parts:
        for doc_id, row in part.items():
            if not (
                doc_id.strip().isdigit()
                and isinstance(row, dict)
                and isinstance(row.get("key"), str)
                and row["key"]
                and isinstance(row.get("doc"), dict)
            ):
                return f"document {doc_id} is not {{key, doc}}"
    return "a document is malformed"


def _refuse_constant(name: str) -> Any:
    # json.loads takes NaN and Infinity, which the engine never writes: damage, not data.
    raise ValueError(f"{name} is not JSON")

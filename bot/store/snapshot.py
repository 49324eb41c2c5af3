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
to open the engine. Each chunk goes into the tables as soon as it is parsed, while it is in
the caches: its TinyDB wrappers are dropped at once and the strings its documents repeat
are shared (`bot.store.tables.share`), which halves the memory the tables need. A file laid
out otherwise (pretty-printed by hand, say) is the same JSON and is read too, whole (as is
one whose chunks fail a check, so that the error says what is wrong). The snapshot goes to
a temporary file first and replaces the old one with a rename, so a crash leaves either
the old snapshot or the new one, never a mix.
"""

from __future__ import annotations

import itertools
import json
import operator
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from bot.store.collector import collector
from bot.store.engine import Doc, StoreError
from bot.store.journal import FILE_MODE, fsync_directory, temporary_of
from bot.store.tables import Tables, share

VERSION = 2
META = "meta"
CHUNK = 500
"""Documents encoded in one `json.dumps` call: well under a millisecond of holding the GIL
(2,000 at a time made requests wait twice as long while a snapshot was written)."""
FREEZE_SIZE = 5_000_000
"""A snapshot of this many bytes or more (some 40,000 documents) is frozen once read (see
`bot.store.collector`)."""


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
            lines = text.split("\n")
            del text  # the lines hold it, and are dropped one by one as they are read
            tables = Tables()
            meta = _laid_out(lines, tables, memo={})
            del lines
            if meta is None:
                # Laid out otherwise, or something is wrong: read whole, which says what.
                tables = Tables()
                meta = _whole(path, _loads(path.read_bytes().decode()), tables)
        except SnapshotError:
            raise
        except ValueError as err:  # JSONDecodeError and UnicodeDecodeError
            raise SnapshotError(f"not valid JSON ({err})") from err
        seq = _meta(path, meta)
        if large:
            collector.freeze()  # the tables only: what reading built is gone
    return tables, seq


def _laid_out(lines: list[str], tables: Tables, memo: dict[str, str]) -> list[Any] | None:
    """Load the snapshot's tables into the empty `tables` a chunk at a time, each as soon
    as it is parsed (see `_part`), and return the parts of its table `meta`, if its `lines`
    are laid out as `write_snapshot` lays them out (valid JSON, documents of the right shape
    in id order); else None, and `tables` is to be dropped. Lines read are dropped from
    `lines` as it goes, to need less memory."""
    if len(lines) < 3 or lines[0] != "{" or lines[-1] != "}":
        return None
    meta: list[Any] = []
    names: list[str] = []
    name: str | None = None  # of the table being read, chunk by chunk
    last_id = 0  # its last document's id so far
    last = len(lines) - 2
    try:
        for number in range(1, last + 1):
            line = lines[number]
            if name is not None and line in ("}", "},"):
                if line.endswith(",") != (number < last):
                    return None
                name = None
            elif name is not None:
                if line.endswith(",") == (lines[number + 1] in ("}", "},")):
                    return None
                chunk = _loads_members(line.removesuffix(","))
                lines[number] = ""  # read
                if name == META:
                    meta.append(chunk)
                    continue
                ids, keys, docs = _part(name, chunk, memo)
                del chunk  # the {"key", "doc"} wrappers: now, while in the caches
                if ids and (ids[0] <= last_id or not _ascending(ids)):
                    return None  # not in id order (a tool that sorted the file's keys?)
                last_id = ids[-1] if ids else last_id
                tables.extend(name, keys, docs)
            elif line.endswith(":{"):
                name = json.loads(line[:-2])
                if not isinstance(name, str):
                    return None
                names.append(name)
                last_id = 0
            else:  # a whole table on one line, such as meta
                if line.endswith(",") != (number < last):
                    return None
                for table, part in _loads_members(line).items():
                    names.append(table)
                    if table == META:
                        meta.append(part)
                    else:
                        _load(tables, table, [_part(table, part, memo)])
    except ValueError:
        return None  # read whole, which says what is wrong
    return meta if name is None and len(set(names)) == len(names) else None


def _loads_members(text: str) -> dict[str, Any]:
    """The members of a JSON object written without its braces (and a trailing comma)."""
    value: dict[str, Any] = _loads("{" + text.removesuffix(",") + "}")
    return value


def _loads(text: str) -> Any:
    """Parse JSON: orjson, about twice as fast as the standard library here (reading is
    most of the time opening takes), and like it refusing NaN and Infinity, which the
    engine never writes (damage, not data)."""
    return orjson.loads(text)


def _whole(path: Path, data: Any, tables: Tables) -> list[Any]:
    """Load the snapshot parsed whole, `data`, into the empty `tables`; return the parts of
    its table `meta`, which is checked first (an older bot's file is OldFormat, whatever
    its tables look like)."""
    if not isinstance(data, dict):
        raise SnapshotError(f"expected a JSON object of tables, found {type(data).__name__}")
    meta = [data[META]] if META in data else []
    _meta(path, meta)
    memo: dict[str, str] = {}
    for name in list(data):
        if name != META:
            _load(tables, name, [_part(name, data.pop(name), memo)])
    return meta


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

Part = tuple[list[int], list[str], list[Doc]]
"""A table's TinyDB documents (or some of them) taken apart: their ids, keys and docs."""


def _part(name: str, part: Any, memo: dict[str, str]) -> Part:
    """Take a chunk of table `name` (an object of TinyDB documents) apart, checking its
    shape in C where possible, as soon as it is parsed: its `{"key", "doc"}` wrappers and
    ids go while the chunk is still in the processor's caches, and so do the copies of the
    documents' repeated strings (see `Tables.share`). SnapshotError if it is malformed."""
    if not isinstance(part, dict):
        raise SnapshotError(f"table {name!r} is {type(part).__name__}, not an object")
    try:
        ids = list(map(int, part))
        keys = list(map(_KEY, part.values()))
        docs = list(map(_DOC, part.values()))
    except (KeyError, TypeError, ValueError):
        raise SnapshotError(f"table {name!r}: {_malformed(part)}") from None
    if not set(map(type, keys)) <= {str} or "" in keys or not set(map(type, docs)) <= {dict}:
        raise SnapshotError(f"table {name!r}: {_malformed(part)}")
    share(docs, memo)
    return ids, keys, docs


def _load(tables: Tables, name: str, parts: list[Any]) -> None:
    """Load one table, from its parts (see `_part`), into `tables`."""
    ids: list[int] = []
    keys: list[str] = []
    docs: list[Doc] = []
    for part_ids, part_keys, part_docs in parts:
        ids += part_ids
        keys += part_keys
        docs += part_docs
    if not _ascending(ids):
        # Not in id order (a tool that sorted the file's keys?): TinyDB's order is the ids'.
        order = sorted(range(len(ids)), key=ids.__getitem__)
        keys, docs = [keys[n] for n in order], [docs[n] for n in order]
    del ids
    try:
        tables.load(name, keys, docs)
    except ValueError as err:
        raise SnapshotError(f"table {name!r}: {err}") from err


def _ascending(ids: list[int]) -> bool:
    return all(map(operator.lt, ids, itertools.islice(ids, 1, None)))


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

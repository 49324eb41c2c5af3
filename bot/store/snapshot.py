"""The TinyDB engine's snapshot: every table as it was at one journal `seq`.

The snapshot is an ordinary TinyDB database file (stock TinyDB can read it): one TinyDB
table per engine table and a table `meta` holding one record `{"version": 3, "seq": S}`
(the snapshot includes every journal line up to seq S; the engine therefore keeps the
table name `meta` for itself). Each TinyDB document of an engine table is a page of up to
`CHUNK` of its documents, `{"rows": [key, doc, key, doc, ...]}`, pages numbered 1, 2, ...
and rows in the order the keys were first written (registration order rests on it).

Pages rather than one TinyDB document per engine document, because reading the snapshot is
most of the time it takes to open the engine, and a `{"key", "doc"}` wrapper and a numbered
id for each of half a million documents were a third of it (version 2, which the bots before
this one wrote, and which is still read; the next snapshot is written as version 3). Each
page is one line of the file, written and read by itself:

    {
    "places":{
    "1":{"rows":["s1|U1",{...},"s2|U1",{...},...]},
    "2":{"rows":[...]}
    },
    "meta":{"1":{"version":3,"seq":S}}
    }

Writing a page at a time holds the interpreter a fraction of a millisecond, where one
`json.dumps` of half a million documents would hold it, and every request with it, for a
second. Reading a page at a time is some 40% faster than one parse of the whole (small
objects stay in the processor's caches): each page goes into the tables as soon as it is
parsed, and the strings its documents repeat are shared (`bot.store.tables.share`), which
halves the memory the tables need. A file laid out otherwise (pretty-printed by hand, say)
is the same JSON and is read too, whole (as is one whose pages fail a check, so that the
error says what is wrong). The snapshot goes to a temporary file first and replaces the old
one with a rename, so a crash leaves either the old snapshot or the new one, never a mix.
"""

from __future__ import annotations

import itertools
import json
import operator
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from bot.store.collector import collector
from bot.store.engine import Doc, StoreError
from bot.store.journal import FILE_MODE, fsync_directory, temporary_of
from bot.store.tables import Tables, share

VERSION = 3
READS = (2, 3)
"""The versions read: 2 is version 3 with one TinyDB document per engine document."""
META = "meta"
ROWS = "rows"
CHUNK = 500
"""Documents to a page, encoded in one `json.dumps` call: well under a millisecond of holding
the GIL (2,000 at a time made requests wait twice as long while a snapshot was written)."""
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
    """The table's pages, `"n":{"rows":[key,doc,...]}`, one to a line."""
    rows = iter(docs.items())
    page = 0
    part = list(itertools.islice(rows, CHUNK))
    while part:
        page += 1
        numbered = {str(page): {ROWS: list(itertools.chain.from_iterable(part))}}
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
            tables, reading = Tables(), _Reading()
            meta = _laid_out(lines, tables, reading)
            del lines
            if meta is None:
                # Laid out otherwise, or something is wrong: read whole, which says what.
                tables, reading = Tables(), _Reading()
                meta = _whole(path, _loads(path.read_bytes().decode()), tables, reading)
        except SnapshotError:
            raise
        except ValueError as err:  # JSONDecodeError and UnicodeDecodeError
            raise SnapshotError(f"not valid JSON ({err})") from err
        seq, version = _meta(path, meta)
        reading.check(version)
        if large:
            collector.freeze()  # the tables only: what reading built is gone
    return tables, seq


@dataclass
class _Reading:
    """What reading a snapshot keeps from part to part."""

    memo: dict[str, str] = field(default_factory=dict)
    """For sharing the documents' repeated strings (see `Tables.share`)."""
    versions: set[int] = field(default_factory=set)
    """The versions the tables read were laid out as: pages (3) or one document each (2)."""

    def check(self, version: int) -> None:
        """SnapshotError unless every table read is laid out as `version` says."""
        other = self.versions - {version}
        if other:
            raise SnapshotError(
                f"meta says version {version}, but tables are laid out as version {min(other)}"
            )


def _laid_out(lines: list[str], tables: Tables, reading: _Reading) -> list[Any] | None:
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
                ids, keys, docs = _part(name, chunk, reading)
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
                        _load(tables, table, [_part(table, part, reading)])
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


def _whole(path: Path, data: Any, tables: Tables, reading: _Reading) -> list[Any]:
    """Load the snapshot parsed whole, `data`, into the empty `tables`; return the parts of
    its table `meta`, which is checked first (an older bot's file is OldFormat, whatever
    its tables look like)."""
    if not isinstance(data, dict):
        raise SnapshotError(f"expected a JSON object of tables, found {type(data).__name__}")
    meta = [data[META]] if META in data else []
    _meta(path, meta)
    for name in list(data):
        if name != META:
            _load(tables, name, [_part(name, data.pop(name), reading)])
    return meta


def _meta(path: Path, parts: list[Any]) -> tuple[int, int]:
    """The seq and version in table `meta`'s `parts`; SnapshotError (OldFormat) if wrong."""
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
    if type(version) is not int or version not in READS:
        if type(version) is int and 0 < version < min(READS):
            raise OldFormat(path, version)
        raise SnapshotError(f"unsupported version {version!r} (this bot reads {VERSION})")
    if type(seq) is not int or seq < 0:
        raise SnapshotError(f"meta seq must be a non-negative integer, not {seq!r}")
    return seq, version


_KEY = operator.itemgetter("key")
_DOC = operator.itemgetter("doc")
_ROWS = operator.itemgetter(ROWS)

Part = tuple[list[int], list[str], list[Doc]]
"""A table's TinyDB documents (or some of them) taken apart: the keys and docs they hold,
and each one's TinyDB id (its page's)."""


def _part(name: str, part: Any, reading: _Reading) -> Part:
    """Take some pages of table `name` (an object of TinyDB documents) apart, checking
    their shape in C where possible, as soon as they are parsed: the pages go while they
    are still in the processor's caches, and so do the copies of the documents' repeated
    strings (see `Tables.share`). SnapshotError if they are malformed. Version 2's
    `{"key", "doc"}` documents are taken apart the same way."""
    if not isinstance(part, dict):
        raise SnapshotError(f"table {name!r} is {type(part).__name__}, not an object")
    first = next(iter(part.values()), None)
    paged = isinstance(first, dict) and ROWS in first
    try:
        ids = list(map(int, part))
        if paged:
            pages = list(map(_ROWS, part.values()))
            if not set(map(type, pages)) <= {list} or any(len(page) % 2 for page in pages):
                raise TypeError
            rows = list(itertools.chain.from_iterable(pages))
            keys, docs = rows[0::2], rows[1::2]
            # Each row's id is its page's, so that pages are put in order as documents are.
            counts = [len(page) // 2 for page in pages]
            ids = list(itertools.chain.from_iterable(map(itertools.repeat, ids, counts)))
        else:
            keys = list(map(_KEY, part.values()))
            docs = list(map(_DOC, part.values()))
    except (KeyError, TypeError, ValueError):
        raise SnapshotError(f"table {name!r}: {_malformed(part)}") from None
    if not set(map(type, keys)) <= {str} or "" in keys or not set(map(type, docs)) <= {dict}:
        raise SnapshotError(f"table {name!r}: {_malformed(part)}")
    if part:
        reading.versions.add(3 if paged else 2)
    share(docs, reading.memo)
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
    """Whether `ids` never go down (the rows of one page share its id)."""
    return all(map(operator.le, ids, itertools.islice(ids, 1, None)))


def _malformed(part: dict[Any, Any]) -> str:
    """Which document of a table that failed the quick checks is malformed (slowly)."""
    first = next(iter(part.values()), None)
    paged = isinstance(first, dict) and ROWS in first
    for doc_id, row in part.items():
        if not doc_id.strip().isdigit():
            return f"document {doc_id!r} is not numbered"
        if paged:
            rows = row.get(ROWS) if isinstance(row, dict) else None
            if not isinstance(rows, list) or len(rows) % 2:
                return f"page {doc_id} is not {{rows: [key, doc, ...]}}"
            for n in range(0, len(rows), 2):
                if not (isinstance(rows[n], str) and rows[n] and isinstance(rows[n + 1], dict)):
                    return f"page {doc_id}: row {n // 2 + 1} is not a key and a document"
        elif not (
            isinstance(row, dict)
            and isinstance(row.get("key"), str)
            and row["key"]
            and isinstance(row.get("doc"), dict)
        ):
            return f"document {doc_id} is not {{key, doc}}"
    return "a document is malformed"

"""Tables of documents in memory, with the indexes `find` needs and the queue `claim` uses.

Shared by the in-memory and TinyDB engines; not thread-safe (the engines hold a lock).
Indexes are built the first time a table is searched by a set of fields, then kept up to
date on every write, so a lookup costs the size of its answer.
"""

from __future__ import annotations

import heapq
import itertools
import operator
from collections import Counter
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.store.engine import Doc, Scalar

Write = tuple[str, str, Doc | None]
"""One write: (table, key, the document now, or None when deleted)."""


@dataclass
class _Index:
    fields: tuple[str, ...]
    buckets: dict[tuple[Scalar, ...], dict[str, None]] = field(default_factory=dict)
    unsorted: set[tuple[Scalar, ...]] = field(default_factory=set)


@dataclass
class _Table:
    docs: dict[str, Doc] = field(default_factory=dict)  # in first-write order
    order: dict[str, int] = field(default_factory=dict)  # key -> when first written
    indexes: dict[tuple[str, ...], _Index] = field(default_factory=dict)
    later: list[tuple[datetime, int, str]] = field(default_factory=list)  # hints, by due
    ready: list[tuple[str, int, str]] = field(default_factory=list)  # hints, by rank
    leases: dict[str, tuple[str, datetime]] = field(default_factory=dict)


def _values(doc: Doc, fields: tuple[str, ...]) -> tuple[Scalar, ...] | None:
    values = []
    for name in fields:
        value = doc.get(name)
        if isinstance(value, list | dict):
            return None  # only scalars are matched
        values.append(value)
    return tuple(values)


SHARED = 1 << 16
"""The most distinct strings a memo of `share` holds before it starts afresh, by default."""
WRITE_SHARED = 4096
"""The same for the memo of documents written: what a burst of writes repeats (a
broadcast's kind, subject and times) is found in a small one, and what passes through it
(keys, recipients...) is not held for long."""


def share(docs: Iterable[Doc], memo: dict[str, str], limit: int = SHARED) -> None:
    """Make each string value of `docs` that equals one in `memo` that very string, and
    remember the others there: a registration's session, state and time, an outbox
    entry's kind and times, repeated in a hundred thousand documents, are then kept once
    instead of once a document (json.loads and `datetime.isoformat` make a new string each
    time). Only top-level values are shared; nothing visible changes (equal strings).
    The memo is emptied when it passes `limit` strings, so it stays small."""
    if len(memo) > limit:
        memo.clear()
    setdefault, type_, str_ = memo.setdefault, type, str  # locals: half a million docs
    for doc in docs:
        for name, value in doc.items():
            if type_(value) is str_:
                doc[name] = setdefault(value, value)  # the same key: the dict keeps its size


def due_of(doc: Doc) -> datetime | None:
    """When a document can be claimed, if it can; ValueError for a malformed `due`."""
    due = doc.get("due")
    if due is None:
        return None
    moment = datetime.fromisoformat(due) if isinstance(due, str) else None
    if moment is None or moment.utcoffset() is None:
        raise ValueError(f"due must be an ISO 8601 time with an offset, not {due!r}")
    return moment


def rank_of(doc: Doc) -> str:
    rank = doc.get("rank")
    return rank if isinstance(rank, str) else str(doc.get("due"))


class Tables:
    """Every table's documents."""

    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}
        self._counter = itertools.count()
        self._shared: dict[str, str] = {}  # see `share`

    def _table(self, name: str) -> _Table:
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = _Table()
        return table

    # --- reads ----------------------------------------------------------------------------

    def get(self, table: str, key: str) -> Doc | None:
        found = self._tables.get(table)
        return None if found is None else found.docs.get(key)

    def find(self, table: str, equal: dict[str, Scalar]) -> list[tuple[str, Doc]]:
        if not equal:
            found = self._tables.get(table)
            return [] if found is None else list(found.docs.items())
        # A table not written yet gets its (empty) index all the same, kept up to date from
        # its first write: so `Store.warm` prepares the outbox's indexes before it fills,
        # rather than leaving the first search of 100,000 entries to build one under the lock.
        found = self._table(table)
        return [(key, found.docs[key]) for key in self._bucket(found, equal)]

    def count(self, table: str, equal: dict[str, Scalar]) -> int:
        if not equal:
            found = self._tables.get(table)
            return 0 if found is None else len(found.docs)
        return len(self._bucket(self._table(table), equal, ordered=False))

    def count_by(
        self, table: str, field: str, equal: dict[str, Scalar], *, length: int | None = None
    ) -> dict[Scalar, int]:
        """See `Tx.count_by`. From an index on `field` and `equal`'s fields when there is
        one (the size of each of its buckets: as quick as the values are few), else from
        the documents `equal` finds, without building an index (a field with a value per
        document, such as a time, would make one as large as the table)."""
        found = self._tables.get(table)
        if found is None:
            return {}
        names = tuple(sorted({*equal, field}))
        index = found.indexes.get(names)
        if index is not None:
            at = names.index(field)
            wanted = [(names.index(name), value) for name, value in equal.items()]
            counts: dict[Scalar, int] = {}
            for values, bucket in index.buckets.items():
                value = values[at]
                if value is not None and all(values[n] == want for n, want in wanted):
                    if length is not None:
                        if not isinstance(value, str):
                            continue
                        value = value[:length]
                    counts[value] = counts.get(value, 0) + len(bucket)
            return counts
        docs: Iterable[Doc] = found.docs.values()
        if equal:
            docs = map(found.docs.__getitem__, self._bucket(found, equal, ordered=False))
        found_values = list(map(operator.methodcaller("get", field), docs))
        if length is not None:  # strings only, cut in C
            strings = [value for value in found_values if type(value) is str]
            return Counter(map(operator.getitem, strings, itertools.repeat(slice(0, length))))
        try:
            tally = Counter(found_values)
        except TypeError:  # a list or an object among them: not counted
            tally = Counter(v for v in found_values if not isinstance(v, list | dict))
        tally.pop(None, None)
        return tally

    def _bucket(
        self, table: _Table, equal: dict[str, Scalar], *, ordered: bool = True
    ) -> dict[str, None]:
        names = tuple(sorted(equal))
        index = table.indexes.get(names)
        if index is None:
            index = table.indexes[names] = _Index(names)
            for key, doc in table.docs.items():
                self._index_add(table, index, key, doc)
        wanted = tuple(equal[name] for name in names)
        bucket = index.buckets.get(wanted)
        if bucket is None:
            return {}
        if ordered and wanted in index.unsorted:
            index.buckets[wanted] = bucket = dict.fromkeys(
                sorted(bucket, key=table.order.__getitem__)
            )
            index.unsorted.discard(wanted)
        return bucket

    def names(self) -> list[str]:
        return [name for name, table in self._tables.items() if table.docs]

    def rows(self, table: str) -> Iterator[tuple[str, Doc]]:
        found = self._tables.get(table)
        return iter(()) if found is None else iter(list(found.docs.items()))

    def copy(self) -> dict[str, list[tuple[str, Doc]]]:
        """Every table's rows in order, as they are now (documents are never changed in
        place, so this shallow copy is safe to read while the tables change)."""
        return {name: list(table.docs.items()) for name, table in self._tables.items()}

    def copy_docs(self) -> dict[str, dict[str, Doc]]:
        """Every non-empty table's documents by key, in order, as they are now: like `copy`,
        but a dict copy is a block copy, some twenty times faster than a list of pairs, so
        the TinyDB engine can take one of half a million documents under its lock."""
        return {name: table.docs.copy() for name, table in self._tables.items() if table.docs}

    # --- loading --------------------------------------------------------------------------

    def load(self, table: str, keys: list[str], docs: list[Doc]) -> None:
        """Fill the empty `table` with `docs` under `keys`, in that order: what opening a
        snapshot needs, at a fraction of the cost of writing them one by one. ValueError for
        a key given twice or a malformed `due`; the tables are then half-loaded, to be
        dropped (as reading a snapshot does)."""
        found = self._table(table)
        if found.docs:
            raise ValueError(f"table {table!r} is not empty")
        self.extend(table, keys, docs)

    def extend(self, table: str, keys: list[str], docs: list[Doc]) -> None:
        """Add `docs` under `keys`, none of them in `table` yet, after its documents, like
        `load` (and with its errors): a snapshot is read a chunk at a time, each added while
        it is still in the processor's caches, much faster than adding half a million keys
        at the end."""
        if len(keys) != len(docs):
            raise ValueError(f"table {table!r}: {len(keys)} keys for {len(docs)} documents")
        found = self._table(table)
        size = len(found.docs) + len(keys)
        start = next(self._counter)
        # Only documents with a `due` field (the outbox's) need a hint; find them in C.
        dated = itertools.compress(
            range(len(docs)), map(operator.contains, docs, itertools.repeat("due"))
        )
        later: list[tuple[datetime, int, str]] = []
        for number in dated:
            due = due_of(docs[number])
            if due is not None:
                later.append((due, start + number, keys[number]))
        found.docs.update(zip(keys, docs, strict=True))
        found.order.update(zip(keys, range(start, start + len(keys)), strict=True))
        self._counter = itertools.count(start + len(keys))
        if len(found.docs) != size:
            raise ValueError(f"table {table!r} holds a key twice")
        for index in found.indexes.values():
            for key, doc in zip(keys, docs, strict=True):
                self._index_add(found, index, key, doc)
        if found.later:
            for hint in later:
                heapq.heappush(found.later, hint)
        else:
            found.later = sorted(later)  # a sorted list is a heap

    # --- writes ---------------------------------------------------------------------------

    def write(self, table: str, key: str, doc: Doc | None) -> Doc | None:
        """Put (`doc`) or delete (None) and return the document there before."""
        found = self._table(table)
        old = found.docs.get(key)
        if old is not None:
            for index in found.indexes.values():
                self._index_remove(index, key, old)
        found.leases.pop(key, None)
        if doc is None:
            if old is not None:
                del found.docs[key]
                del found.order[key]
            return old
        if old is None:
            found.order[key] = next(self._counter)
        share((doc,), self._shared, WRITE_SHARED)
        found.docs[key] = doc
        for index in found.indexes.values():
            self._index_add(found, index, key, doc)
        due = due_of(doc)
        if due is not None:
            heapq.heappush(found.later, (due, found.order[key], key))
        return old

    def restore(self, table: str, key: str, doc: Doc | None, order: int | None) -> None:
        """Undo a write: put back `doc` (None: nothing) at its old place in the order."""
        self.write(table, key, None)
        if doc is None:
            return
        found = self._table(table)
        if order is None or (found.order and max(found.order.values()) < order):
            self.write(table, key, doc)  # it was last: writing it again puts it last
            if order is not None:
                self._reorder(found, key, order, doc)
            return
        self.write(table, key, doc)
        self._reorder(found, key, order, doc)
        found.docs = dict(sorted(found.docs.items(), key=lambda kv: found.order[kv[0]]))

    @staticmethod
    def _reorder(found: _Table, key: str, order: int, doc: Doc) -> None:
        found.order[key] = order
        for index in found.indexes.values():
            values = _values(doc, index.fields)
            if values is not None:
                index.unsorted.add(values)
        due = due_of(doc)
        if due is not None:
            heapq.heappush(found.later, (due, order, key))

    def order_of(self, table: str, key: str) -> int | None:
        found = self._tables.get(table)
        return None if found is None else found.order.get(key)

    def _index_add(self, table: _Table, index: _Index, key: str, doc: Doc) -> None:
        values = _values(doc, index.fields)
        if values is None:
            return
        bucket = index.buckets.setdefault(values, {})
        if bucket and table.order[next(reversed(bucket))] > table.order[key]:
            index.unsorted.add(values)
        bucket[key] = None

    @staticmethod
    def _index_remove(index: _Index, key: str, doc: Doc) -> None:
        values = _values(doc, index.fields)
        if values is None:
            return
        bucket = index.buckets[values]
        del bucket[key]
        if not bucket:
            del index.buckets[values]
            index.unsorted.discard(values)

    # --- claims ---------------------------------------------------------------------------

    def claim(
        self,
        table: str,
        owner: str,
        now: datetime,
        lease: float,
        limit: int,
        hold: Container[str] = (),
    ) -> list[tuple[str, Doc]]:
        """Claim due documents (see `Engine.claim`). Keys in `hold` are not handed out now
        but keep their place: the TinyDB engine holds back what is not yet on disk."""
        found = self._tables.get(table)
        if found is None or limit < 1:
            return []
        while found.later and found.later[0][0] <= now:
            _, order, key = heapq.heappop(found.later)
            doc = found.docs.get(key)
            if doc is not None and found.order[key] == order:
                heapq.heappush(found.ready, (rank_of(doc), order, key))
        claimed: list[tuple[str, Doc]] = []
        kept: list[tuple[str, int, str]] = []
        until = now + timedelta(seconds=lease)
        while found.ready and len(claimed) < limit:
            rank, order, key = heapq.heappop(found.ready)
            doc = found.docs.get(key)
            if doc is None or found.order[key] != order or rank_of(doc) != rank:
                continue  # deleted, or written again since (its new hint is elsewhere)
            if key in hold:
                kept.append((rank, order, key))
                continue
            due = due_of(doc)
            if due is None or due > now:
                continue
            held = found.leases.get(key)
            if held is not None and held[1] > now:
                continue  # claimed: a hint at its lease's end brings it back
            found.leases[key] = (owner, until)
            heapq.heappush(found.later, (until, order, key))
            claimed.append((key, doc))
        for hint in kept:
            heapq.heappush(found.ready, hint)
        return claimed

"""The engine in memory: `Tables` behind one lock, one transaction at a time.

`MemoryEngine` keeps everything in memory only (the offline console and tests). The TinyDB
engine (`bot.store.tinydb`) is this one plus a journal: it overrides `_commit` to make each
transaction's writes durable before the caller hears of them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime

from bot.store.engine import Doc, Engine, Scalar, StoreError, T, Tx
from bot.store.tables import Tables, Write, due_of


class LocalTx(Tx):
    """A transaction on `Tables`, applied as it goes and undone on failure."""

    def __init__(self, tables: Tables, *, writable: bool) -> None:
        self._tables = tables
        self._writable = writable
        self.writes: list[Write] = []
        self.scrubbed = False
        self._undo: list[tuple[str, str, Doc | None, int | None]] = []

    def tables(self) -> list[str]:
        return sorted(self._tables.names())

    def get(self, table: str, key: str) -> Doc | None:
        return self._tables.get(table, key)

    def find(self, table: str, **equal: Scalar) -> list[tuple[str, Doc]]:
        return self._tables.find(table, equal)

    def count(self, table: str, **equal: Scalar) -> int:
        return self._tables.count(table, equal)

    def count_by(
        self, table: str, field: str, *, length: int | None = None, **equal: Scalar
    ) -> dict[Scalar, int]:
        return self._tables.count_by(table, field, equal, length=length)

    def put(self, table: str, key: str, doc: Doc) -> None:
        self._write(table, key, check_doc(doc))

    def add(self, table: str, key: str, doc: Doc) -> bool:
        if self._tables.get(table, key) is not None:
            return False
        self._write(table, key, check_doc(doc))
        return True

    def delete(self, table: str, key: str) -> bool:
        if self._tables.get(table, key) is None:
            return False
        self._write(table, key, None)
        return True

    def lock(self, name: str) -> None:
        """One transaction runs at a time: nothing to do."""

    def scrub(self) -> None:
        self.scrubbed = True

    def _write(self, table: str, key: str, doc: Doc | None) -> None:
        if not self._writable:
            raise RuntimeError("a read cannot write")
        if not table or not isinstance(key, str) or not key:
            raise ValueError("a table name and a key are non-empty strings")
        order = self._tables.order_of(table, key)
        old = self._tables.write(table, key, doc)
        self._undo.append((table, key, old, order))
        self.writes.append((table, key, doc))

    def rollback(self) -> None:
        """Undo every write of this transaction, last first."""
        for table, key, old, order in reversed(self._undo):
            self._tables.restore(table, key, old, order)
        self._undo.clear()
        self.writes.clear()


def check_doc(doc: Doc) -> Doc:
    """`doc` if it is a JSON object with a well-formed `due`, else ValueError."""
    if not isinstance(doc, dict):
        raise ValueError(f"a document is a JSON object, not {type(doc).__name__}")
    try:
        json.dumps(doc, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"a document must be plain JSON: {err}") from err
    due_of(doc)
    return doc


class MemoryEngine(Engine):
    """Tables in memory behind one lock; a change is as durable as it gets on return."""

    def __init__(self, tables: Tables | None = None) -> None:
        self._lock = threading.RLock()
        self._tables = tables if tables is not None else Tables()
        self._woken = threading.Condition(self._lock)
        self._signalled: set[str] = set()
        self._closed = False

    def transaction(self, work: Callable[[Tx], T]) -> T:
        with self._lock:
            self._check_usable()
            tx = LocalTx(self._tables, writable=True)
            try:
                result = work(tx)
            except BaseException:
                tx.rollback()
                raise
            self._commit(tx)
            self._signal(tx.writes)
            return result

    def read(self, work: Callable[[Tx], T]) -> T:
        with self._lock:
            self._check_usable()
            return work(LocalTx(self._tables, writable=False))

    def claim(
        self, table: str, *, owner: str, now: datetime, lease: float, limit: int
    ) -> list[tuple[str, Doc]]:
        with self._lock:
            self._check_usable()
            return self._tables.claim(table, owner, now, lease, limit)

    def wait(self, table: str, timeout: float) -> None:
        with self._lock:
            if table not in self._signalled and not self._closed:
                self._woken.wait(timeout)
            self._signalled.discard(table)

    def problem(self) -> str | None:
        return "the store is closed" if self._closed else None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._woken.notify_all()

    # --- for the durable engine -----------------------------------------------------------

    def _check_usable(self) -> None:
        """Raise StoreError if the engine can no longer be used; under the lock."""
        if self._closed:
            raise StoreError("the store is closed")

    def _commit(self, tx: LocalTx) -> None:
        """Make `tx.writes` durable, under the lock; on failure undo them and raise
        StoreError. In memory: nothing to do."""

    def _signal(self, writes: list[Write]) -> None:
        tables = {table for table, _, doc in writes if doc is not None and "due" in doc}
        if tables:
            self._signalled |= tables
            self._woken.notify_all()

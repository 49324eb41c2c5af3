"""The storage engine: keyed JSON documents in named tables, and nothing else.

The engine knows nothing of sessions, broadcasts or people. Each feature owns its records:
which tables it uses, what its documents hold, and the rules for changing them, written as
functions over a `Tx` (see for example `bot.registrations.records`). A new table needs no
change here: a table exists once a document is written to it.

Two kinds of call:

- `transaction(work)` runs `work(tx)` as one atomic step and returns its result once the
  step is durable: a decision (who gets the last place) and the outbox entries it causes are
  written together or not at all. An exception inside `work` undoes everything it wrote.
- `read(work)` runs `work(tx)` on a consistent view without writing (writes raise).

Documents are JSON objects (str, int, float, bool, None, lists, objects). The engine copies
nothing a caller could change behind its back: treat every document given or returned as
read-only, and `put` a new one to change it.

Order: `find` returns documents in the order their keys were first written (a `put` on an
existing key keeps its place; `delete` then `add` puts it last). Registration order and
waitlist order rest on this.

Claiming (the outbox's workers, on any number of processes): a document with a `due` field
(an ISO 8601 time with an offset) can be claimed once that moment has come. `claim` hands
out due documents in order of their `rank` field (a string; the `due` time when absent),
each to one claimer for `lease` seconds; a document that is written again (`put`, `delete`)
is no longer claimed. Documents claimed by a process that died are claimable again after
their lease.

Implementations: `MemoryEngine` (tests, the console), `TinyDBEngine` (the default, one
process, files), `PostgresEngine` (several processes on one database). One contract test
suite runs against each (`tests/store/test_engine_contract.py`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

Doc = dict[str, Any]
"""A JSON object."""
Scalar = str | int | bool | None
"""What `find` and `count` can match a field against."""

T = TypeVar("T")


class StoreError(Exception):
    """The store cannot be opened or used now; the message names it and says why. A change
    refused with StoreError was not kept, not any part of it."""


class Tx(ABC):
    """One transaction's view of the tables."""

    @abstractmethod
    def tables(self) -> list[str]:
        """The names of the tables that hold documents (for copying a whole store)."""

    @abstractmethod
    def get(self, table: str, key: str) -> Doc | None:
        """The document under `key`, if any."""

    @abstractmethod
    def find(self, table: str, **equal: Scalar) -> list[tuple[str, Doc]]:
        """(key, document) for every document whose fields equal those given (every
        document when none are), in the order their keys were first written."""

    @abstractmethod
    def count(self, table: str, **equal: Scalar) -> int:
        """How many documents `find` would return."""

    @abstractmethod
    def count_by(
        self, table: str, field: str, *, length: int | None = None, **equal: Scalar
    ) -> dict[Scalar, int]:
        """Of the documents `find` would return, how many hold each value of `field` (a
        string, number or boolean; documents without it, or with null, a list or an object
        there, are not counted): one read however many values there are. With `length`,
        only strings are counted, by their first `length` characters (times by the hour,
        say). A field holds values of one type across a table (an engine in memory counts
        `1` and `True` as one value); `length` cannot be a field of `equal`."""

    @abstractmethod
    def put(self, table: str, key: str, doc: Doc) -> None:
        """Create or replace the document under `key`."""

    @abstractmethod
    def add(self, table: str, key: str, doc: Doc) -> bool:
        """Create the document under `key`; False, writing nothing, if the key is taken (the
        database itself refuses a second one)."""

    @abstractmethod
    def delete(self, table: str, key: str) -> bool:
        """Delete the document under `key`; False if there was none."""

    @abstractmethod
    def lock(self, name: str) -> None:
        """Hold the lock `name` until the transaction ends, so that decisions about one thing
        (the places of one session) are taken one at a time, whichever process takes them.
        Engines that run one transaction at a time need do nothing."""

    def scrub(self) -> None:
        """Ask that no earlier copy of what this transaction deletes or replaces stays on disk
        for long (a person asked to be forgotten): the TinyDB engine then rewrites its files
        soon after. Engines that keep no history need do nothing."""
        return None


class Engine(ABC):
    """Tables of documents, changed in durable transactions. Safe to use from many threads."""

    @abstractmethod
    def transaction(self, work: Callable[[Tx], T]) -> T:
        """Run `work` as one atomic, durable step and return what it returns. `work` may be
        run again (after a conflict with another process), so it must not act outside the
        transaction. StoreError if the change cannot be kept."""

    @abstractmethod
    def read(self, work: Callable[[Tx], T]) -> T:
        """Run `work` on a consistent view; it must not write. StoreError if the store
        cannot be read."""

    @abstractmethod
    def claim(
        self, table: str, *, owner: str, now: datetime, lease: float, limit: int
    ) -> list[tuple[str, Doc]]:
        """Up to `limit` documents of `table` due at `now` and not claimed by anyone else,
        by `rank`; each is claimed by `owner` for `lease` seconds."""

    @abstractmethod
    def wait(self, table: str, timeout: float) -> None:
        """Return when a document of `table` with a `due` field may have been written since
        the last call, or after `timeout` seconds."""

    @abstractmethod
    def problem(self) -> str | None:
        """Why changes cannot be kept now (a full disk, a database that does not answer), or
        None. For the health check."""

    @abstractmethod
    def close(self) -> None:
        """Finish pending writes and release files and connections."""

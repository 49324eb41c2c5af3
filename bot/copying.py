"""`python -m bot copy-store --from A --to B`: move an event from one engine to another (a
TinyDB file and a PostgreSQL database, either way), everything in it: registrations,
waitlists, the outbox and its history, broadcasts, feedback, calendar tokens and choices.

The copy is every table read in one transaction of the source and written, in the same
order (registration and waitlist order rest on it), into an empty target, a few thousand
documents per transaction; then every table's count is compared. Both stores must be free:
stop the bot first (a TinyDB file is locked while a bot uses it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.records import Store, TinyDBStore
from bot.store.engine import Doc, Engine, StoreError

CHUNK = 5_000


class CopyError(Exception):
    """The copy could not be made or does not match; the message says why."""


def copy_all(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every table of `source` into the empty `target`; the documents per table."""
    tables: dict[str, list[tuple[str, Doc]]] = source.read(
        lambda tx: {name: tx.find(name) for name in tx.tables()}
    )
    if target.read(lambda tx: tx.tables()):
        raise CopyError("the target already holds data: copy into an empty database")
    rows = [(name, key, doc) for name, docs in tables.items() for key, doc in docs]
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        target.transaction(lambda tx, part=part: [tx.add(n, k, d) for n, k, d in part])  # type: ignore[misc]
    expected = {name: len(docs) for name, docs in tables.items()}
    found = target.read(lambda tx: {name: tx.count(name) for name in tx.tables()})
    if found != {name: n for name, n in expected.items() if n}:
        raise CopyError(f"the copy does not match: expected {expected}, found {found}")
    return expected


def open_either(where: str) -> Store:
    """A store at a path (TinyDB) or a postgresql:// URL."""
    if where.startswith(("postgresql://", "postgres://")):
        from bot.store.postgres import PostgresEngine

        return Store(PostgresEngine(where))
    return TinyDBStore(Path(where))


def add_copy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", required=True,
                        help="a database file (TinyDB) or a postgresql:// URL")  # fmt: skip
    parser.add_argument("--to", dest="target", required=True,
                        help="an empty database: a new file, or a postgresql:// URL")  # fmt: skip


def run_copy(args: argparse.Namespace) -> int:
    """Copy `args.source` into `args.target`; 0 when done and verified, 1 if not."""
    try:
        source = open_either(args.source)
    except StoreError as error:
        print(f"Cannot open the source: {error}", file=sys.stderr)
        return 1
    try:
        target = open_either(args.target)
    except StoreError as error:
        source.close()
        print(f"Cannot open the target: {error}", file=sys.stderr)
        return 1
    try:
        counts = copy_all(source.engine, target.engine)
    except (CopyError, StoreError) as error:
        print(f"Not copied: {error}", file=sys.stderr)
        return 1
    finally:
        source.close()
        target.close()
    listed = ", ".join(f"{name} {n:,}" for name, n in sorted(counts.items())) or "nothing"
    print(f"Copied and checked: {listed}.")
    return 0

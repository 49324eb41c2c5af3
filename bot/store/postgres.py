"""The engine on PostgreSQL, for several processes (replicas of the bot) on one database.

Every table's documents are rows of one SQL table (`postgres_schema`). A transaction is one
database transaction at READ COMMITTED: each statement sees what others committed before it,
so a decision taken under `Tx.lock` (an advisory lock, held until commit) sees every earlier
decision about the same thing, whichever process took it. `add` is `INSERT ... ON CONFLICT
DO NOTHING`: the database, not a check before it, refuses a second document under one key.
A transaction that loses a race the database detects (a deadlock, a serialization failure)
is run again, a few times.

Claims lock the rows they hand out (`FOR UPDATE SKIP LOCKED`) and write the lease into them
in the same transaction, so claimers on any number of processes never get the same document.

When the database stops answering, every call raises StoreError saying so (never a driver's
error) and `problem()` says why; the pool reconnects by itself once it answers again.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from bot.store.engine import Doc, Engine, Scalar, StoreError, T, Tx
from bot.store.memory import check_doc
from bot.store.postgres_schema import (
    CHANNEL,
    connect,
    first_line,
    migrate,
    parse_url,
    refusal,
    seconds,
)
from bot.store.tables import due_of, rank_of

ATTEMPTS = 5
"""How many times a transaction is tried when it loses a race or finds its connection lost
before committing."""
POLL = 0.25
"""How long `wait` sleeps at most while it cannot hear other processes' commits."""

_RACES = (
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
    psycopg.errors.UniqueViolation,
)
_BEGIN_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
# A read sees one snapshot throughout (a read-only transaction never fails to serialize).
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
_PUT = """INSERT INTO bot_documents (tbl, key, doc, due, rank) VALUES (%s, %s, %s, %s, %s)
    ON CONFLICT (tbl, key) DO UPDATE SET doc = excluded.doc, due = excluded.due,
    rank = excluded.rank, lease_owner = NULL, lease_until = NULL"""
_ADD = """INSERT INTO bot_documents (tbl, key, doc, due, rank) VALUES (%s, %s, %s, %s, %s)
    ON CONFLICT (tbl, key) DO NOTHING RETURNING 1"""
_CLAIM = """WITH ready AS (
        SELECT tbl, key FROM bot_documents
        WHERE tbl = %(table)s AND due IS NOT NULL AND due <= %(now)s
            AND (lease_until IS NULL OR lease_until <= %(now)s)
        ORDER BY rank, seq LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
    UPDATE bot_documents AS d SET lease_owner = %(owner)s, lease_until = %(until)s
    FROM ready WHERE d.tbl = ready.tbl AND d.key = ready.key
    RETURNING d.rank, d.seq, d.key, d.doc"""


class PostgresTx(Tx):
    """A transaction on one connection; every call is a statement of it."""

    def __init__(self, conn: psycopg.Connection, *, writable: bool) -> None:
        self._conn = conn
        self._writable = writable
        self.due_tables: set[str] = set()
        """Tables written a document with a `due` field: NOTIFY names them at commit."""

    def tables(self) -> list[str]:
        rows = self._conn.execute("SELECT DISTINCT tbl FROM bot_documents ORDER BY tbl")
        return [name for (name,) in rows.fetchall()]

    def get(self, table: str, key: str) -> Doc | None:
        row = self._conn.execute(
            "SELECT doc FROM bot_documents WHERE tbl = %s AND key = %s", (table, key)
        ).fetchone()
        return None if row is None else row[0]

    def find(self, table: str, **equal: Scalar) -> list[tuple[str, Doc]]:
        where, params = _where(table, equal)
        rows = self._conn.execute(
            f"SELECT key, doc FROM bot_documents WHERE {where} ORDER BY seq", params
        ).fetchall()
        return [(key, doc) for key, doc in rows]

    def count(self, table: str, **equal: Scalar) -> int:
        where, params = _where(table, equal)
        row = self._conn.execute(
            f"SELECT count(*) FROM bot_documents WHERE {where}", params
        ).fetchone()
        return 0 if row is None else int(row[0])

    def count_by(
        self, table: str, field: str, *, length: int | None = None, **equal: Scalar
    ) -> dict[Scalar, int]:
        where, params = _where(table, equal)
        if length is not None:
            rows = self._conn.execute(
                f"SELECT left(doc ->> %s, %s), count(*) FROM bot_documents WHERE {where}"
                " AND jsonb_typeof(doc -> %s) = 'string' GROUP BY 1",
                [field, length, *params, field],
            ).fetchall()
        else:
            rows = self._conn.execute(
                f"SELECT doc -> %s, count(*) FROM bot_documents WHERE {where}"
                " AND jsonb_typeof(doc -> %s) IN ('string', 'number', 'boolean') GROUP BY 1",
                [field, *params, field],
            ).fetchall()
        return {value: int(count) for value, count in rows}

    def put(self, table: str, key: str, doc: Doc) -> None:
        self._conn.execute(_PUT, self._row(table, key, doc))

    def add(self, table: str, key: str, doc: Doc) -> bool:
        return self._conn.execute(_ADD, self._row(table, key, doc)).fetchone() is not None

    def delete(self, table: str, key: str) -> bool:
        self._check_writable(table, key)
        deleted = self._conn.execute(
            "DELETE FROM bot_documents WHERE tbl = %s AND key = %s RETURNING 1", (table, key)
        )
        return deleted.fetchone() is not None

    def lock(self, name: str) -> None:
        """An advisory lock on the name's 64-bit hash, released at commit or rollback."""
        self._conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (name,))

    def scrub(self) -> None:
        """Nothing to ask: autovacuum clears the old versions of rows soon after."""

    def claim(
        self, table: str, owner: str, now: datetime, until: datetime, limit: int
    ) -> list[tuple[str, Doc]]:
        """What `Engine.claim` hands out, claimed in this transaction."""
        rows = self._conn.execute(
            _CLAIM,
            {"table": table, "now": now, "limit": limit, "owner": owner, "until": until},
        ).fetchall()
        return [(key, doc) for _, _, key, doc in sorted(rows, key=lambda row: row[:2])]

    def notify(self) -> None:
        """Tell every process listening, once this commits, which tables got due work."""
        if self.due_tables:
            self._conn.execute(
                "SELECT pg_notify(%s, t) FROM unnest(%s::text[]) AS t",
                (CHANNEL, sorted(self.due_tables)),
            )

    def _row(self, table: str, key: str, doc: Doc) -> tuple[object, ...]:
        self._check_writable(table, key)
        check_doc(doc)
        _check_storable(doc)
        due = due_of(doc)
        if "due" in doc:
            self.due_tables.add(table)
        return (table, key, Jsonb(doc), due, None if due is None else rank_of(doc))

    def _check_writable(self, table: str, key: str) -> None:
        if not self._writable:
            raise RuntimeError("a read cannot write")
        if not table or not isinstance(table, str) or not isinstance(key, str) or not key:
            raise ValueError("a table name and a key are non-empty strings")


def _where(table: str, equal: dict[str, Scalar]) -> tuple[str, list[object]]:
    """The WHERE clause matching `equal` as the memory engine does: a field given None
    matches a document without it; a list or an object never equals a scalar."""
    clauses: list[str] = ["tbl = %s"]
    params: list[object] = [table]
    given = {name: value for name, value in equal.items() if value is not None}
    if given:
        clauses.append("doc @> %s")
        params.append(Jsonb(given))
    for name, value in equal.items():
        if value is None:
            clauses.append("coalesce(doc -> %s, 'null'::jsonb) = 'null'::jsonb")
            params.append(name)
    return " AND ".join(clauses), params


def _check_storable(value: Any) -> None:
    """ValueError for what plain JSON allows but PostgreSQL's jsonb refuses: the NUL
    character, and halves of surrogate pairs, in any string."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a document's text cannot hold the NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ValueError(f"a document's text must be valid Unicode: {err}") from None
    elif isinstance(value, dict):
        for name, item in value.items():
            _check_storable(name)
            _check_storable(item)
    elif isinstance(value, list):
        for item in value:
            _check_storable(item)


def _bounded(statement_timeout: float | None) -> dict[str, object]:
    """libpq settings that drop a connection whose server stops acknowledging (a cut
    network) after about `statement_timeout` (the server's own limit is set on each new
    connection: `_limit`)."""
    if statement_timeout is None:
        return {}
    millis = max(1, round(statement_timeout * 1000))
    return {
        "keepalives": 1,
        "keepalives_idle": max(1, round(statement_timeout)),
        "keepalives_interval": 1,
        "keepalives_count": 3,
        "tcp_user_timeout": millis + 1000,
    }


def _limit(statement_timeout: float) -> Callable[[psycopg.Connection], None]:
    """Set on each new connection: the server cancels any statement that runs longer than
    `statement_timeout` (waiting for a lock included). Set with SQL, not in the URL's
    `options`, which are the operator's."""
    millis = max(1, round(statement_timeout * 1000))

    def configure(conn: psycopg.Connection) -> None:
        conn.execute(f"SET statement_timeout = {millis}")

    return configure


class _Attempt:
    """How one try of a transaction ended: a change whose connection was lost before it
    committed was not kept, and is tried again; one lost while committing may have been
    kept, and is not."""

    committing = False
    lost = False


class PostgresEngine(Engine):
    """Documents in a PostgreSQL database, through a pool of connections. Opening it
    checks that the database answers (StoreError within about `connect_timeout` seconds if
    not) and migrates the schema. With `statement_timeout` (seconds), no statement runs
    longer, a lock included (a transaction another process left open, a database that is
    stuck), and a connection whose server stops answering is dropped after about as long:
    the call fails with StoreError instead of holding its thread (the bot's request)."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 8,
        connect_timeout: float = 5.0,
        statement_timeout: float | None = None,
    ) -> None:
        self._address = parse_url(url)
        self._timeout = connect_timeout
        self._problem: str | None = None
        self._next_probe = 0.0
        self._closed = False
        conn = connect(self._address, connect_timeout)
        try:
            migrate(conn, self._address)
        except psycopg.Error as err:
            raise StoreError(refusal(self._address, err, connect_timeout)) from None
        finally:
            conn.close()
        self._pool: ConnectionPool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={
                "autocommit": True,
                "connect_timeout": seconds(connect_timeout),
                **_bounded(statement_timeout),
            },  # fmt: skip
            timeout=connect_timeout,
            # Give up reconnecting soon: the next call asks again at once, so the pool never
            # sleeps through the database's return on a long backoff.
            reconnect_timeout=max(connect_timeout, 2.0),
            # Each connection is checked as it is taken (one empty round trip): after the
            # database restarts, a connection it dropped is replaced there, rather than
            # failing the work given to it (and the health check after the return with it).
            check=ConnectionPool.check_connection,
            configure=None if statement_timeout is None else _limit(statement_timeout),
            name=f"bot-store {self._address.name}",
            open=True,
        )
        self._listener = _Listener(lambda: connect(self._address, connect_timeout))

    # --- the contract ---------------------------------------------------------------------

    def transaction(self, work: Callable[[Tx], T]) -> T:
        return self._run(work, writable=True)

    def read(self, work: Callable[[Tx], T]) -> T:
        return self._run(work, writable=False)

    def claim(
        self, table: str, *, owner: str, now: datetime, lease: float, limit: int
    ) -> list[tuple[str, Doc]]:
        if now.utcoffset() is None:
            raise ValueError("now must say its offset from UTC (an aware datetime)")
        if limit < 1:
            self._check_open()
            return []
        until = now + timedelta(seconds=lease)
        return self._run(lambda tx: tx.claim(table, owner, now, until, limit), writable=True)

    def wait(self, table: str, timeout: float) -> None:
        self._listener.wait(table, timeout)

    def problem(self) -> str | None:
        """Why the store cannot be used, or None. Once a call has failed, this asks the
        database again (at most once a second), so it clears by itself when it answers."""
        if self._closed:
            return f"the store is closed (PostgreSQL at {self._address.name})"
        if self._problem is not None and time.monotonic() >= self._next_probe:
            self._next_probe = time.monotonic() + 1.0
            with contextlib.suppress(StoreError):
                self._run(lambda tx: None, writable=False, wait=min(1.0, self._timeout))
        return self._problem

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._listener.close()
        self._pool.close(timeout=5.0)

    # --- running a transaction ------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store is closed (PostgreSQL at {self._address.name})")

    def _run(self, work: Callable[[PostgresTx], T], *, writable: bool, wait: float = 0) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            self._check_open()
            stage = _Attempt()
            try:
                result, tx = self._once(work, writable, stage, wait or self._timeout)
            except _RACES:
                if attempt == ATTEMPTS:
                    raise StoreError(
                        f"PostgreSQL at {self._address.name}: the change lost {ATTEMPTS} races"
                        " with other processes in a row; try again"
                    ) from None
                time.sleep(random.uniform(0, 0.005 * 2**attempt))
                continue
            except PoolClosed:
                raise StoreError(
                    f"the store is closed (PostgreSQL at {self._address.name})"
                ) from None
            except PoolTimeout:
                raise StoreError(self._fail(self._why_no_connection(wait))) from None
            except psycopg.OperationalError as err:
                if not stage.lost:
                    raise self._refused(err) from err
                lost = refusal(self._address, err, self._timeout)
                self._pool.check()  # every other idle connection is likely gone too
                if stage.committing:
                    raise StoreError(
                        self._fail(lost) + ": the last change may or may not have been kept"
                    ) from None
                if attempt == ATTEMPTS:
                    raise StoreError(self._fail(lost)) from None
                continue
            except psycopg.Error as err:
                raise self._refused(err) from err
            self._problem = None
            self._listener.signal(tx.due_tables)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self,
        work: Callable[[PostgresTx], T],
        writable: bool,
        stage: _Attempt,
        wait: float,
    ) -> tuple[T, PostgresTx]:
        conn = self._pool.getconn(timeout=wait)
        try:
            tx = PostgresTx(conn, writable=writable)
            conn.execute(_BEGIN_WRITE if writable else _BEGIN_READ)
            try:
                result = work(tx)
                tx.notify()
            except BaseException:
                if not conn.closed:
                    with contextlib.suppress(psycopg.Error):
                        conn.execute("ROLLBACK")
                raise
            stage.committing = True
            conn.execute("COMMIT")
            return result, tx
        finally:
            stage.lost = conn.closed
            self._pool.putconn(conn)

    def _why_no_connection(self, waited: float) -> str:
        """Why the pool had no connection: ask the database directly (a refusal comes at
        once), so the message says what is wrong, not only that we waited."""
        try:
            connect(self._address, min(self._timeout, 2.0)).close()
        except StoreError as err:
            return str(err)
        return (
            f"PostgreSQL at {self._address.name} does not answer (no connection free within"
            f" {waited or self._timeout:g} s)"
        )

    def _refused(self, err: psycopg.Error) -> StoreError:
        """A request the database answered with an error (not a lost connection): a bug
        or a limit, so the driver's error stays attached as the cause."""
        return StoreError(
            f"PostgreSQL at {self._address.name} refused the request"
            f" ({first_line(err, self._address)})"
        )

    def _fail(self, reason: str) -> str:
        self._problem = reason
        return reason


class _Listener:
    """Hears other processes' commits (LISTEN on `CHANNEL`) on a connection of its own,
    in a thread started by the first `wait`. While it cannot listen (the database is
    down), `wait` returns every `POLL` seconds, so nothing waits long unheard."""

    def __init__(self, connect: Callable[[], psycopg.Connection]) -> None:
        self._connect = connect
        self._cond = threading.Condition()
        self._signalled: set[str] = set()
        self._known: set[str] = set()
        self._listening = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def signal(self, tables: Iterable[str]) -> None:
        """Wake the waiters on `tables`."""
        tables = set(tables)
        if tables:
            with self._cond:
                self._signalled |= tables
                self._cond.notify_all()

    def wait(self, table: str, timeout: float) -> None:
        with self._cond:
            self._known.add(table)
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._listen, name="bot-store-listener", daemon=True
                )
                self._thread.start()
            if table not in self._signalled and not self._closed:
                self._cond.wait(timeout if self._listening else min(timeout, POLL))
            self._signalled.discard(table)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    def _listen(self) -> None:
        delay = 0.05
        while not self._closed:
            try:
                conn = self._connect()
            except StoreError:
                with self._cond:
                    self._cond.wait(delay)  # close() wakes it
                delay = min(delay * 2, 1.0)
                continue
            delay = 0.05
            try:
                with conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    with self._cond:
                        # Anything may have been written while nobody listened.
                        self._listening = True
                        self._signalled |= self._known
                        self._cond.notify_all()
                    while not self._closed:
                        for note in conn.notifies(timeout=POLL):
                            self.signal([note.payload])
            except psycopg.Error:
                pass  # lost: connect again
            finally:
                with self._cond:
                    self._listening = False
                    self._cond.notify_all()

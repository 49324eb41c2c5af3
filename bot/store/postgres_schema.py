"""Opening a PostgreSQL database for `PostgresEngine`: its address (named without the
password), why a connection failed (said plainly, for the health check and the logs), and
the schema, brought up to date once however many processes start together.

The schema is one SQL table for every table of documents, `bot_documents`, so a feature's
new table needs no change here. Each document's `due` and `rank` are copied into columns on
every write, so claims are an indexed query; `find` and `count` match fields with the JSON
containment operator (`doc @> '{"session": "s1"}'`), which one GIN index serves for every
table and every set of fields.

Migrations are plain SQL in `MIGRATIONS`, applied in order and recorded in
`bot_schema_version`, while holding an advisory lock: processes that start together wait
for the first to finish, then find nothing left to do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bot.store.engine import StoreError

CHANNEL = "bot_documents_due"
"""NOTIFY channel: a commit that wrote a document with a `due` field names its table here."""

LOCK_KEY = 0x626F_745F_7363_6865  # "bot_sche": held while migrating
"""The advisory lock held while migrating (any fixed number, the same in every process)."""

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "documents in tables", (
        "CREATE SEQUENCE bot_documents_seq",
        """CREATE TABLE bot_documents (
            tbl text NOT NULL,
            key text NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('bot_documents_seq'),
            doc jsonb NOT NULL,
            due timestamptz,
            rank text COLLATE "C",
            lease_owner text,
            lease_until timestamptz,
            PRIMARY KEY (tbl, key))""",
        "ALTER SEQUENCE bot_documents_seq OWNED BY bot_documents.seq",
        "CREATE INDEX bot_documents_order ON bot_documents (tbl, seq)",
        "CREATE INDEX bot_documents_fields ON bot_documents USING gin (doc jsonb_path_ops)",
        "CREATE INDEX bot_documents_queue ON bot_documents (tbl, rank, seq)"
        " WHERE due IS NOT NULL",
    )),
)  # fmt: skip
"""(version, what it does, its statements), oldest first. Never change a released one: add
the next version."""

LATEST = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class Address:
    """Where the database is: the URL to connect with, and its name for messages."""

    url: str
    name: str
    """host:port/dbname, never the password."""
    password: str


def parse_url(url: str) -> Address:
    """The address of `postgresql://user:password@host:5432/dbname` (or `postgres://`);
    StoreError, not repeating the URL (it holds a password), if it is not one."""
    if not isinstance(url, str) or not url.startswith(("postgresql://", "postgres://")):
        raise StoreError("a PostgreSQL URL looks like postgresql://user:password@host:5432/db")
    try:
        params = conninfo_to_dict(url)
    except psycopg.Error:
        raise StoreError("the PostgreSQL URL cannot be read (check its form)") from None
    host = str(params.get("host") or "localhost")
    if ":" in host:
        host = f"[{host}]"  # IPv6
    port = params.get("port") or 5432
    dbname = params.get("dbname") or params.get("user") or "postgres"
    return Address(url, f"{host}:{port}/{dbname}", str(params.get("password") or ""))


def connect(address: Address, timeout: float) -> psycopg.Connection:
    """A connection in autocommit mode, or StoreError saying why there is none."""
    try:
        return psycopg.connect(address.url, autocommit=True, connect_timeout=seconds(timeout))
    except psycopg.Error as err:
        raise StoreError(refusal(address, err, timeout)) from None


def seconds(timeout: float) -> int:
    """libpq counts connect_timeout in whole seconds."""
    return max(1, math.ceil(timeout))


_DOWN = (
    ("connection refused", "connection refused"),
    ("failed to resolve host", "unknown host"),
    ("could not translate host name", "unknown host"),
    ("no route to host", "no route to host"),
    ("network is unreachable", "network unreachable"),
    ("the database system is starting up", "it is starting up"),
    ("the database system is shutting down", "it is shutting down"),
    ("the database system is in recovery mode", "it is recovering"),
    ("terminating connection due to administrator command", "it was shut down"),
    ("server closed the connection unexpectedly", "the connection was lost"),
    ("consuming input failed", "the connection was lost"),
    ("connection is lost", "the connection was lost"),
    ("the connection is closed", "the connection was lost"),
    ("connection is bad", "the connection was lost"),
)


def refusal(address: Address, err: BaseException, timeout: float) -> str:
    """Why `err` (a failed connection or a lost one) keeps the store from being used, for
    a StoreError and `problem()`; it never holds the password."""
    where = f"PostgreSQL at {address.name}"
    text = str(err).lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return f"{where} refuses the user name or password"
    if "role" in text and "does not exist" in text:
        return f"{where} refuses the user name or password (no such user)"
    if "database" in text and "does not exist" in text:
        return f"{where}: the database does not exist"
    if ("too many" in text and "connections" in text) or "connection slots" in text:
        return f"{where} refuses more connections (too many open)"
    if isinstance(err, psycopg.errors.ConnectionTimeout) or "timeout expired" in text:
        return f"{where} does not answer (no reply within {seconds(timeout)} s)"
    for clue, reason in _DOWN:
        if clue in text:
            return f"{where} does not answer ({reason})"
    return f"{where} cannot be used ({first_line(err, address)})"


def first_line(err: BaseException, address: Address) -> str:
    """The first line of `err`'s message, without libpq's preamble or the password."""
    line = (str(err).strip().splitlines() or [type(err).__name__])[0]
    line = line.removeprefix("connection failed: ")
    if " failed: " in line and line.startswith("connection to server"):
        line = line.split(" failed: ", 1)[1]
    if address.password:
        line = line.replace(address.password, "***")
    return line.strip() or type(err).__name__


def migrate(conn: psycopg.Connection, address: Address) -> None:
    """Bring the schema up to `LATEST` on `conn` (in autocommit mode), under the advisory
    lock; StoreError if the database's schema is newer than this code knows, or cannot be
    changed."""
    conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bot_schema_version (version integer PRIMARY KEY,"
            " about text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = conn.execute("SELECT coalesce(max(version), 0) FROM bot_schema_version").fetchone()
        current = int(row[0]) if row else 0
        if current > LATEST:
            raise StoreError(
                f"PostgreSQL at {address.name} has schema version {current}, newer than this"
                f" bot knows ({LATEST}): run the newer bot"
            )
        for version, about, statements in MIGRATIONS:
            if version <= current:
                continue
            with conn.transaction():
                for statement in statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO bot_schema_version (version, about) VALUES (%s, %s)",
                    (version, about),
                )
    except psycopg.errors.InsufficientPrivilege as err:
        raise StoreError(
            f"PostgreSQL at {address.name} does not let this user create the bot's tables"
            f" ({first_line(err, address)})"
        ) from None
    finally:
        if not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))

"""A throwaway PostgreSQL for tests: a cluster of its own in a temporary folder, on
127.0.0.1 at a free port, with `fsync=off` (nothing in it must outlive the test run).

PostgreSQL refuses to run as root, and tests run as root in CI: the cluster's programs then
run as the `postgres` user (made by the Debian package), which owns the folder. Each test
that wants a database gets a fresh, empty place of its own (`fresh_url`: a schema, or
`create_database`), so tests share the cluster (one per test process) but never each
other's rows.

TCP connections need the password (so a wrong one is refused, as on a real server); the
admin connection that creates databases uses the Unix socket in the folder, without one.

Each cluster's folder is a copy of one made by `initdb` once per machine and PostgreSQL
version (in the checkout's `.pytest_cache/postgres/`, not a shared temporary folder), with
its password: `initdb` costs about 0.7 s of CPU, the copy about 0.1 s.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from glob import glob
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg

from tests.support.ports import free_port

SUPERUSER = "postgres"
"""The cluster's superuser, and the OS user it runs as when the tests run as root."""
TEMPLATES = Path(__file__).resolve().parents[2] / ".pytest_cache" / "postgres"
"""Where each PostgreSQL version's template cluster folder is kept (`_template`)."""
SHARED = "tests"
"""The database that holds each test's schema (`fresh_url`)."""


class PostgresMissing(RuntimeError):
    """PostgreSQL's programs are not installed (or cannot be run here)."""


def find_programs() -> Path:
    """The folder holding `initdb`, `pg_ctl` and `postgres`: from PATH, or the newest
    `/usr/lib/postgresql/*/bin` (Debian keeps them off PATH)."""
    found = shutil.which("initdb")
    if found is not None:
        folder = Path(found).resolve().parent
        if (folder / "pg_ctl").exists():
            return folder
    versions = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_of, reverse=True)
    if versions:
        return Path(versions[0]).parent
    raise PostgresMissing(
        "PostgreSQL is not installed: the tests of the PostgreSQL engine need initdb and pg_ctl"
        " (install the Debian package: apt-get install -y postgresql)"
    )


def _version_of(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)", path)
    return int(match.group(1)) if match else 0


class PostgresCluster:
    """A PostgreSQL server of its own, started on construction; `close()` stops it and
    deletes its folder. `stop()` and `start()` take it down and bring it back on the same
    port (an outage, as a client sees one)."""

    def __init__(self) -> None:
        self._programs = find_programs()
        self._as_root = os.geteuid() == 0
        self.password = ""  # the template's, once the folder is made
        self.root = Path(tempfile.mkdtemp(prefix="pg-"))
        self._data = self.root / "data"
        self._numbers = itertools.count(1)
        self._admin: psycopg.Connection | None = None
        self._shared = False
        self.port = 0
        try:
            self._initdb()
            self._start_on_a_free_port()
        except BaseException:
            self.close()
            raise

    # --- running its programs ---------------------------------------------------------

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._programs / program), *args]
        if self._as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")

    def _initdb(self) -> None:
        """Make the cluster's folder: a copy of this machine's template (made by `initdb`
        once, kept in `.pytest_cache`), which takes a fraction of the time and CPU."""
        if self._as_root:
            try:
                shutil.chown(self.root, SUPERUSER, SUPERUSER)
            except LookupError as err:
                raise PostgresMissing(
                    f"no OS user {SUPERUSER!r} to run PostgreSQL as (tests run as root):"
                    " install the Debian package: apt-get install -y postgresql"
                ) from err
        template = self._template()
        self.password = (template / "password").read_text().strip()
        _copy(template / "data", self._data)

    def _template(self) -> Path:
        """This machine's freshly initialised cluster folder for this PostgreSQL version,
        with its password beside it: made once, by whichever test process needs it first
        (the others wait for it), and never started itself."""
        initdb = str(self._programs / "initdb")
        said = subprocess.run([initdb, "--version"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        version = "-".join(re.findall(r"[\w.+]+", said)[2:])  # "initdb (PostgreSQL) 15.18 (…)"
        cache = TEMPLATES / f"postgres-{version}"
        TEMPLATES.mkdir(parents=True, exist_ok=True)
        with (TEMPLATES / f"postgres-{version}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (cache / "password").exists():  # written last: the template is whole
                self._make_template(cache)
        return cache

    def _make_template(self, cache: Path) -> None:
        """`initdb` in a private temporary folder (PostgreSQL's user may not reach the
        checkout), then copied into `cache`."""
        password = "pw-" + secrets.token_hex(8)
        building = Path(tempfile.mkdtemp(prefix="pg-template-"))
        try:
            password_file = building / "password"
            password_file.write_text(password + "\n")
            if self._as_root:
                shutil.chown(building, SUPERUSER, SUPERUSER)
                shutil.chown(password_file, SUPERUSER, SUPERUSER)
            self._run(
                "initdb", "-D", str(building / "data"), "-U", SUPERUSER, "-E", "UTF8",
                "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256",
                f"--pwfile={password_file}", "--no-sync",
            )  # fmt: skip
            shutil.rmtree(cache, ignore_errors=True)  # one left half made
            cache.mkdir(mode=0o700)
            _copy(building / "data", cache / "data")
            (cache / "password").write_text(password + "\n")
        finally:
            shutil.rmtree(building, ignore_errors=True)

    def _start_on_a_free_port(self) -> None:
        for attempt in range(3):
            self.port = free_port()
            try:
                self.start()
                return
            except RuntimeError:
                if attempt == 2:
                    raise  # not a port taken by someone else in between

    def start(self) -> None:
        """Start the server (again) on its port; returns once it accepts connections."""
        options = " ".join([
            f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c shared_buffers=16MB", "-c max_connections=200",
        ])  # fmt: skip
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self._data), "-l", log, "-w", "-t", "30", "-o", options,
                  "start")  # fmt: skip

    def stop(self, *, mode: str = "fast") -> None:
        """Stop the server: `fast` ends every connection, as a restart of the server does."""
        if self._admin is not None:
            with contextlib.suppress(psycopg.Error):
                self._admin.close()
            self._admin = None
        self._run("pg_ctl", "-D", str(self._data), "-m", mode, "-w", "stop")

    def close(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        if (self._data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- databases ----------------------------------------------------------------------

    def url(self, dbname: str, *, password: str | None = None, port: int | None = None) -> str:
        """The URL of database `dbname` over TCP, with the cluster's password unless another
        is given."""
        secret = self.password if password is None else password
        return f"postgresql://{SUPERUSER}:{secret}@127.0.0.1:{port or self.port}/{dbname}"

    def create_database(self) -> str:
        """A new, empty database; its URL. Takes about 0.2 s: `fresh_url` is quicker."""
        name = f"test_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def fresh_url(self) -> str:
        """The URL of a new, empty place for tables: a schema of its own, first on the
        search path, in the database `tests` (a schema takes a millisecond to make, a
        database 0.2 s)."""
        name = f"test_{next(self._numbers)}"
        if not self._shared:
            self._execute(f'CREATE DATABASE "{SHARED}" TEMPLATE template0')
            self._shared = True
        self._execute(f'CREATE SCHEMA "{name}"', dbname=SHARED)
        return self.url(SHARED) + f"?options=-csearch_path%3D{name}"

    def _execute(self, statement: str, *, dbname: str = "postgres") -> None:
        """Run `statement` as the superuser, over the Unix socket (no password)."""
        if self._admin is None or self._admin.closed or self._admin.info.dbname != dbname:
            if self._admin is not None:
                self._admin.close()
            self._admin = psycopg.connect(
                host=str(self.root), port=self.port, user=SUPERUSER, dbname=dbname,
                autocommit=True,
            )  # fmt: skip
        self._admin.execute(statement.encode())


def _copy(source: Path, target: Path) -> None:
    """Copy a cluster folder, keeping its owner (PostgreSQL's user, when root runs the
    tests) and its modes, as PostgreSQL requires."""
    copied = subprocess.run(["cp", "-a", str(source), str(target)], capture_output=True,
                            text=True, timeout=60, check=False)  # fmt: skip
    if copied.returncode != 0:
        raise RuntimeError(f"copying a PostgreSQL folder failed: {copied.stderr.strip()}")


def cluster_or_skip() -> PostgresCluster:
    """A new cluster; where PostgreSQL is not installed, the test is skipped saying how to
    install it (a newcomer's `uv run pytest` works with nothing but TinyDB), or fails when
    `REQUIRE_POSTGRES=1` (CI, where this tier is never skipped)."""
    import pytest

    try:
        return PostgresCluster()
    except PostgresMissing as err:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(str(err), pytrace=False)
        pytest.skip(str(err))

"""A fixture for testing the rules through every backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.records import MemoryStore, Store, TinyDBStore
from bot.store.engine import Engine
from bot.store.memory import MemoryEngine
from bot.store.postgres import PostgresEngine


@pytest.fixture(params=["memory", "tinydb", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each engine in turn, under the same `Store`; a TinyDBStore with a tiny journal so
    compaction runs too, and PostgreSQL on the database `postgres_url` gives."""
    opened: Store
    if request.param == "memory":
        opened = MemoryStore()
    elif request.param == "tinydb":
        opened = TinyDBStore(tmp_path / "data" / "bot.json", compact_after=3)
    else:
        url = request.getfixturevalue("postgres_url")
        from bot.store.postgres import PostgresEngine

        opened = Store(PostgresEngine(url))
    yield opened
    opened.close()


@pytest.fixture(params=["memory", "tinydb", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Each engine in turn, empty (TinyDB with a tiny journal so compaction runs too;
    PostgreSQL: a new database on the test process's server)."""
    opened: Engine
    if request.param == "postgres":
        opened = PostgresEngine(request.getfixturevalue("postgres_url"))
    elif request.param == "tinydb":
        from bot.store.tinydb import TinyDBEngine

        opened = TinyDBEngine(tmp_path / "data" / "bot.json", compact_after=3)
    else:
        opened = MemoryEngine()
    yield opened
    opened.close()

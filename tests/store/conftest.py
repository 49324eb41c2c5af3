"""A fixture for testing the rules through every backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import MemoryStore, Store, TinyDBStore
from bot.store.engine import Engine
from bot.store.memory import MemoryEngine


@pytest.fixture(params=["memory", "tinydb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each backend in turn; a TinyDBStore with a tiny journal so compaction runs too."""
    opened: Store = (
        MemoryStore()
        if request.param == "memory"
        else TinyDBStore(tmp_path / "data" / "bot.json", compact_after=3)
    )
    yield opened
    opened.close()


@pytest.fixture(params=["memory"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Each engine in turn, empty."""
    opened: Engine = MemoryEngine()
    yield opened
    opened.close()

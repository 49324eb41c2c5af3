from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.programme import Programme, load_programme

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def programme() -> Programme:
    return load_programme(ROOT / "programme.json")[0]


@pytest.fixture(scope="session")
def answerer(programme: Programme) -> Answerer:
    return Answerer(programme)

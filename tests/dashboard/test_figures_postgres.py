"""The dashboard's figures on PostgreSQL, where several replicas serve it: the same week as
on the in-memory engine gives the same numbers (grouped counts and all)."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_bot
from bot.dashboard.figures import session_figures, week_figures
from bot.programme import load_programme
from bot.records import MemoryStore, Store
from bot.standin.fake_slack import FakeSlack
from bot.store.postgres import PostgresEngine
from tests.conftest import Clock, bot_settings
from tests.dashboard.test_figures import NOW, SMALL, fill, names, write_week


def figures_on(store: Store, fake: FakeSlack, tmp_path: Path) -> tuple[object, ...]:
    tmp_path.mkdir()
    path = write_week(tmp_path / "programme.json")
    programme, _ = load_programme(path)
    settings = bot_settings(fake, tmp_path, programme_path=path)
    parts = build_bot(settings, programme, store, clock=Clock(now=NOW))
    try:
        fill(store, programme)  # type: ignore[arg-type]
        week = week_figures(programme, registrations=parts.registrations, times=store)
        small = session_figures(programme, programme.by_id[SMALL], records=store, names=names,
                                now=NOW)  # fmt: skip
        return week, small
    finally:
        parts.close()


def test_the_week_on_postgresql_is_the_week_in_memory(
    fake_slack: FakeSlack, tmp_path: Path, postgres_url: str
) -> None:
    on_postgres = figures_on(Store(PostgresEngine(postgres_url)), fake_slack, tmp_path / "pg")
    in_memory = figures_on(MemoryStore(), fake_slack, tmp_path / "memory")
    assert on_postgres == in_memory
    week = on_postgres[0]
    assert week.registered == 8 and week.waiting == 2  # type: ignore[attr-defined]

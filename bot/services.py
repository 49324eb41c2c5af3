"""What the listeners need, handed to them through Bolt's context rather than globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.answering import Answerer
from bot.background import Background
from bot.jobs import Jobs
from bot.programme import Programme
from bot.registrations import Registrations
from bot.settings import Settings
from bot.store import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The settings, programme, store and clock, and what is built on them."""

    settings: Settings
    programme: Programme
    store: Store
    clock: Callable[[], datetime] = utc_now
    background: Background = field(default_factory=Background)
    jobs: Jobs = field(default_factory=Jobs)
    on_change: Callable[[str], None] = lambda session_id: None
    """Called with a session's id whenever its registrations change (keeps cards current)."""
    answerer: Answerer = field(init=False)
    registrations: Registrations = field(init=False)
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.answerer = Answerer(self.programme)
        self.registrations = Registrations(store=self.store, programme=self.programme)

    def __deepcopy__(self, memo: dict[int, Any]) -> Services:
        # Bolt deep-copies the context for lazy listeners; the services are shared, not copied.
        return self

    def use_programme(self, programme: Programme) -> None:
        """Switch to a new version of the programme (already checked)."""
        answerer = Answerer(programme)
        self.programme, self.answerer = programme, answerer
        self.registrations.programme = programme

    def is_organiser(self, user_id: str) -> bool:
        return user_id in self.settings.organiser_ids

    def on_close(self, closer: Callable[[], None]) -> None:
        """Call `closer` when the services close (before the store)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Stop background work, then finish writing and close the store."""
        for closer in reversed(self._closers):
            closer()
        self.jobs.shutdown()
        self.background.close()
        self.store.close()


def services_from(context: Any) -> Services:
    """The `Services` that `bot.listeners.register` put into every request's context."""
    services = context["services"]
    assert isinstance(services, Services)
    return services

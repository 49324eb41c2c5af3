"""What the listeners need, handed to them through Bolt's context rather than globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.answering import Answerer
from bot.programme import Programme
from bot.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The programme, its answering engine, the settings and the clock."""

    settings: Settings
    programme: Programme
    clock: Callable[[], datetime] = utc_now
    answerer: Answerer = field(init=False)

    def __post_init__(self) -> None:
        self.answerer = Answerer(self.programme)

    def __deepcopy__(self, memo: dict[int, Any]) -> Services:
        # Bolt deep-copies the context for lazy listeners; the services are shared, not copied.
        return self


def services_from(context: Any) -> Services:
    """The `Services` that `bot.listeners.register` put into every request's context."""
    services = context["services"]
    assert isinstance(services, Services)
    return services

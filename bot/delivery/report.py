"""What `Delivery` sends (`Letter`) and what it tells of it (`DeliveryReport`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["sent", "already_sent", "unreachable", "failed"]


@dataclass(frozen=True)
class Letter:
    """One DM: `message` holds chat.postMessage arguments besides `channel` (text, blocks).
    A letter whose one-time `key` is already claimed is not sent."""

    user_id: str
    key: str
    message: dict[str, Any]


@dataclass
class DeliveryReport:
    """What happened to each letter of one `send`, and how long it took."""

    sent: int = 0
    already_sent: int = 0
    unreachable: int = 0
    failed: int = 0
    seconds: float = 0.0
    rate_limited: int = 0  # HTTP 429s answered by Slack
    retried: int = 0  # server errors and dropped connections retried
    unreachable_users: list[str] = field(default_factory=list)
    failed_users: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Letters handled."""
        return self.sent + self.already_sent + self.unreachable + self.failed


class Tally:
    """A report filled in by several workers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.report = DeliveryReport()

    def add(self, outcome: Outcome, user_id: str) -> None:
        """Count one letter settled."""
        with self.lock:
            report = self.report
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome == "unreachable":
                report.unreachable_users.append(user_id)
            elif outcome == "failed":
                report.failed_users.append(user_id)

    def count(self, what: Literal["rate_limited", "retried"]) -> None:
        """Count one retry."""
        with self.lock:
            setattr(self.report, what, getattr(self.report, what) + 1)

    @property
    def done(self) -> int:
        """Letters settled so far."""
        with self.lock:
            return self.report.total

"""Rate-limited, exactly-once direct messages to many people (see `bot.delivery.sender`)."""

from __future__ import annotations

from bot.delivery.sender import Delivery, DeliveryReport, Letter

__all__ = ["Delivery", "DeliveryReport", "Letter"]

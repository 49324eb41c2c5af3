"""Drawing a view again after a button press, as the person now stands."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.blocks.formatting import Message
from bot.blocks.sessions import answer_message
from bot.blocks.values import Origin
from bot.services import Services


def redraw_answer(
    services: Services, origin: Origin, *, user_id: str, notice: str | None = None
) -> Message:
    """The answer the button sat under, asked again as at the time it was first asked."""
    answer = services.answerer.answer(
        origin.query, now=datetime.fromtimestamp(origin.asked_at, UTC)
    )
    return answer_message(
        answer,
        services.programme.tz,
        seats=services.registrations.seats(user_id=user_id),
        page=origin.page,
        asked_at=origin.asked_at,
        notice=notice,
    )

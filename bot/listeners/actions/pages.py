"""The More / Previous buttons under a long list of sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import BoltContext, Respond

from bot.blocks.sessions import answer_message, read_pager_value
from bot.services import services_from


def sessions_page(action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """Show another page of the same answer, in place of the message that had the button."""
    services = services_from(context)
    question, page, asked_at = read_pager_value(action["value"])
    answer = services.answerer.answer(question, now=datetime.fromtimestamp(asked_at, UTC))
    message = answer_message(answer, services.programme.tz, page=page, asked_at=asked_at)
    respond(replace_original=True, **message.as_kwargs())

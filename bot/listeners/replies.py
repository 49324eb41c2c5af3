"""The one path from a person's words to a reply, shared by commands, messages and mentions."""

from __future__ import annotations

from typing import Any

from bot.blocks.formatting import Message, from_slack_text
from bot.blocks.sessions import answer_message
from bot.services import services_from

MAX_QUESTION = 500


def reply_to_question(context: Any, slack_text: str, *, user_id: str) -> Message:
    """Answer `slack_text` (as Slack sent it) now, with buttons for `user_id`'s registrations."""
    services = services_from(context)
    now = services.clock()
    question = from_slack_text(slack_text)[:MAX_QUESTION]
    answer = services.answerer.answer(question, now=now)
    seats = services.registrations.seats(user_id=user_id) if answer.sessions else {}
    return answer_message(answer, services.programme.tz, seats=seats, asked_at=now.timestamp())

"""`/register`, `/unregister` and `/mysessions`: answered privately inside the acknowledgement,
once the change is on disk."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.answering import Answer
from bot.blocks.formatting import Message, escape, from_slack_text
from bot.blocks.registrations import agenda_message, change_message, register_help
from bot.blocks.sessions import answer_message
from bot.listeners.registering import change_registration
from bot.programme import Session
from bot.services import Services, services_from

CHOOSE = "Several sessions match “{}”: press *{}* on the one you mean."


def register_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Register for the one session the text names, or offer the choices."""
    ack(response_type="ephemeral", **_change(context, client, command, register=True).as_kwargs())


def unregister_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Unregister from the one session the text names, or offer the choices."""
    message = _change(context, client, command, register=False)
    ack(response_type="ephemeral", **message.as_kwargs())


def mysessions_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """The person's own sessions, by day, with Unregister buttons."""
    services = services_from(context)
    agenda = services.registrations.agenda(user_id=command["user_id"])
    ack(response_type="ephemeral", **agenda_message(agenda, services.programme.tz).as_kwargs())


def _change(
    context: BoltContext, client: WebClient, command: dict[str, Any], *, register: bool
) -> Message:
    services = services_from(context)
    user_id = command["user_id"]
    text = from_slack_text(command.get("text") or "")[:500]
    if not text:
        if register:
            return register_help()
        return agenda_message(services.registrations.agenda(user_id=user_id), services.programme.tz)
    now = services.clock()
    answer = services.answerer.answer(text, now=now)
    seats = services.registrations.seats(user_id=user_id)
    session = _the_one(services, answer, text, held=None if register else set(seats))
    if session is None:
        verb = "Register" if register else "Unregister"
        notice = CHOOSE.format(escape(text), verb) if answer.kind == "sessions" else None
        return answer_message(
            answer, services.programme.tz, seats=seats, asked_at=now.timestamp(), notice=notice
        )
    change = change_registration(
        services, client, user_id=user_id, session=session, register=register
    )
    return change_message(change, services.programme.tz)


def _the_one(
    services: Services, answer: Answer, text: str, *, held: set[str] | None
) -> Session | None:
    """The session `text` clearly names: by id, or the only match. When unregistering
    (`held` given), a match among the person's own sessions wins."""
    by_id = services.programme.find_id(text)
    if by_id is not None:
        return by_id
    if answer.kind != "sessions":
        return None
    matches = list(answer.sessions)
    if held is not None:
        own = [session for session in matches if session.id in held]
        matches = own or matches
    return matches[0] if len(matches) == 1 else None

"""The one path for every registration change, whichever way it came (command, button or
reaction): change it in the store, keep the session cards current, tell whoever was moved
off the waitlist."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.blocks.registrations import promoted_message
from bot.programme import Session
from bot.registrations import Change
from bot.services import Services


def change_registration(
    services: Services, client: WebClient, *, user_id: str, session: Session, register: bool
) -> Change:
    """Register or unregister `user_id`; returns once the change is on disk."""
    registrations = services.registrations
    if register:
        change = registrations.register(user_id=user_id, session=session)
    else:
        change = registrations.unregister(user_id=user_id, session=session)
    if change.changed:
        services.on_change(session.id)
    if change.promoted:
        message = promoted_message(session, services.programme.tz)
        services.background.run(_direct_message, client, change.promoted, message.as_kwargs())
    return change


def _direct_message(client: WebClient, user_id: str, message: dict[str, Any]) -> None:
    # A bot token can post to a user's id to reach the user's DM with the app.
    client.chat_postMessage(channel=user_id, **message)

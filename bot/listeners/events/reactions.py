"""Reacting to a session card with the registration emoji registers; removing it unregisters.
Other emoji, and reactions to other messages, change nothing."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.blocks.registrations import change_message
from bot.listeners.registering import change_registration
from bot.services import services_from


def reaction_added(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Register the person who reacted, and tell them by DM."""
    _react(event, context, client, register=True)


def reaction_removed(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Unregister the person who took their reaction away, and tell them by DM."""
    _react(event, context, client, register=False)


def _react(
    event: dict[str, Any], context: BoltContext, client: WebClient, *, register: bool
) -> None:
    services = services_from(context)
    item = event.get("item") or {}
    if event.get("reaction") != services.settings.register_emoji or item.get("type") != "message":
        return
    card = services.store.card_at(channel_id=item.get("channel", ""), message_ts=item.get("ts", ""))
    session = services.programme.by_id.get(card.session_id) if card else None
    if session is None:
        return
    user_id = event["user"]
    change = change_registration(
        services, client, user_id=user_id, session=session, register=register
    )
    if change.changed:  # a repeated delivery changes nothing, so it confirms nothing
        message = change_message(change, services.programme.tz)
        client.chat_postMessage(channel=user_id, **message.as_kwargs())

"""Reacting to a session card with the registration emoji registers; removing it unregisters.
Other emoji, and reactions to other messages, change nothing."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.current import CurrentProgramme
from bot.listeners.later import Later
from bot.registrations import Registrations
from bot.registrations.cards import Cards
from bot.registrations.messages import change_message


def reaction_changed(
    event: dict[str, Any],
    client: WebClient,
    *,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    emoji: str,
    later: Later,
) -> None:
    """Register the person who reacted (`reaction_added`), or unregister the person who took
    their reaction away (`reaction_removed`), and tell them by DM."""
    item = event.get("item") or {}
    if event.get("reaction") != emoji or item.get("type") != "message":
        return
    session_id = cards.session_at(channel_id=item.get("channel", ""), message_ts=item.get("ts", ""))
    session = current.programme.by_id.get(session_id) if session_id else None
    if session is None:
        return
    user_id = event["user"]
    if event.get("type") == "reaction_added":
        change = registrations.register(user_id=user_id, session=session)
    else:
        change = registrations.unregister(user_id=user_id, session=session)
    # A repeated delivery changes nothing, so it confirms nothing; an old card says why not.
    if change.changed or change.kind == "ended":
        message = change_message(change, current.programme.tz)
        about = f"{event.get('type')} {item.get('ts')} {event.get('event_ts')}"
        later.post(client, channel=user_id, message=message.as_kwargs(), about=about)

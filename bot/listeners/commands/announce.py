"""`/announce sessions <day>`, for organisers: one card per session in the announcements
channel, which people react to in order to register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.answering import day_name
from bot.blocks.formatting import escape, from_slack_text
from bot.blocks.registrations import session_card
from bot.services import Services, services_from
from bot.store import Card

NOT_ORGANISER = "Sorry, only the week's organisers can use `/announce`."
USAGE = "To post a day's session cards: `/announce sessions <day>`, e.g. `/announce sessions tue`."
NO_CHANNEL = "ANNOUNCEMENTS_CHANNEL is not set, so there is nowhere to post the cards."


@dataclass(frozen=True)
class CardsRequest:
    """Post the cards of `day`'s sessions to `channel`."""

    day: date
    channel: str


def read_request(services: Services, command: dict[str, Any]) -> CardsRequest | str:
    """What the organiser asked for, or (as a message for them) why it cannot be done."""
    if not services.is_organiser(command["user_id"]):
        return NOT_ORGANISER
    words = from_slack_text(command.get("text") or "").split(maxsplit=1)
    if len(words) < 2 or words[0].lower() != "sessions":
        return USAGE
    channel = services.settings.announcements_channel
    if not channel:
        return NO_CHANNEL
    days = services.answerer.answer(words[1], now=services.clock()).query.days
    if len(days) != 1 or not services.programme.on_day(days[0]):
        return f"I couldn't find a day with sessions in “{escape(words[1])}”. {USAGE}"
    return CardsRequest(day=days[0], channel=channel)


def announce_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Check who is asking and what; the cards are posted after the acknowledgement."""
    request = read_request(services_from(context), command)
    if isinstance(request, str):
        ack(response_type="ephemeral", text=request)
    else:
        day = day_name(request.day)
        ack(response_type="ephemeral", text=f"Posting the cards for {day} to <#{request.channel}>…")


def post_session_cards(
    command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """After the acknowledgement: post each session's card, remember it, add the emoji so
    that registering is one tap."""
    services = services_from(context)
    request = read_request(services, command)
    if isinstance(request, str):
        return
    tz, emoji = services.programme.tz, services.settings.register_emoji
    sessions = services.programme.on_day(request.day)
    for session in sessions:
        registered, waiting = services.registrations.counts(session=session)
        card = session_card(session, tz, emoji=emoji, registered=registered, waiting=waiting)
        posted = client.chat_postMessage(channel=request.channel, **card.as_kwargs())
        channel_id, ts = posted["channel"], posted["ts"]
        services.store.save_card(card=Card(session.id, channel_id, ts))
        client.reactions_add(channel=channel_id, timestamp=ts, name=emoji)
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=f"Posted {len(sessions)} session cards for {day_name(request.day)} "
        f"to <#{request.channel}>.",
    )

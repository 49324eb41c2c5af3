"""`/announce`, for organisers only: broadcasts (previewed in the organiser's DM, sent once,
to the chosen audience, now or later), their history, what is scheduled, the attendance
export, and a day's session cards in the announcements channel."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.answering import day_name
from bot.attendance import attendance_csv
from bot.blocks.broadcasts import history_message, scheduled_message
from bot.blocks.formatting import escape, from_slack_text
from bot.blocks.registrations import session_card
from bot.broadcasts import audiences, new_broadcast
from bot.notify.broadcasts import preview
from bot.services import Services, services_from
from bot.store import Card

NOT_ORGANISER = "Sorry, only the week's organisers can use `/announce`."
USAGE = (
    "`/announce <text>` previews an announcement for you to send · "
    "`/announce sessions <day>` posts that day's session cards · "
    "`/announce scheduled` · `/announce history` · `/announce export`"
)
NO_CHANNEL = "ANNOUNCEMENTS_CHANNEL is not set, so there is nowhere to post the cards."
HISTORY_SHOWN = 10


@dataclass(frozen=True)
class CardsRequest:
    """Post the cards of `day`'s sessions to `channel`."""

    day: date
    channel: str


def read_request(services: Services, command: dict[str, Any]) -> CardsRequest | str:
    """What an organiser's `/announce sessions <day>` asks for, or why it cannot be done."""
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


def _form(command: dict[str, Any]) -> str:
    """Which `/announce` this is: sessions, history, scheduled, export, text, or empty."""
    text = (command.get("text") or "").strip()
    first = text.split(maxsplit=1)[0].lower() if text else ""
    if first in ("history", "scheduled", "export") and text.lower() == first:
        return first
    if first == "sessions":
        return "sessions"
    return "text" if text else "empty"


def announce_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Check who is asking and what; anything that posts happens after the acknowledgement."""
    services = services_from(context)
    if not services.is_organiser(command["user_id"]):
        ack(response_type="ephemeral", text=NOT_ORGANISER)
        return
    form, tz = _form(command), services.programme.tz
    if form == "empty":
        ack(response_type="ephemeral", text=USAGE)
    elif form == "history":
        recent = services.store.broadcasts(limit=HISTORY_SHOWN)
        labels = dict(audiences(services.programme))
        ack(response_type="ephemeral", **history_message(recent, labels, tz).as_kwargs())
    elif form == "scheduled":
        waiting = services.store.broadcasts()
        ack(response_type="ephemeral", **scheduled_message(waiting, tz).as_kwargs())
    elif form == "export":
        ack(response_type="ephemeral", text="Sending you the attendance CSV in our DM…")
    elif form == "sessions":
        request = read_request(services, command)
        if isinstance(request, str):
            ack(response_type="ephemeral", text=request)
        else:
            day = day_name(request.day)
            ack(
                response_type="ephemeral",
                text=f"Posting the cards for {day} to <#{request.channel}>…",
            )
    else:
        ack(
            response_type="ephemeral",
            text="Check the preview I've sent you in our DM, choose who gets it, then Send.",
        )


def announce_after_ack(
    command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """After the acknowledgement: preview, export or cards."""
    services = services_from(context)
    user_id = command["user_id"]
    if not services.is_organiser(user_id):
        return
    form = _form(command)
    if form == "text":
        # As Slack sent it: mentions such as <!channel> and its escaping stay as written.
        _preview(services, client, user_id, (command.get("text") or "").strip())
    elif form == "export":
        _export(services, client, user_id)
    elif form == "sessions":
        _post_cards(services, client, respond, command)


def _preview(services: Services, client: WebClient, user_id: str, text: str) -> None:
    """A new draft, previewed in the organiser's DM (a message the bot can keep updating)."""
    draft = new_broadcast(organiser_id=user_id, text=text, now=services.clock())
    services.store.save_broadcast(broadcast=draft)  # kept before anyone can press a button
    posted = client.chat_postMessage(channel=user_id, **preview(services, draft).as_kwargs())
    draft = replace(draft, preview_channel=posted["channel"], preview_ts=posted["ts"])
    services.store.save_broadcast(broadcast=draft)


def _export(services: Services, client: WebClient, user_id: str) -> None:
    """The attendance CSV, as a file in the organiser's DM."""
    content = attendance_csv(services.programme, services.store)
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=channel,
        content=content.encode("utf-8"),
        filename="attendance.csv",
        title="Attendance by session",
        initial_comment="Registrations per session (Slack user IDs only).",
    )


def _post_cards(
    services: Services, client: WebClient, respond: Respond, command: dict[str, Any]
) -> None:
    """Post each session's card, remember it, add the emoji so registering is one tap."""
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

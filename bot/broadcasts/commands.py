"""`/announce`, for organisers only: broadcasts (previewed in the organiser's DM, sent once,
to the chosen audience, now or later), their history, what is scheduled, the attendance
export, the feedback on each session (with the reflections shared), a day's session cards in
the announcements channel, and help on all of these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.formatting import escape, from_slack_text
from bot.broadcasts import Broadcasts
from bot.broadcasts.messages import history_message, scheduled_message
from bot.current import CurrentProgramme
from bot.dates import day_name
from bot.feedback.messages import feedback_summary_message
from bot.feedback.service import FeedbackService
from bot.registrations import Registrations
from bot.registrations.attendance import attendance_csv
from bot.registrations.cards import Cards

USAGE = (
    "`/announce <text>` previews an announcement for you to send · "
    "`/announce sessions <day>` posts that day's session cards · "
    "`/announce scheduled` · `/announce history` · `/announce export` · `/announce feedback` · "
    "`/announce help`"
)
HELP = "\n".join(
    [
        "*Organiser commands*",
        "`/announce <text>`: previews an announcement in our DM; choose who gets it (type to "
        "search the sessions), then send it now or later, or cancel it.",
        "`/announce sessions <day>`: posts that day's session cards in the announcements channel.",
        "`/announce scheduled`: lists the announcements waiting to go, each with a Cancel button.",
        "`/announce history`: the recent announcements (by whom, to whom, how it went) and what "
        "could not be delivered lately.",
        "`/announce export`: sends you a CSV of registrations per session in our DM.",
        "`/announce feedback`: each session's ratings (answers, mean, distribution, didn't "
        "attend), and a CSV in our DM of the reflections people chose to share (no names).",
        "`/announce help`: this list.",
    ]
)
NO_CHANNEL = "ANNOUNCEMENTS_CHANNEL is not set, so there is nowhere to post the cards."
NO_CHANNEL_HELP = (
    "ANNOUNCEMENTS_CHANNEL is not set: announcements can go to registrants by DM only, "
    "and `/announce sessions <day>` has nowhere to post."
)
HISTORY_SHOWN = 10
PROBLEMS_SINCE = timedelta(days=1)


@dataclass(frozen=True)
class CardsRequest:
    """Post the cards of `day`'s sessions to `channel`."""

    day: date
    channel: str


def read_request(
    command: dict[str, Any], current: CurrentProgramme, channel: str | None, now: datetime
) -> CardsRequest | str:
    """What an organiser's `/announce sessions <day>` asks for, or why it cannot be done."""
    words = from_slack_text(command.get("text") or "").split(maxsplit=1)
    if len(words) < 2 or words[0].lower() != "sessions":
        return USAGE
    if not channel:
        return NO_CHANNEL
    days = current.answerer.answer(words[1], now=now).query.days
    if len(days) != 1 or not current.programme.on_day(days[0]):
        return f"I couldn't find a day with sessions in “{escape(words[1])}”. {USAGE}"
    return CardsRequest(day=days[0], channel=channel)


def _form(command: dict[str, Any]) -> str:
    """Which `/announce` this is: sessions, history, scheduled, export, feedback, help, text,
    or empty."""
    text = (command.get("text") or "").strip()
    first = text.split(maxsplit=1)[0].lower() if text else ""
    if first in ("history", "scheduled", "export", "feedback", "help") and text.lower() == first:
        return first
    if first == "sessions":
        return "sessions"
    return "text" if text else "empty"


def announce_command(
    ack: Ack,
    command: dict[str, Any],
    *,
    current: CurrentProgramme,
    broadcasts: Broadcasts,
    channel: str | None,
    clock: Callable[[], datetime],
    feedback: FeedbackService | None = None,
) -> None:
    """Check who is asking and what; anything that posts happens after the acknowledgement."""
    form, tz = _form(command), current.programme.tz
    if form == "empty":
        ack(response_type="ephemeral", text=USAGE)
    elif form == "help":
        note = "" if channel else f"\n:warning: {NO_CHANNEL_HELP}"
        ack(response_type="ephemeral", text=HELP + note)
    elif form == "history":
        recent = broadcasts.history(limit=HISTORY_SHOWN)
        problems = broadcasts.problems(since=clock() - PROBLEMS_SINCE)
        message = history_message(recent, broadcasts.audience_labels(), tz, problems=problems)
        ack(response_type="ephemeral", **message.as_kwargs())
    elif form == "scheduled":
        ack(response_type="ephemeral", **scheduled_message(broadcasts.recent(), tz).as_kwargs())
    elif form == "export":
        ack(response_type="ephemeral", text="Sending you the attendance CSV in our DM…")
    elif form == "feedback":
        summaries = feedback.summaries() if feedback is not None else []
        ack(response_type="ephemeral", **feedback_summary_message(summaries, tz).as_kwargs())
    elif form == "sessions":
        request = read_request(command, current, channel, clock())
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
    command: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    current: CurrentProgramme,
    registrations: Registrations,
    cards: Cards,
    broadcasts: Broadcasts,
    channel: str | None,
    clock: Callable[[], datetime],
    feedback: FeedbackService | None = None,
) -> None:
    """After the acknowledgement: preview, export, shared reflections or cards."""
    user_id = str(command.get("user_id"))
    form = _form(command)
    if form == "text":
        # As Slack sent it: mentions such as <!channel> and its escaping stay as written.
        draft = broadcasts.draft(organiser_id=user_id, text=(command.get("text") or "").strip())
        broadcasts.post_preview(draft, user_id=user_id)
    elif form == "export":
        content = attendance_csv(current.programme, registrations)
        dm = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=dm,
            content=content.encode("utf-8"),
            filename="attendance.csv",
            title="Attendance by session",
            initial_comment="Registrations per session (Slack user IDs only).",
        )
    elif form == "feedback" and feedback is not None:
        if any(summary.shared for summary in feedback.summaries()):
            dm = client.conversations_open(users=user_id)["channel"]["id"]
            client.files_upload_v2(
                channel=dm,
                content=feedback.shared_csv().encode("utf-8"),
                filename="shared-reflections.csv",
                title="Shared reflections by session",
                initial_comment="What people learnt, as they chose to share it (no names).",
            )
    elif form == "sessions":
        request = read_request(command, current, channel, clock())
        if isinstance(request, str):
            return
        posted = cards.post_day(day=request.day, channel=request.channel)
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=f"Posted {posted} session cards for {day_name(request.day)} "
            f"to <#{request.channel}>.",
        )

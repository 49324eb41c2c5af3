"""`/mysessions`: the person's own sessions by day, answered privately inside the
acknowledgement. `/mysessions calendar` gives the person their calendar feed's link, or, when
the bot serves no feeds, sends them an .ics file after the acknowledgement."""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.formatting import Message
from bot.blocks.kit import section
from bot.calendar.service import FILENAME, Calendar


class Agenda(Protocol):
    """What `/mysessions` needs of the replies: the person's agenda. The app passes the real
    one (`bot.answers.replies.Replies`, which shows the calendar link on it, so this package
    cannot import it)."""

    def agenda(self, *, user_id: str, notice: str | None = None) -> Message:
        """The person's sessions by day, with `notice` at the top."""
        ...


MYSESSIONS_HELP = (
    "`/mysessions` lists your sessions · `/mysessions calendar` puts them in your calendar · "
    "`/mysessions calendar reset` gives you a new calendar link and stops the old one"
)
SUBSCRIBE = "\n".join(
    [
        ":calendar: *Your sessions in your calendar app*, kept up to date as you register "
        "and as the programme changes. Subscribe to this link, which is yours alone "
        "(anyone who has it can see your sessions):",
        "`{link}`",
        "• *Google Calendar*: beside _Other calendars_, press *+*, choose *From URL*, paste it.",
        "• *Outlook*: *Add calendar*, then *Subscribe from web*, and paste it.",
        "Calendar apps re-read it every few hours, so a change can take a while to appear. "
        "`/mysessions calendar reset` gives you a new link and stops this one.",
    ]
)
RESET = "\n".join(
    [
        ":calendar: Here is your new calendar link. The old one has stopped working: remove "
        "that calendar from your calendar app, and subscribe to this one instead:",
        "`{link}`",
    ]
)
SENT = "I've sent your calendar to our DM: open the .ics file to add your sessions."
NOTHING_TO_SEND = "You have no sessions yet, so there is nothing to put in your calendar."
FILE_COMMENT = (
    "Your sessions as a calendar file: open it, or import it into your calendar app. It is a "
    "copy as things stand now: ask `/mysessions calendar` again after a change."
)


def mysessions_form(command: dict[str, Any]) -> str:
    """Which `/mysessions` this is: agenda, calendar, reset or help."""
    words = (command.get("text") or "").lower().split()
    if not words:
        return "agenda"
    # As people type it: "calendar", "calender", "cal", "ics", "ical"; never "reset" alone,
    # which could as well mean their sessions.
    asks = {"calendar" if word.startswith("cal") or word in ("ics", "ical") else word
            for word in words}  # fmt: skip
    if "calendar" in asks and asks <= {"calendar", "reset", "new", "link"}:
        return "reset" if asks & {"reset", "new"} else "calendar"
    return "help"


def mysessions_command(
    ack: Ack, command: dict[str, Any], *, replies: Agenda, calendar: Calendar
) -> None:
    """The person's own sessions by day, with Unregister buttons; or their calendar."""
    user_id = command["user_id"]
    form = mysessions_form(command)
    if form == "agenda":
        ack(response_type="ephemeral", **replies.agenda(user_id=user_id).as_kwargs())
    elif form == "help":
        ack(response_type="ephemeral", text=MYSESSIONS_HELP)
    elif calendar.url is None:  # no feed is served: a file, sent after the acknowledgement
        ack(response_type="ephemeral", text=SENT if calendar.sessions(user_id) else NOTHING_TO_SEND)
    else:
        link = calendar.reset(user_id) if form == "reset" else calendar.link(user_id)
        words = (RESET if form == "reset" else SUBSCRIBE).format(link=link)
        ack(response_type="ephemeral", text=words.replace("*", ""), blocks=[section(words)])


def mysessions_after_ack(
    command: dict[str, Any], client: WebClient, respond: Respond, *, calendar: Calendar
) -> None:
    """After the acknowledgement: `/mysessions calendar` without a feed sends the person an
    .ics file of their sessions, in their DM with the bot. (`respond` is there so that a
    failed upload is apologised for: see `bot.listeners.errors.after_ack`.)"""
    user_id = command.get("user_id")
    if not user_id or calendar.url is not None:
        return
    if mysessions_form(command) not in ("calendar", "reset") or not calendar.sessions(user_id):
        return
    content = calendar.file(user_id)
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        content=content,
        filename=FILENAME,
        title=f"Your sessions at {calendar.event_name}",
        initial_comment=FILE_COMMENT,
    )

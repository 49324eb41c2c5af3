"""Questions asked in a direct message or by @mentioning the bot in a channel, and the Home
tab opened. All run after the event is acknowledged (see `bot.listeners.events.register`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Say
from slack_sdk import WebClient

from bot.listeners.replies import Replies


def direct_message(event: dict[str, Any], say: Say, *, replies: Replies) -> None:
    """Answer a question sent to the bot in a DM."""
    message = replies.to_question(event.get("text") or "", user_id=event["user"])
    say(**message.as_kwargs())


def app_mention(event: dict[str, Any], say: Say, *, replies: Replies) -> None:
    """Answer a question put to the bot by mentioning it, in the thread of the mention."""
    message = replies.to_question(event.get("text") or "", user_id=event["user"])
    say(thread_ts=event.get("thread_ts") or event["ts"], **message.as_kwargs())


def home_opened(event: dict[str, Any], client: WebClient, *, replies: Replies) -> None:
    """Draw the Home tab (the person's agenda and what is on next) whenever it is opened."""
    if event.get("tab", "home") == "home":
        replies.publish_home(client, user_id=event["user"])

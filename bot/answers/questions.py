"""Questions asked in a direct message or by @mentioning the bot in a channel, and the Home
tab opened. All run after the event is acknowledged (see `bot.answers.listeners`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Say
from slack_sdk import WebClient

from bot.answers.replies import Replies
from bot.listeners.allowance import SLOW_DOWN, Allowance
from bot.listeners.later import Later


def direct_message(
    event: dict[str, Any],
    say: Say,
    client: WebClient,
    *,
    replies: Replies,
    later: Later,
    allowance: Allowance,
) -> None:
    """Answer a question sent to the bot in a DM (`say` is for telling of an error)."""
    _answer(event, client, replies=replies, later=later, allowance=allowance, thread=None)


def app_mention(
    event: dict[str, Any],
    say: Say,
    client: WebClient,
    *,
    replies: Replies,
    later: Later,
    allowance: Allowance,
) -> None:
    """Answer a question put to the bot by mentioning it, in the thread of the mention."""
    thread = event.get("thread_ts") or event["ts"]
    _answer(event, client, replies=replies, later=later, allowance=allowance, thread=thread)


def _answer(
    event: dict[str, Any],
    client: WebClient,
    *,
    replies: Replies,
    later: Later,
    allowance: Allowance,
    thread: str | None,
) -> None:
    """Answer, within the person's allowance; past it, ask them once to slow down."""
    user_id, asked = event["user"], str(event.get("ts") or "")
    verdict = allowance.take(user_id)
    if verdict == "ignore":
        return
    message = (
        replies.to_question(event.get("text") or "", user_id=user_id).as_kwargs()
        if verdict == "answer"
        else {"text": SLOW_DOWN}
    )
    if thread is not None:
        message["thread_ts"] = thread
    # An answer that waits in the outbox names the person when it is for their DM (the same
    # conversation), so that /forgetme finds it.
    person = user_id if thread is None else None
    later.post(client, channel=event["channel"], message=message, about=f"{verdict} {asked}",
               person=person)  # fmt: skip


def home_opened(event: dict[str, Any], client: WebClient, *, replies: Replies) -> None:
    """Draw the Home tab (the person's agenda and what is on next) whenever it is opened."""
    if event.get("tab", "home") == "home":
        replies.publish_home(client, user_id=event["user"])

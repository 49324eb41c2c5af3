"""Questions asked in a direct message or by @mentioning the bot in a channel.

Both run after the event is acknowledged (see `bot.listeners.events.register`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Say

from bot.listeners.replies import reply_to_question


def direct_message(event: dict[str, Any], say: Say, context: BoltContext) -> None:
    """Answer a question sent to the bot in a DM."""
    message = reply_to_question(context, event.get("text") or "", user_id=event["user"])
    say(**message.as_kwargs())


def app_mention(event: dict[str, Any], say: Say, context: BoltContext) -> None:
    """Answer a question put to the bot by mentioning it, in the thread of the mention."""
    message = reply_to_question(context, event.get("text") or "", user_id=event["user"])
    say(thread_ts=event.get("thread_ts") or event["ts"], **message.as_kwargs())

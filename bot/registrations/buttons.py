"""Register and Unregister buttons, wherever they are: under an answer, in `/mysessions`, on
App Home, in a reminder or a channel post. The view is redrawn in place with the change
confirmed at its top."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.kit import section
from bot.blocks.values import STALE, pressed_value
from bot.registrations import Registrations
from bot.registrations.messages import change_notice
from bot.registrations.replies import Replies

GONE = "That session is no longer in the programme."


def session_button(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    replies: Replies,
    registrations: Registrations,
) -> None:
    """Register or unregister the person who pressed, then redraw where they pressed it."""
    user_id = body["user"]["id"]
    pressed = pressed_value(action)
    if pressed is None:
        respond(replace_original=False, response_type="ephemeral", text=STALE)
        return
    origin, session_id = pressed
    programme = registrations.programme
    session = programme.by_id.get(session_id or "")
    if session is None:
        notice = plain = GONE
    else:
        if ids.base(action["action_id"]) == ids.SESSION_REGISTER:
            change = registrations.register(user_id=user_id, session=session)
        else:
            change = registrations.unregister(user_id=user_id, session=session)
        notice = change_notice(change, programme.tz)
        plain = change_notice(change, programme.tz, plain=True)
    if origin.view == "home":
        replies.publish_home(client, user_id=user_id, notice=notice)
    elif origin.view in ("reminder", "channel"):
        # A reminder DM is the person's own: replace it. A channel post is everyone's: the
        # answer goes to the presser alone.
        mine = origin.view == "reminder"
        respond(
            replace_original=mine,
            response_type="ephemeral",
            text=plain,
            blocks=[section(notice)],
        )
    elif origin.view == "agenda":
        respond(replace_original=True, **replies.agenda(user_id=user_id, notice=notice).as_kwargs())
    else:
        message = replies.redraw(origin, user_id=user_id, notice=notice)
        respond(replace_original=True, **message.as_kwargs())

"""Register and Unregister buttons, wherever they are: under an answer, in `/mysessions`, on
App Home. The view is redrawn in place with the change confirmed at its top."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.kit import section
from bot.blocks.registrations import agenda_message, change_notice
from bot.blocks.values import read_button_value
from bot.listeners.actions.redraw import redraw_answer
from bot.listeners.events.home import publish_home
from bot.listeners.registering import change_registration
from bot.services import services_from

GONE = "That session is no longer in the programme."


def session_button(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    client: WebClient,
) -> None:
    """Register or unregister the person who pressed, then redraw where they pressed it."""
    services = services_from(context)
    user_id = body["user"]["id"]
    origin, session_id = read_button_value(action["value"])
    session = services.programme.by_id.get(session_id or "")
    if session is None:
        notice = plain = GONE
    else:
        register = action["action_id"] == ids.SESSION_REGISTER
        change = change_registration(
            services, client, user_id=user_id, session=session, register=register
        )
        notice = change_notice(change, services.programme.tz)
        plain = change_notice(change, services.programme.tz, plain=True)
    if origin.view == "home":
        publish_home(services, client, user_id=user_id, notice=notice)
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
        agenda = services.registrations.agenda(user_id=user_id)
        message = agenda_message(agenda, services.programme.tz, notice=notice)
        respond(replace_original=True, **message.as_kwargs())
    else:
        message = redraw_answer(services, origin, user_id=user_id, notice=notice)
        respond(replace_original=True, **message.as_kwargs())

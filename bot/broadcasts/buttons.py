"""The controls on an announcement preview (with the audience menu's search), the modal that
schedules one, and the Cancel buttons of `/announce scheduled`. Organisers only, checked again
on every press: anyone else is told so, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks import ids
from bot.broadcasts import Broadcasts
from bot.broadcasts.messages import OPTIONS_LIMIT, audience_options, later_modal, scheduled_message

NOWHERE = "ANNOUNCEMENTS_CHANNEL is not set: choose who gets it by DM first."


NOBODY = "Nobody is in that audience yet, so nothing was sent. Choose another audience, or Cancel."


def announce_audience(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    *,
    broadcasts: Broadcasts,
) -> None:
    """Choose who receives it; the preview shows the new count."""
    broadcast_id = action["block_id"].rpartition(":")[2]
    broadcasts.choose_audience(
        broadcast_id=broadcast_id, audience=action["selected_option"]["value"]
    )


def announce_audience_options(
    ack: Ack,
    body: dict[str, Any],
    *,
    broadcasts: Broadcasts,
) -> None:
    """The audiences matching what the organiser typed in the menu (every one when nothing
    is typed yet)."""
    found = broadcasts.find_audiences(str(body.get("value") or ""), limit=OPTIONS_LIMIT)
    ack(options=audience_options(found))


def announce_send(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    *,
    broadcasts: Broadcasts,
) -> None:
    """Send now. A second press, or a redelivered click, sends nothing more; an audience
    nobody is in is said so, and nothing is sent."""
    draft = broadcasts.get(action["value"])
    waiting = draft is not None and draft.status in ("draft", "scheduled")
    if waiting and draft is not None and broadcasts.nobody_to_send_to(draft):
        respond(response_type="ephemeral", replace_original=False, text=NOBODY)
        return
    broadcasts.send(broadcast_id=action["value"])


def announce_cancel(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    *,
    broadcasts: Broadcasts,
) -> None:
    """Drop the draft, the scheduled send, or what a sending broadcast has not sent yet."""
    broadcasts.cancel(broadcast_id=action["value"])


def announce_later(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    broadcasts: Broadcasts,
    clock: Callable[[], datetime],
) -> None:
    """Ask when to send, in a modal (opened at once: a trigger id lasts three seconds)."""
    ack()
    draft = broadcasts.get(action["value"])
    if draft is not None and draft.status == "draft" and broadcasts.sendable(draft):
        client.views_open(trigger_id=body["trigger_id"], view=later_modal(draft.id, now=clock()))


def announce_later_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    *,
    broadcasts: Broadcasts,
    clock: Callable[[], datetime],
) -> None:
    """Schedule it for the chosen time, which must be in the future."""
    picked = view["state"]["values"][ids.ANNOUNCE_WHEN_BLOCK][ids.ANNOUNCE_WHEN]
    stamp = picked.get("selected_date_time")
    when = datetime.fromtimestamp(int(stamp), UTC) if stamp else None
    if when is None or when <= clock():
        ack(
            response_action="errors",
            errors={ids.ANNOUNCE_WHEN_BLOCK: "Choose a time in the future."},
        )
        return
    draft = broadcasts.get(view["private_metadata"])
    if draft is not None and not broadcasts.sendable(draft):
        ack(response_action="errors", errors={ids.ANNOUNCE_WHEN_BLOCK: NOWHERE})
        return
    ack()
    broadcasts.schedule(broadcast_id=view["private_metadata"], when=when)


def announce_unschedule(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    *,
    broadcasts: Broadcasts,
) -> None:
    """Cancel a scheduled broadcast from `/announce scheduled`, and redraw the list."""
    broadcasts.cancel(broadcast_id=action["value"])
    tz = broadcasts.timezone
    respond(replace_original=True, **scheduled_message(broadcasts.recent(), tz).as_kwargs())

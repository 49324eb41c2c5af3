"""The controls on an announcement preview, the modal that schedules one, and the Cancel
buttons of `/announce scheduled`. Organisers only, checked again on every press."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.broadcasts import later_modal, scheduled_message
from bot.broadcasts import is_known
from bot.notify.broadcasts import job_id, schedule, send_broadcast, show_preview
from bot.services import Services, services_from
from bot.store import Broadcast

NOT_ORGANISER = "Sorry, only the week's organisers can send announcements."


def _draft(services: Services, body: dict[str, Any], broadcast_id: str) -> Broadcast | None:
    """The organiser's broadcast, if the presser may act on it."""
    if not services.is_organiser(body["user"]["id"]):
        return None
    return services.store.broadcast(broadcast_id=broadcast_id)


def announce_audience(
    action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Choose who receives it; the preview shows the new count."""
    services = services_from(context)
    draft = _draft(services, body, action["block_id"].rpartition(":")[2])
    audience = action["selected_option"]["value"]
    if draft is None or draft.status != "draft" or not is_known(audience, services.programme):
        return
    chosen = replace(draft, audience=audience)
    services.store.save_broadcast(broadcast=chosen)
    show_preview(services, client, chosen)


def announce_send(
    action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Send now. A second press, or a redelivered click, sends nothing more."""
    services = services_from(context)
    if _draft(services, body, action["value"]) is not None:
        send_broadcast(services, client, action["value"])


def announce_cancel(
    action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Drop the draft; nothing is posted."""
    services = services_from(context)
    draft = _draft(services, body, action["value"])
    if draft is not None and draft.status in ("draft", "scheduled"):
        services.jobs.cancel(job_id(draft.id))
        cancelled = replace(draft, status="cancelled")
        services.store.save_broadcast(broadcast=cancelled)
        show_preview(services, client, cancelled)


def announce_later(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Ask when to send, in a modal (opened at once: a trigger id lasts three seconds)."""
    ack()
    services = services_from(context)
    draft = _draft(services, body, action["value"])
    if draft is not None and draft.status == "draft":
        modal = later_modal(draft.id, now=services.clock())
        client.views_open(trigger_id=body["trigger_id"], view=modal)


def announce_later_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Schedule it for the chosen time, which must be in the future."""
    services = services_from(context)
    picked = view["state"]["values"][ids.ANNOUNCE_WHEN_BLOCK][ids.ANNOUNCE_WHEN]
    stamp = picked.get("selected_date_time")
    when = datetime.fromtimestamp(int(stamp), UTC) if stamp else None
    if when is None or when <= services.clock():
        ack(
            response_action="errors",
            errors={ids.ANNOUNCE_WHEN_BLOCK: "Choose a time in the future."},
        )
        return
    draft = _draft(services, body, view["private_metadata"])
    ack()
    if draft is None or draft.status != "draft":
        return
    scheduled = replace(draft, status="scheduled", send_at=when)
    services.store.save_broadcast(broadcast=scheduled)
    schedule(services, client, scheduled)
    show_preview(services, client, scheduled)


def announce_unschedule(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    client: WebClient,
) -> None:
    """Cancel a scheduled broadcast from `/announce scheduled`, and redraw the list."""
    services = services_from(context)
    announce_cancel(action, body, context, client)
    waiting = services.store.broadcasts()
    respond(replace_original=True, **scheduled_message(waiting, services.programme.tz).as_kwargs())

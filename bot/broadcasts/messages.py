"""Block Kit for organiser broadcasts: the preview with its controls, progress, history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks import ids
from bot.blocks.formatting import Message, escape, slack_moment, truncate
from bot.blocks.kit import Block, actions, button, context, header, section
from bot.broadcasts.records import Broadcast
from bot.outbox.records import Entry

OPTIONS_LIMIT = 100  # options in one answer to an external select
OPTION_TEXT_LIMIT = 75
NO_CHANNEL = "ANNOUNCEMENTS_CHANNEL is not set: this can go to registrants by DM only."


def preview_message(
    broadcast: Broadcast,
    *,
    audience_label: str,
    count: int | None,
    channel: str | None,
    tz: ZoneInfo,
    status: str | None = None,
) -> Message:
    """The organiser's preview: exactly what will be posted, who gets it, and the controls
    (while it is a draft). `count` is None for the channel; `status` replaces the controls.
    Without an announcements channel (`channel` None) the preview says so, and a draft for
    the channel can only be given a DM audience or cancelled: it offers no Send."""
    sendable = count is not None or channel is not None
    if count is not None:
        people = "person" if count == 1 else "people"
        reach = f"Goes by DM to {count:,} {people}: {escape(audience_label)}."
    elif channel is not None:
        reach = f"Goes to <#{channel}>."
    elif broadcast.status == "draft":
        reach = "Choose who gets it."
    else:
        reach = "To the announcements channel."
    draft = broadcast.status == "draft" and status is None
    notes = [f":warning: {NO_CHANNEL}", reach] if channel is None and draft else [reach]
    blocks: list[Block] = [
        header("Announcement preview"),
        section(truncate(broadcast.text, 3000)),  # as written: organisers may mean @channel
        context("\n".join(notes)),
    ]
    if draft:
        chosen = (broadcast.audience, audience_label) if sendable else None
        blocks.append(_controls(broadcast, chosen))
    else:
        blocks.append(section(status or describe_status(broadcast, tz)))
    text = f"Announcement preview ({broadcast.status}): {truncate(broadcast.text, 200)}"
    return Message(text=text, blocks=blocks)


def audience_options(audiences: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The options of the audience menu, answering what was typed: (value, label) pairs,
    at most `OPTIONS_LIMIT`."""
    return [_option(value, label) for value, label in audiences[:OPTIONS_LIMIT]]


def describe_status(broadcast: Broadcast, tz: ZoneInfo) -> str:
    """Where a broadcast stands, in one line."""
    if broadcast.status == "scheduled" and broadcast.send_at:
        when = _when(broadcast.send_at, tz)
        return f":clock3: Scheduled for {when}. `/announce scheduled` lists it."
    if broadcast.status == "cancelled" and broadcast.delivered:
        done = f"{broadcast.delivered:,} of {broadcast.recipients:,}"
        return f":x: Cancelled after it was sent to {done}; the rest were not sent."
    if broadcast.status == "cancelled":
        return ":x: Cancelled: nothing was sent."
    if broadcast.status == "sending":
        return f":outbox_tray: Sending… sent {broadcast.delivered:,} of {broadcast.recipients:,}."
    if broadcast.status == "sent" and broadcast.audience == "channel":
        if broadcast.failed:
            return ":warning: Could not be posted in the announcements channel. Is the bot in it?"
        return ":white_check_mark: Posted in the announcements channel."
    if broadcast.status == "sent":
        failed = f"; {broadcast.failed:,} could not be reached" if broadcast.failed else ""
        done = f"{broadcast.delivered:,} of {broadcast.recipients:,}"
        return f":white_check_mark: Sent to {done}{failed}."
    return "Draft."


def _controls(broadcast: Broadcast, chosen: tuple[str, str] | None) -> Block:
    """The audience menu (its options are loaded as the organiser types: there can be far
    more sessions than a menu holds), then Send now, Send later and Cancel; only Cancel
    while no audience it can be sent to is chosen (`chosen` None)."""
    select: dict[str, Any] = {
        "type": "external_select",
        "action_id": ids.ANNOUNCE_AUDIENCE,
        "placeholder": {"type": "plain_text", "text": "Choose who gets it"},
        "min_query_length": 0,
    }
    if chosen is not None:
        select["initial_option"] = _option(*chosen)
    send = button("Send now", action_id=ids.ANNOUNCE_SEND, value=broadcast.id) | {
        "style": "primary"
    }
    later = button("Send later…", action_id=ids.ANNOUNCE_LATER, value=broadcast.id)
    cancel = button("Cancel", action_id=ids.ANNOUNCE_CANCEL, value=broadcast.id) | {
        "style": "danger"
    }
    controls = actions(select, send, later, cancel) if chosen else actions(select, cancel)
    controls["block_id"] = f"{ids.ANNOUNCE_AUDIENCE}:{broadcast.id}"  # the select has no value
    return controls


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": _fit(label)}, "value": value[:150]}


def _fit(label: str) -> str:
    """`label` in an option's 75 characters, keeping a closing "(DM)" when the rest is cut."""
    if len(label) <= OPTION_TEXT_LIMIT:
        return label
    head, opening, tail = label.rpartition(" (")
    if not opening or len(tail) > 10:
        return truncate(label, OPTION_TEXT_LIMIT)
    suffix = opening + tail
    return truncate(head, OPTION_TEXT_LIMIT - len(suffix)) + suffix


def later_modal(broadcast_id: str, *, now: datetime) -> dict[str, Any]:
    """The modal that asks when to send."""
    return {
        "type": "modal",
        "callback_id": ids.ANNOUNCE_LATER_VIEW,
        "private_metadata": broadcast_id,
        "title": {"type": "plain_text", "text": "Send later"},
        "submit": {"type": "plain_text", "text": "Schedule"},
        "close": {"type": "plain_text", "text": "Back"},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.ANNOUNCE_WHEN_BLOCK,
                "label": {"type": "plain_text", "text": "When"},
                "element": {
                    "type": "datetimepicker",
                    "action_id": ids.ANNOUNCE_WHEN,
                    "initial_date_time": int(now.timestamp()) + 3600,
                },
            }
        ],
    }


def history_message(
    broadcasts: list[Broadcast],
    labels: dict[str, str],
    tz: ZoneInfo,
    *,
    problems: Sequence[Entry] = (),
) -> Message:
    """`/announce history`: the recent broadcasts, who sent them, to whom, and how it went;
    and what the bot could not deliver lately (`problems`: failed or expired messages)."""
    trouble = [context(_problems(problems))] if problems else []
    if not broadcasts:
        return Message(
            text="No announcements yet.", blocks=[section("No announcements yet."), *trouble]
        )
    blocks: list[Block] = [header("Recent announcements"), *trouble]
    for item in broadcasts:
        when = _when(item.sent_at or item.send_at or item.created_at, tz)
        audience = escape(labels.get(item.audience, item.audience))
        blocks.append(
            section(
                f"*{when}* by <@{item.organiser_id}> to {audience}: "
                f"{item.status}, {item.delivered:,} delivered, {item.failed:,} failed\n"
                f"> {escape(truncate(item.text, 300))}"
            )
        )
    return Message(text=f"{len(broadcasts)} recent announcements.", blocks=blocks[:50])


_NAMES = {
    "reminder": "reminder",
    "starting_soon": "“starting soon” post",
    "broadcast": "announcement message",
    "promotion": "waitlist place message",
    "change": "programme change message",
}


def _problems(problems: Sequence[Entry]) -> str:
    """ ":warning: Not delivered in the last day: 3 reminders expired (Slack was failing);
    1 announcement message failed (user_not_found)"."""
    counts = Counter((entry.kind, entry.status, entry.detail if entry.status == "failed" else "")
                     for entry in problems)  # fmt: skip
    parts = []
    for (kind, status, detail), count in sorted(counts.items()):
        name = _NAMES.get(kind, kind) + ("" if count == 1 else "s")
        why = f" ({escape(detail)})" if detail else " (Slack kept failing)"
        parts.append(f"{count:,} {name} {status}{why}")
    return ":warning: Not delivered in the last day: " + "; ".join(parts[:10]) + "."


def scheduled_message(broadcasts: list[Broadcast], tz: ZoneInfo) -> Message:
    """`/announce scheduled`: what is waiting to go, each with a Cancel button."""
    waiting = [b for b in broadcasts if b.status == "scheduled"]
    if not waiting:
        text = "No announcements are scheduled."
        return Message(text=text, blocks=[section(text)])
    blocks: list[Block] = [header("Scheduled announcements")]
    for item in waiting[:45]:
        block = section(
            f"*{_when(item.send_at or item.created_at, tz)}*\n{escape(truncate(item.text, 500))}"
        )
        block["accessory"] = button("Cancel", action_id=ids.ANNOUNCE_UNSCHEDULE, value=item.id)
        blocks.append(block)
    return Message(text=f"{len(waiting)} scheduled announcements.", blocks=blocks)


def _when(moment: datetime, tz: ZoneInfo) -> str:
    return slack_moment(moment, tz)

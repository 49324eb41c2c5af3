"""Render a Slack message (text and Block Kit) as readable terminal text. Pure functions."""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
_MENTION = re.compile(r"<([#@])([A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(channel|here|everyone)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
BOLD_ON, BOLD_OFF, DIM_ON = "\033[1m", "\033[0m", "\033[2m"
EMOJI = {
    ":white_check_mark:": "✅",
    ":tada:": "🎉",
    ":warning:": "⚠️",
    ":x:": "❌",
    ":no_entry:": "⛔",
    ":alarm_clock:": "⏰",
    ":clock3:": "🕒",
    ":outbox_tray:": "📤",
    ":loudspeaker:": "📢",
    ":pencil2:": "✏️",
    ":leftwards_arrow_with_hook:": "↩️",
    ":bell:": "🔔",
    ":no_bell:": "🔕",
    ":wastebasket:": "🗑️",
    ":calendar:": "📅",
    ":mortar_board:": "🎓",
    ":speech_balloon:": "💬",
}
LONG_LINK = 80  # characters: a longer link (Add to calendar) is shown by its label only


def _link(match: re.Match[str]) -> str:
    url, label = match[1], match[2]
    return label if len(url) > LONG_LINK else f"{label} ({url})"


def mrkdwn_to_text(mrkdwn: str, *, colour: bool = False) -> str:
    """Slack mrkdwn as terminal text: dates shown by their fallback, links as `label (url)`
    (or the label alone, for a link too long to read)."""
    text = _DATE.sub(r"\1", mrkdwn)
    text = _LINK.sub(_link, text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _MENTION.sub(lambda m: m[1] + (m[3] or m[2]), text)
    text = _SPECIAL.sub(r"@\1", text)
    text = _BOLD.sub(rf"{BOLD_ON}\1{BOLD_OFF}" if colour else r"\1", text)
    text = _ITALIC.sub(r"\1", text).replace("`", "")
    for code, symbol in EMOJI.items():
        text = text.replace(code, symbol)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


MENUS = ("static_select", "external_select")
PRESSABLE = ("button", *MENUS)


@dataclass(frozen=True)
class Control:
    """A button or menu of a message, and the block it sits in."""

    block_id: str
    element: dict[str, Any]


def controls(message: dict[str, Any]) -> list[Control]:
    """The buttons and menus of `message` (or of a view), in the order `render_message` shows
    and numbers them."""
    found = []
    for number, block in enumerate(message.get("blocks") or []):
        block_id = block.get("block_id") or f"console-block-{number}"
        for element in _elements(block):
            if element.get("type") in PRESSABLE:
                found.append(Control(block_id, element))
    return found


def render_message(
    message: dict[str, Any], *, width: int = 80, colour: bool = False, first: int | None = None
) -> str:
    """The whole message as it would read in Slack, wrapped to `width`. With `first`, its
    buttons and menus are numbered from `first`, as `[1 Register]`."""
    blocks = message.get("blocks") or []
    if not blocks:
        return _wrap(mrkdwn_to_text(message.get("text", ""), colour=colour), width)
    numbers = None if first is None else itertools.count(first)
    parts = [_render_block(block, width, colour, numbers) for block in blocks]
    return "\n".join(part for part in parts if part)


def _elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if block.get("type") == "section" and block.get("accessory"):
        yield block["accessory"]
    elif block.get("type") == "actions":
        yield from block.get("elements") or []


def _label(element: dict[str, Any], numbers: Iterator[int] | None) -> str:
    """`[Register]`, `[2 Register]`, `[3 Everyone registered (DM) ▾]`."""
    if element.get("type") in MENUS:
        chosen = element.get("initial_option") or {"text": element.get("placeholder") or {}}
        text = f"{chosen['text'].get('text', '')} ▾"
    else:
        text = (element.get("text") or {}).get("text", "")
    if numbers is not None and element.get("type") in PRESSABLE:
        return f"[{next(numbers)} {text}]"
    return f"[{text}]"


def _render_block(
    block: dict[str, Any], width: int, colour: bool, numbers: Iterator[int] | None
) -> str:
    kind = block.get("type")
    if kind == "header":
        title = block["text"]["text"]
        return (
            f"{BOLD_ON}{title}{BOLD_OFF}" if colour else f"{title}\n{'=' * min(len(title), width)}"
        )
    if kind == "section":
        body = _wrap(mrkdwn_to_text(block.get("text", {}).get("text", ""), colour=colour), width)
        accessory = block.get("accessory") or {}
        if accessory.get("type") in PRESSABLE:
            body += "\n" + _label(accessory, numbers)
        return body + "\n"
    if kind == "context":
        texts = [mrkdwn_to_text(e.get("text", ""), colour=colour) for e in block["elements"]]
        line = _wrap(" ".join(texts), width - 2, indent="  ")
        return f"{DIM_ON}{line}{BOLD_OFF}" if colour else line
    if kind == "actions":
        return "  ".join(_label(element, numbers) for element in block["elements"])
    if kind == "divider":
        return "-" * min(width, 40)
    return ""


def _wrap(text: str, width: int, indent: str = "") -> str:
    return "\n".join(
        textwrap.fill(line, width=width, initial_indent=indent, subsequent_indent=indent) or indent
        for line in text.splitlines()
    )

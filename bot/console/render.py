"""Render a Slack message (text and Block Kit) as readable terminal text. Pure functions."""

from __future__ import annotations

import re
import textwrap
from typing import Any

_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
BOLD_ON, BOLD_OFF, DIM_ON = "\033[1m", "\033[0m", "\033[2m"
EMOJI = {":white_check_mark:": "✅", ":tada:": "🎉", ":warning:": "⚠️"}


def mrkdwn_to_text(mrkdwn: str, *, colour: bool = False) -> str:
    """Slack mrkdwn as terminal text: dates shown by their fallback, links as `label (url)`."""
    text = _DATE.sub(r"\1", mrkdwn)
    text = _LINK.sub(r"\2 (\1)", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _BOLD.sub(rf"{BOLD_ON}\1{BOLD_OFF}" if colour else r"\1", text)
    text = _ITALIC.sub(r"\1", text).replace("`", "")
    for code, symbol in EMOJI.items():
        text = text.replace(code, symbol)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_message(message: dict[str, Any], *, width: int = 80, colour: bool = False) -> str:
    """The whole message as it would read in Slack, wrapped to `width`."""
    blocks = message.get("blocks") or []
    if not blocks:
        return _wrap(mrkdwn_to_text(message.get("text", ""), colour=colour), width)
    parts = [_render_block(block, width, colour) for block in blocks]
    return "\n".join(part for part in parts if part)


def _render_block(block: dict[str, Any], width: int, colour: bool) -> str:
    kind = block.get("type")
    if kind == "header":
        title = block["text"]["text"]
        return (
            f"{BOLD_ON}{title}{BOLD_OFF}" if colour else f"{title}\n{'=' * min(len(title), width)}"
        )
    if kind == "section":
        body = _wrap(mrkdwn_to_text(block.get("text", {}).get("text", ""), colour=colour), width)
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "button":
            body += f"\n[{accessory['text']['text']}]"
        return body + "\n"
    if kind == "context":
        texts = [mrkdwn_to_text(e.get("text", ""), colour=colour) for e in block["elements"]]
        line = _wrap(" ".join(texts), width - 2, indent="  ")
        return f"{DIM_ON}{line}{BOLD_OFF}" if colour else line
    if kind == "actions":
        labels = [e.get("text", {}).get("text", "") for e in block["elements"]]
        return "  ".join(f"[{label}]" for label in labels)
    if kind == "divider":
        return "-" * min(width, 40)
    return ""


def _wrap(text: str, width: int, indent: str = "") -> str:
    return "\n".join(
        textwrap.fill(line, width=width, initial_indent=indent, subsequent_indent=indent) or indent
        for line in text.splitlines()
    )

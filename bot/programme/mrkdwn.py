"""A session's description is Slack mrkdwn (`python -m bot import` writes it so from HTML
and Markdown; typed by hand it is usually plain text, which is mrkdwn too). Shown in Slack,
only its web links (`<https://…|text>`) and Slack's own escapes (`&amp;`, `&lt;`, `&gt;`) are
let through as they are: every other `&`, `<` and `>` is escaped, so a description can never
mention a channel or a person. Where Slack does not show it (calendars, the search), its
plain text is used."""

from __future__ import annotations

import html
import re

# `<https://…|text>` or `<https://…>`: the only markup passed through as it is.
_LINK = re.compile(r"<((?:https?://|mailto:)[^\s<>|]+)(?:\|([^<>]*))?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_ESCAPE = re.compile(r"&(?:amp|lt|gt);|[&<>]")


def safe(text: str) -> str:
    """`text` as mrkdwn that can only link to web pages: Slack's escapes and web links kept,
    any other `&`, `<` or `>` escaped."""
    out, at = [], 0
    for link in _LINK.finditer(text):
        out.append(_escaped(text[at : link.start()]))
        url, label = _escaped(link[1]), link[2]
        out.append(f"<{url}|{_escaped(label)}>" if label else f"<{url}>")
        at = link.end()
    out.append(_escaped(text[at:]))
    return "".join(out)


def plain(text: str, *, urls: bool = True) -> str:
    """`text` as plain text: a link as `text (url)` (the url alone when it is its own text),
    or its text alone without `urls`; Slack's escapes undone."""

    def link(match: re.Match[str]) -> str:
        url, label = html.unescape(match[1]), html.unescape(match[2] or "")
        if not label or label == url:
            return url if urls else ""
        return f"{label} ({url})" if urls else label

    out, at = [], 0
    for match in _LINK.finditer(text):
        out.append(_unescaped(text[at : match.start()]))
        out.append(link(match))
        at = match.end()
    out.append(_unescaped(text[at:]))
    return "".join(out)


def cut(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters, with "…" when shortened, never inside
    a link or an escape (a half link would show as text)."""
    if len(text) <= limit:
        return text
    end = max(limit - 1, 0)
    for span in (*_LINK.finditer(text), *_ENTITY.finditer(text)):
        if span.start() < end < span.end():
            end = span.start()
    return text[:end].rstrip() + "…"


def _escaped(text: str) -> str:
    return _ESCAPE.sub(lambda m: m[0] if len(m[0]) > 1 else html.escape(m[0], quote=False), text)


def _unescaped(text: str) -> str:
    return _ENTITY.sub(lambda m: html.unescape(m[0]), text)

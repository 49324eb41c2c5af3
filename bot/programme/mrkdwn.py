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


def cut_at_word(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters, with "…" when shortened, ended between
    words (at a paragraph or sentence when one ends late enough), never inside a link or an
    escape."""
    if len(text) <= limit:
        return text
    kept = text[: _break(text, max(limit - 2, 0))].rstrip()
    return kept + (" …" if kept.endswith((".", "!", "?")) else "…")


def pieces(text: str, limit: int) -> list[str]:
    """`text` in consecutive pieces of at most `limit` characters each, broken between
    paragraphs, lines or words, never inside a link or an escape."""
    found = []
    rest = text.strip()
    while rest:
        if len(rest) <= limit:
            found.append(rest)
            break
        end = _break(rest, limit) or limit  # one word longer than a piece: cut through it
        found.append(rest[:end].rstrip())
        rest = rest[end:].lstrip()
    return found


def _break(text: str, end: int) -> int:
    """Where to end `text` at or before `end`: after a paragraph, a line, a sentence or a
    word, whichever ends in the last half; never inside a link or an escape (0 when there is
    no such place)."""
    spans = [(m.start(), m.end()) for m in (*_LINK.finditer(text), *_ENTITY.finditer(text))]
    for start, stop in spans:
        if start < end < stop:
            end = start
    for mark in ("\n\n", "\n", ". ", " "):
        at = text.rfind(mark, end // 2, end)
        while at > 0 and any(start < at < stop for start, stop in spans):
            at = text.rfind(mark, end // 2, at)
        if at > 0:
            return at + (1 if mark == ". " else 0)
    return end


def _escaped(text: str) -> str:
    return _ESCAPE.sub(lambda m: m[0] if len(m[0]) > 1 else html.escape(m[0], quote=False), text)


def _unescaped(text: str) -> str:
    return _ENTITY.sub(lambda m: html.unescape(m[0]), text)

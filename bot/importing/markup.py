"""Descriptions as Slack mrkdwn: what exports write in them (Markdown, as pretalx and frab
render it, with HTML among it, or HTML alone) turned into what Slack shows.

Links become `<https://…|text>`, bold `*text*`, italics `_text_`, list items `• text` (or
`1. text`), headings a line in bold, paragraphs and `<br>` new lines; every other tag is
dropped and its text kept. `&`, `<` and `>` in the text are escaped as Slack requires, so
no description can mention a channel or make a link of its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "blockquote", "figure", "table",
    "address", "details", "summary", "dl", "dt", "dd", "hr", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROPPED = {"script", "style", "head", "title", "template", "iframe", "object", "svg"}
_MARKS = {"b": "*", "strong": "*", "i": "_", "em": "_", "s": "~", "strike": "~", "del": "~"}
_LINKABLE = re.compile(r"(?:https?://|mailto:)\S+", re.IGNORECASE)
_LINE_START = re.compile(r"\s*(?:(?:[•◦]|\d+\.) )?")


def to_mrkdwn(text: str) -> str:
    """`text` (Markdown, HTML or plain) as Slack mrkdwn."""
    if not text.strip():
        return ""
    converter = _Converter()
    converter.feed(_markdown().render(text))
    converter.close()
    return converter.result()


@functools.cache
def _markdown() -> MarkdownIt:
    """CommonMark, as pretalx and frab render descriptions; raw HTML passes through to the
    converter below, and a single new line is a line break, as people who type one mean it.
    Loaded on first use: only `import` needs it, and the bot starts about 50 ms sooner without."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "breaks": True})


def escape(text: str) -> str:
    """Text that is not markup, as Slack requires it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class _Link:
    href: str | None
    words: list[str] = field(default_factory=list)


class _Converter(HTMLParser):
    """HTML (as the Markdown renderer writes it, with whatever HTML the text had) to mrkdwn.
    Text is gathered into lines; whitespace inside a line is collapsed as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._lists: list[list[int]] = []  # per open list: [next number], or [] for bullets
        self._link: _Link | None = None
        self._dropping = 0
        self._pre = 0
        self._marks: list[tuple[str, int]] = []  # open mark and where its text starts

    # Structure

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag == "br":
            self._newline()
        elif tag in ("ul", "ol"):
            self._break()
            self._lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._item()
        elif tag in _HEADINGS:
            self._paragraph()
            self._open_mark("*")
        elif tag == "pre":
            self._paragraph()
            self._out.append("```\n")
            self._pre += 1
        elif tag in _BLOCKS:
            self._paragraph()
        elif tag in ("td", "th"):
            self._cell()
        elif tag == "tr":
            self._break()
        elif tag in _MARKS and self._link is None:
            self._open_mark(_MARKS[tag])
        elif tag == "code" and not self._pre and self._link is None:
            self._open_mark("`")
        elif tag == "a" and self._link is None:
            self._link = _Link(href=dict(attrs).get("href"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag == "br":  # `</br>`, as some write it, is a line break to browsers too
            self._newline()
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._break()
        elif tag == "li":
            self._break()
        elif tag in _HEADINGS:
            self._close_mark("*")
            self._paragraph()
        elif tag == "pre":
            if self._pre:
                self._pre -= 1
                self._break()
                self._out.append("```")
            self._paragraph()
        elif tag in _BLOCKS:
            self._paragraph()
        elif tag in _MARKS and self._link is None:
            self._close_mark(_MARKS[tag])
        elif tag == "code" and not self._pre and self._link is None:
            self._close_mark("`")
        elif tag == "a" and self._link is not None:
            link, self._link = self._link, None
            self._write_link(link)

    def handle_data(self, data: str) -> None:
        if self._dropping:
            return
        if self._pre:
            self._out.append(escape(data))
            return
        text = re.sub(r"\s+", " ", data)
        if self._link is not None:
            self._link.words.append(text)
            return
        if self._at_line_start():
            text = text.lstrip()
        self._out.append(escape(text))

    # Output

    def _write_link(self, link: _Link) -> None:
        words = " ".join("".join(link.words).split())
        href = (link.href or "").strip()
        if not _LINKABLE.fullmatch(href):
            self._out.append(escape(words))  # a relative or scripted link: its words only
            return
        url = escape(href.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C"))
        if not words or words == href:
            self._out.append(f"<{url}>")
        else:
            self._out.append(f"<{url}|{escape(words)}>")

    def _open_mark(self, mark: str) -> None:
        if any(open_mark == mark for open_mark, _ in self._marks):
            self._marks.append((mark, -1))  # bold within bold is just bold
            return
        self._marks.append((mark, len(self._out)))
        self._out.append("")  # replaced by the mark when it closes around some text

    def _close_mark(self, mark: str) -> None:
        if not self._marks or self._marks[-1][0] != mark:
            return
        _, at = self._marks.pop()
        if at < 0:
            return
        inner = "".join(self._out[at + 1 :])
        stripped = inner.strip()
        if not stripped or "\n" in stripped:
            return  # nothing to mark, or more than a line: Slack would not mark it
        # Slack marks text only when the marks touch it: `*bold*`, never `* bold *`.
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()) :]
        self._out[at:] = [f"{lead}{mark}{stripped}{mark}{trail}"]

    def _item(self) -> None:
        self._break()
        depth = max(len(self._lists) - 1, 0)
        numbers = self._lists[-1] if self._lists else []
        if numbers:
            bullet = f"{numbers[0]}."
            numbers[0] += 1
        else:
            bullet = "•" if depth % 2 == 0 else "◦"
        self._out.append(f"{'    ' * depth}{bullet} ")

    def _cell(self) -> None:
        if not self._at_line_start():
            self._out.append(" · ")

    def _newline(self) -> None:
        self._out.append("\n")

    def _break(self) -> None:
        """A new line, unless one was just started."""
        if not self._at_line_start():
            self._out.append("\n")

    def _paragraph(self) -> None:
        """An empty line between blocks (a list item's paragraphs stay in the item)."""
        if self._lists:
            self._break()
            return
        text = "".join(self._out)
        if text.strip() and not text.endswith("\n\n"):
            self._out.append("\n" if text.endswith("\n") else "\n\n")

    def _at_line_start(self) -> bool:
        """Whether nothing but a list item's bullet has been written on the current line."""
        text = "".join(self._out)
        return _LINE_START.fullmatch(text[text.rfind("\n") + 1 :]) is not None

    def result(self) -> str:
        text = "".join(self._out)
        lines = [line.rstrip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
        return text.strip("\n").strip()

"""Descriptions as exports write them (HTML, Markdown, both, or plain text) made into Slack
mrkdwn: links, bold, italics and lists that Slack shows, and nothing else that Slack reads as
markup."""

from __future__ import annotations

import pytest

from bot.importing.markup import to_mrkdwn


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'my box generator <a href="https://festi.info/boxes.py/?language=en">Boxes.py</a>.',
            "my box generator <https://festi.info/boxes.py/?language=en|Boxes.py>.",
        ),
        (
            "See [the docs](https://example.org/a?b=1&c=2).",
            "See <https://example.org/a?b=1&amp;c=2|the docs>.",
        ),
        ("<https://example.org/>", "<https://example.org/>"),
        (
            '<a href="https://example.org/x|y">a <b>bold</b> link</a>',
            "<https://example.org/x%7Cy|a bold link>",
        ),
        (
            '<a href="/talk/ABC/">relative</a> and <a href="javascript:alert(1)">script</a>',
            "relative and script",
        ),
        ("<p>One</p><p>Two<br>lines</p>", "One\n\nTwo\nlines"),
        ("first</br>second", "first\nsecond"),
        ("**bold** and __bold__, *it* and _it_", "*bold* and *bold*, _it_ and _it_"),
        ("<strong> spaced </strong>and <em>it</em>", "*spaced* and _it_"),
        ("<b><strong>twice</strong></b>", "*twice*"),
        ("a `utk` command", "a `utk` command"),
        ("- one\n- two\n  - nested\n\nafter", "• one\n• two\n    ◦ nested\n\nafter"),
        ("1. first\n2. second", "1. first\n2. second"),
        ("<ul> <li>IBM i</li> <li>TRON</li> </ul> More later.", "• IBM i\n• TRON\nMore later."),
        ("<h2>Inhalt</h2><p>Text</p>", "*Inhalt*\n\nText"),
        ("Q&amp;A &lt;3 &quot;quoted&quot; &#8211; R&D", 'Q&amp;A &lt;3 "quoted" – R&amp;D'),
        ("Ages <16 & over 60 > all", "Ages &lt;16 &amp; over 60 &gt; all"),
        ("Line one\nline two", "Line one\nline two"),
        ("<small>English below</small>\n<P>Upper case</P>", "English below\n\nUpper case"),
        ("<script>alert(1)</script><style>p{}</style>Text", "Text"),
        ("", ""),
        ("   \n ", ""),
    ],
)
def test_html_and_markdown_become_mrkdwn(text: str, expected: str) -> None:
    assert to_mrkdwn(text) == expected


def test_nothing_typed_can_mention_anyone_or_link_elsewhere() -> None:
    shown = to_mrkdwn("<!channel> hi <@U123> <#C1|general> <http://evil|click> &lt;!here&gt;")
    assert "<!channel>" not in shown and "<@U123>" not in shown and "<!here>" not in shown
    assert "<#C1" not in shown
    assert "&lt;@U123&gt;" in shown and "&lt;!here&gt;" in shown


def test_a_code_block_keeps_its_lines() -> None:
    assert (
        to_mrkdwn("Run:\n\n    make && make install\n")
        == "Run:\n\n```\nmake &amp;&amp; make install\n```"
    )

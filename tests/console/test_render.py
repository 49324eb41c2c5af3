from __future__ import annotations

from bot.console.render import mrkdwn_to_text, render_message


def test_mrkdwn_to_text() -> None:
    mrkdwn = (
        "*Racism &amp; practice*\n<!date^1679401800^{date_short_pretty}|Tue 21 Mar, 12:30 GMT>"
        " · <https://example.org/j|Join online> · _soon_ `code`"
    )
    assert mrkdwn_to_text(mrkdwn) == (
        "Racism & practice\nTue 21 Mar, 12:30 GMT · Join online (https://example.org/j) · soon code"
    )
    assert mrkdwn_to_text("*bold*", colour=True) == "\033[1mbold\033[0m"


def test_render_message_blocks() -> None:
    message = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Tuesday"}},
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": ":white_check_mark: *One*"},
                "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Go"}},
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "hint"}]},
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "More ›"}}],
            },
        ],
    }
    assert render_message(message) == "Tuesday\n=======\n✅ One\n[Go]\n\n  hint\n[More ›]"
    assert render_message({"text": "just *text*"}) == "just text"

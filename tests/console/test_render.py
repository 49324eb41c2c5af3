from __future__ import annotations

from bot.console.render import controls, mrkdwn_to_text, render_message


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


def test_buttons_and_menus_are_numbered_in_the_order_shown() -> None:
    menu = {
        "type": "external_select",
        "action_id": "pick",
        "placeholder": {"type": "plain_text", "text": "Choose"},
    }
    message = {
        "blocks": [
            {
                "type": "section",
                "block_id": "first",
                "text": {"type": "mrkdwn", "text": "One"},
                "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Go"}},
            },
            {
                "type": "actions",
                "elements": [
                    menu,
                    {"type": "button", "text": {"type": "plain_text", "text": "More ›"}},
                ],
            },
        ]
    }
    assert render_message(message, first=3) == "One\n[3 Go]\n\n[4 Choose ▾]  [5 More ›]"
    assert render_message(message).endswith("[Go]\n\n[Choose ▾]  [More ›]")
    found = controls(message)
    assert [control.block_id for control in found] == [
        "first",
        "console-block-1",
        "console-block-1",
    ]
    assert found[1].element is menu

    chosen = menu | {"initial_option": {"text": {"type": "plain_text", "text": "All"}}}
    assert "[1 All ▾]" in render_message(
        {"blocks": [{"type": "actions", "elements": [chosen]}]}, first=1
    )


def test_mentions_read_as_names() -> None:
    assert (
        mrkdwn_to_text("<#C0123> <#C0456|news> <@U0789> <!channel>")
        == "#C0123 #news @U0789 @channel"
    )

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.blocks.formatting import (
    Message,
    escape,
    from_slack_text,
    slack_time_range,
    truncate,
)

LONDON = ZoneInfo("Europe/London")


def test_escape_defuses_mentions_and_links() -> None:
    assert escape("<!channel> & <@U123> <http://x|y>") == (
        "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;http://x|y&gt;"
    )


def test_truncate() -> None:
    assert truncate("abcdef", 6) == "abcdef"
    assert truncate("abcdef", 4) == "abc…"


def test_slack_time_range_renders_for_each_reader_with_event_time_fallback() -> None:
    start = datetime(2023, 3, 21, 12, 30, tzinfo=LONDON)
    end = datetime(2023, 3, 21, 14, 0, tzinfo=LONDON)
    assert slack_time_range(start, end) == (
        "<!date^1679401800^{date_short_pretty}, {time}|Tue 21 Mar, 12:30>"
        "–<!date^1679407200^{time}|14:00 GMT>"
    )
    summer = datetime(2023, 3, 27, 9, 0, tzinfo=LONDON)
    assert "|09:00 BST>" in slack_time_range(summer, summer)


def test_from_slack_text_reads_what_the_person_typed() -> None:
    assert from_slack_text("<@UBOT> racism &amp; &lt;b&gt;?") == "racism & <b>?"
    assert from_slack_text("see <https://example.org|this> in <#C1|general>") == (
        "see this in general"
    )
    assert from_slack_text("<!channel>  what's on   now") == "what's on now"


def test_a_private_reply_is_encoded_once_as_slack_reads_it() -> None:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": "Café · *Tuesday*"}}
    message = Message("Tuesday · 1 session", [block])
    body = message.ephemeral_json
    assert json.loads(body) == {
        "text": "Tuesday · 1 session",
        "response_type": "ephemeral",
        "blocks": [block],
    }
    assert message.ephemeral_json is body  # not encoded again for the next person

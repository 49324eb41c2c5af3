"""What the console shows of what the bot sends to the stand-in Slack: messages and views
shown, files saved, responses shown in place."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.console.display import CHANNEL_ID, USER_ID, Display, Shown, size_words
from bot.standin.fake_slack import FakeSlack

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}


@dataclass
class Watched:
    """A WebClient talking to a stand-in Slack that a `Display` watches."""

    web: WebClient
    slack: FakeSlack
    display: Display
    shown: list[Shown] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@contextmanager
def watched(files: Path | None) -> Iterator[Watched]:
    shown: list[Shown] = []
    notes: list[str] = []
    with FakeSlack() as slack:
        display = Display(shown.append, notes.append, uploads=slack.uploads, files=files)
        slack.observer = display
        web = WebClient(token=slack.bot_token, base_url=slack.api_url)
        yield Watched(web, slack, display, shown, notes)
        assert slack.violations == []


def test_files_upload_v2_saves_the_file(tmp_path: Path) -> None:
    with watched(tmp_path) as it:
        dm = it.web.conversations_open(users=USER_ID)["channel"]["id"]
        assert dm == CHANNEL_ID
        content = "session,user\n" + "tue-racism,U0CONSOLEUSER\n" * 200
        response = it.web.files_upload_v2(
            channel=dm,
            content=content.encode(),
            filename="attendance.csv",
            title="Attendance",
            initial_comment="Here it is.",
        )
    assert response["file"]["name"] == "attendance.csv"
    assert (tmp_path / "attendance.csv").read_text() == content
    assert [s.message["text"] for s in it.shown] == ["Here it is."]
    assert it.notes == [f"📎 attendance.csv (5 KB) saved to {tmp_path / 'attendance.csv'}"]


def test_files_go_to_a_temporary_directory_unless_given_removed_on_closing() -> None:
    with watched(None) as it:
        it.web.files_upload_v2(channel=CHANNEL_ID, content=b"x", filename="../../a.csv")
        notes = it.notes
        until = " (until the console closes)"
        saved = Path(notes[0].rpartition(" saved to ")[2].removesuffix(until))
        try:
            assert notes[0].startswith("📎 a.csv (1 byte) saved to ") and notes[0].endswith(until)
            assert saved.name == "a.csv" and saved.parent.name.startswith("bot-console-")
            assert saved.read_bytes() == b"x"
            it.display.close()
            assert not saved.parent.exists()
        finally:
            shutil.rmtree(saved.parent, ignore_errors=True)


def test_a_folder_given_is_kept_on_closing(tmp_path: Path) -> None:
    with watched(tmp_path / "files") as it:
        it.web.files_upload_v2(channel=CHANNEL_ID, content=b"x", filename="a.csv")
        it.display.close()
    assert (tmp_path / "files" / "a.csv").read_bytes() == b"x"


def test_messages_say_where_they_went(tmp_path: Path) -> None:
    with watched(tmp_path) as it:
        posted = it.web.chat_postMessage(channel=USER_ID, text="to you")
        assert posted["channel"] == CHANNEL_ID
        it.web.chat_postMessage(channel="C0SOMEWHERE", text="to a channel")
        it.web.chat_postMessage(channel="U0OTHER", text="to someone else")
        it.web.chat_update(channel=CHANNEL_ID, ts=posted["ts"], text="changed")
        it.web.chat_postEphemeral(channel="C0SOMEWHERE", user=USER_ID, text="only you")
        it.web.views_publish(user_id=USER_ID, view={"type": "home", "blocks": [SECTION]})
    assert [(s.channel, s.note) for s in it.shown] == [
        (CHANNEL_ID, ""),
        ("C0SOMEWHERE", "In #C0SOMEWHERE"),
        ("D0OTHER", "In a DM with U0OTHER"),
        (CHANNEL_ID, "Updated"),
        ("C0SOMEWHERE", "In #C0SOMEWHERE"),
        (CHANNEL_ID, "Home tab"),
    ]
    assert it.shown[3].ts == posted["ts"] and it.shown[4].ephemeral and it.shown[5].view
    assert it.shown[5].message["id"]  # the view as Slack holds it, to press its buttons


def test_a_form_cannot_be_filled_in(tmp_path: Path) -> None:
    with watched(tmp_path) as it:
        title = {"type": "plain_text", "text": "Send later"}
        it.web.views_open(
            trigger_id="1.2.3", view={"type": "modal", "title": title, "blocks": [SECTION]}
        )
    assert it.shown == []
    assert it.notes == [
        "» Send later: a form opens here in Slack; forms cannot be filled in offline."
    ]


def test_responses_are_shown_in_place_or_removed(tmp_path: Path) -> None:
    with watched(tmp_path) as it:
        WebhookClient(it.slack.response_url("1")).send(text="Only you", replace_original=True)
        WebhookClient(it.slack.response_url("2")).send(text="All", response_type="in_channel")
        WebhookClient(it.slack.response_url("3")).send_dict({"delete_original": True})
    assert [(s.message, s.ephemeral) for s in it.shown] == [
        ({"text": "Only you"}, True),
        ({"text": "All", "response_type": "in_channel"}, False),
    ]
    assert it.notes == ["» The message with that button was removed."]


def test_size_words() -> None:
    assert size_words(1) == "1 byte"
    assert size_words(900) == "900 bytes"
    assert size_words(3 * 1024 + 10) == "3 KB"

"""The console's stand-in Web API client: messages and views shown, files saved."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.console.client import CHANNEL_ID, USER_ID, ConsoleClient, Shown, size_words


def client(tmp_path: Path) -> tuple[ConsoleClient, list[Shown], list[str]]:
    shown: list[Shown] = []
    notes: list[str] = []
    return ConsoleClient(shown.append, notes.append, files=tmp_path), shown, notes


def test_files_upload_v2_saves_the_file(tmp_path: Path) -> None:
    web, shown, notes = client(tmp_path)
    dm = web.conversations_open(users=USER_ID)["channel"]["id"]
    assert dm == CHANNEL_ID
    content = "session,user\n" + "tue-racism,U0CONSOLEUSER\n" * 200
    response = web.files_upload_v2(
        channel=dm,
        content=content.encode(),
        filename="attendance.csv",
        title="Attendance",
        initial_comment="Here it is.",
    )
    assert response["file"]["name"] == "attendance.csv"
    assert (tmp_path / "attendance.csv").read_text() == content
    assert [s.message["text"] for s in shown] == ["Here it is."]
    assert notes == [f"📎 attendance.csv (5 KB) saved to {tmp_path / 'attendance.csv'}"]


def test_files_go_to_a_temporary_directory_unless_given_removed_on_closing() -> None:
    notes: list[str] = []
    web = ConsoleClient(lambda shown: None, notes.append)
    web.files_upload_v2(channel=CHANNEL_ID, content=b"x", filename="../../a.csv")
    until = " (until the console closes)"
    saved = Path(notes[0].rpartition(" saved to ")[2].removesuffix(until))
    try:
        assert notes[0].startswith("📎 a.csv (1 byte) saved to ") and notes[0].endswith(until)
        assert saved.name == "a.csv" and saved.parent.name.startswith("bot-console-")
        assert saved.read_bytes() == b"x"
        web.close()
        assert not saved.parent.exists()
    finally:
        shutil.rmtree(saved.parent, ignore_errors=True)


def test_a_folder_given_is_kept_on_closing(tmp_path: Path) -> None:
    web = ConsoleClient(lambda shown: None, lambda note: None, files=tmp_path / "files")
    web.files_upload_v2(channel=CHANNEL_ID, content=b"x", filename="a.csv")
    web.close()
    assert (tmp_path / "files" / "a.csv").read_bytes() == b"x"


def test_messages_say_where_they_went(tmp_path: Path) -> None:
    web, shown, _ = client(tmp_path)
    posted = web.chat_postMessage(channel=USER_ID, text="to you")
    assert posted["channel"] == CHANNEL_ID
    web.chat_postMessage(channel="C0SOMEWHERE", text="to a channel")
    web.chat_update(channel=CHANNEL_ID, ts=posted["ts"], text="changed")
    web.views_publish(user_id=USER_ID, view={"type": "home", "blocks": []})
    assert [(s.channel, s.note) for s in shown] == [
        (CHANNEL_ID, ""),
        ("C0SOMEWHERE", "In #C0SOMEWHERE"),
        (CHANNEL_ID, "Updated"),
        (CHANNEL_ID, "Home tab"),
    ]
    assert shown[2].ts == posted["ts"] and shown[3].view


def test_size_words() -> None:
    assert size_words(1) == "1 byte"
    assert size_words(900) == "900 bytes"
    assert size_words(3 * 1024 + 10) == "3 KB"

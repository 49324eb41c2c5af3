"""What the console shows of what the bot sent to the stand-in Slack (`bot.standin`): each
message posted or updated, and each view published, is printed in the terminal; files the bot
uploads are saved in a folder, a temporary one unless given."""

from __future__ import annotations

import itertools
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.standin.records import Call, Response
from bot.standin.slack_answers import dm_channel, is_user_id
from bot.wording import counted

USER_ID = "U0CONSOLEUSER"
CHANNEL_ID = dm_channel(USER_ID)  # the person's DM with the bot
RESPONSE_CONTROLS = ("replace_original", "delete_original")  # not part of the message shown


@dataclass(frozen=True)
class Shown:
    """A message (or a view) the bot put in front of the person, and where: in `channel`, at
    `ts` once posted; `note` says where it went when that is not the person's DM."""

    message: dict[str, Any]
    channel: str = CHANNEL_ID
    ts: str = ""
    ephemeral: bool = False
    view: bool = False
    note: str = ""


def size_words(size: int) -> str:
    """`3 KB`, `512 bytes`, `1 byte`."""
    if size < 1024:
        return counted(size, "byte")
    return f"{round(size / 1024):,} KB"


class Display:
    """Watches the stand-in Slack (its observer): each message posted, updated or sent to a
    response_url, and each view published, goes to `show`; a line about anything else (a file
    saved, a form that cannot be filled in offline, a message removed) goes to `note`.
    `uploads` are the stand-in's uploaded bytes, by file id."""

    def __init__(
        self,
        show: Callable[[Shown], None],
        note: Callable[[str], None],
        *,
        uploads: Mapping[str, bytes],
        files: Path | None = None,
    ) -> None:
        self._show = show
        self._note = note
        self._uploads = uploads
        self._files = files  # made on the first upload when not given
        self._temporary = files is None  # then removed by `close`
        self._lock = threading.Lock()

    def call_accepted(self, call: Call, answer: dict[str, Any]) -> None:
        """Show what a Web API call put in front of someone."""
        method, args = call.method, call.args
        if method in ("chat.postMessage", "chat.update"):
            where, ts = str(answer["channel"]), str(answer["ts"])
            note = _place(where)
            if method == "chat.update":
                note = f"Updated, {note[0].lower()}{note[1:]}" if note else "Updated"
            self._show(Shown(args, channel=where, ts=ts, note=note))
        elif method == "chat.postEphemeral":
            channel = str(args["channel"])
            where = dm_channel(channel) if is_user_id(channel) else channel
            self._show(Shown(args, channel=where, ephemeral=True, note=_place(where)))
        elif method == "views.publish":
            self._show(Shown(answer.get("view") or args["view"], view=True, note="Home tab"))
        elif method == "views.open":
            title = ((args.get("view") or {}).get("title") or {}).get("text", "A form")
            self._note(f"» {title}: a form opens here in Slack; forms cannot be filled in offline.")
        elif method == "files.completeUploadExternal":
            self._uploaded(args, answer)

    def response_accepted(self, response: Response) -> None:
        """Show a response as the reply it would be in Slack: a new message, or one in place
        of the message whose button was pressed."""
        payload = response.payload
        if not isinstance(payload, dict):
            return
        if payload.get("delete_original"):
            self._note("» The message with that button was removed.")
        elif payload.get("text") or payload.get("blocks"):
            message = {k: v for k, v in payload.items() if k not in RESPONSE_CONTROLS}
            ephemeral = message.get("response_type", "ephemeral") == "ephemeral"
            self._show(Shown(message, ephemeral=ephemeral))

    def close(self) -> None:
        """Remove the temporary folder of saved files, if one was made."""
        with self._lock:
            folder, made = self._files, self._temporary
            if made:
                self._files = None
        if made and folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _uploaded(self, args: dict[str, Any], answer: dict[str, Any]) -> None:
        """An upload completed: its comment shown, and each file saved."""
        comment = args.get("initial_comment")
        channel = str(args.get("channel_id") or CHANNEL_ID)
        if comment:
            self._show(Shown({"text": str(comment)}, channel=channel, note=_place(channel)))
        for file in answer.get("files") or []:
            name = str(file.get("name") or "file")
            content = self._uploads.get(str(file.get("id")), b"")
            path = self._save(name, content)
            shown_name = Path(name).name or "file"
            until = " (until the console closes)" if self._temporary else ""
            self._note(f"📎 {shown_name} ({size_words(len(content))}) saved to {path}{until}")

    def _save(self, name: str, content: bytes) -> Path:
        """Write `content` into the files directory under `name` (numbered if taken)."""
        with self._lock:
            if self._files is None:
                self._files = Path(tempfile.mkdtemp(prefix="bot-console-"))
            folder = self._files
        folder.mkdir(parents=True, exist_ok=True)
        plain = Path(name).name or "file"
        stem, suffix = Path(plain).stem, Path(plain).suffix
        for number in itertools.count(1):
            path = folder / (plain if number == 1 else f"{stem}-{number}{suffix}")
            try:
                with path.open("xb") as file:
                    file.write(content)
                return path
            except FileExistsError:
                continue
        raise AssertionError("unreachable")


def _place(channel: str) -> str:
    """Where a message went, when not to the person's own DM."""
    if channel == CHANNEL_ID:
        return ""
    if channel.startswith("D"):
        return f"In a DM with U{channel[1:]}"
    return f"In #{channel}"

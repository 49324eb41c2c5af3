"""A Web API client for the offline console: what the bot would post to Slack is shown in the
terminal, and files it would upload are saved in a temporary directory."""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from ssl import SSLContext
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse
from slack_sdk.web.file_upload_v2_result import FileUploadV2Result

BOT_USER_ID = "U0CONSOLEBOT"
USER_ID = "U0CONSOLEUSER"
CHANNEL_ID = "D0CONSOLE"  # the person's DM with the bot
TEAM_ID = "T0CONSOLE"
UPLOAD_URL = "https://console.invalid/upload/"


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
        return f"{size} byte{'' if size == 1 else 's'}"
    return f"{round(size / 1024):,} KB"


class ConsoleClient(WebClient):
    """Answers the Web API methods the bot uses: each message posted or updated, and each
    view published, goes to `show`; a line about anything else (a file saved, a form that
    cannot be filled in offline) goes to `note`."""

    def __init__(
        self,
        show: Callable[[Shown], None],
        note: Callable[[str], None],
        *,
        files: Path | None = None,
    ) -> None:
        super().__init__(token="xoxb-offline-console", base_url="http://console.invalid/api/")
        self._show = show
        self._note = note
        self._files = files  # made on the first upload when not given
        self._temporary = files is None  # then removed by `close`
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._uploads: dict[str, tuple[str, bytes]] = {}  # file id: (name, content)

    def __deepcopy__(self, memo: dict[int, Any]) -> ConsoleClient:
        # Bolt deep-copies each request for lazy listeners; there is one terminal to print to.
        return self

    def api_call(
        self, api_method: str, *, json: dict[str, Any] | None = None, **kwargs: Any
    ) -> SlackResponse:
        args = dict(json or kwargs.get("data") or kwargs.get("params") or {})
        data: dict[str, Any] = {"ok": True}
        if api_method == "auth.test":
            data.update(user_id=BOT_USER_ID, bot_id="B0CONSOLE", team_id=TEAM_ID, user="bot")
        elif api_method.startswith("chat."):
            data.update(self._chat(api_method, args))
        elif api_method == "conversations.open":
            data.update(channel={"id": _dm_with(str(args.get("users", "")))})
        elif api_method == "views.publish":
            self._show(Shown(args.get("view") or {}, view=True, note="Home tab"))
        elif api_method == "views.open":
            title = ((args.get("view") or {}).get("title") or {}).get("text", "A form")
            self._note(f"» {title}: a form opens here in Slack; forms cannot be filled in offline.")
            data.update(view={"id": f"V0CONSOLE{self._number()}"})
        elif api_method == "files.getUploadURLExternal":
            file_id = f"F0CONSOLE{self._number()}"
            with self._lock:
                self._uploads[file_id] = (str(args.get("filename") or "file"), b"")
            data.update(file_id=file_id, upload_url=UPLOAD_URL + file_id)
        elif api_method == "files.completeUploadExternal":
            data.update(files=self._complete_upload(args))
        elif api_method != "reactions.add":
            data.update(ok=False, error="not_available_offline")
        return SlackResponse(
            client=self,
            http_verb="POST",
            api_url=self.base_url + api_method,
            req_args={},
            data=data,
            headers={},
            status_code=200,
        )

    def _upload_file(
        self,
        *,
        url: str,
        data: bytes,
        logger: logging.Logger,
        timeout: int,
        proxy: str | None,
        ssl: SSLContext | None,
    ) -> FileUploadV2Result:
        """Step two of `files_upload_v2`: keep the content until the upload is completed."""
        file_id = url.removeprefix(UPLOAD_URL)
        with self._lock:
            if file_id not in self._uploads:
                return FileUploadV2Result(status=404, body="unknown upload")
            name, _ = self._uploads[file_id]
            self._uploads[file_id] = (name, data)
        return FileUploadV2Result(status=200, body="OK")

    def _chat(self, api_method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        where = _dm_with(channel) if channel.startswith(("U", "W")) else channel
        ts = str(args.get("ts") or f"{int(time.time())}.{self._number():06d}")
        if api_method == "chat.postMessage":
            self._show(Shown(args, channel=where, ts=ts, note=_place(where)))
        elif api_method == "chat.update":
            place = _place(where)
            note = f"Updated, {place[0].lower()}{place[1:]}" if place else "Updated"
            self._show(Shown(args, channel=where, ts=ts, note=note))
        elif api_method == "chat.postEphemeral":
            self._show(Shown(args, channel=where, ephemeral=True, note=_place(where)))
        return {"channel": where, "ts": ts, "message_ts": ts}

    def _complete_upload(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        files = args.get("files") or "[]"
        listed = json.loads(files) if isinstance(files, str) else list(files)
        comment = args.get("initial_comment")
        channel = str(args.get("channel_id") or CHANNEL_ID)
        if comment:
            self._show(Shown({"text": str(comment)}, channel=channel, note=_place(channel)))
        completed = []
        for item in listed:
            with self._lock:
                name, content = self._uploads.pop(str(item.get("id")), ("file", b""))
            path = self._save(name, content)
            shown_name = Path(name).name or "file"
            until = " (until the console closes)" if self._temporary else ""
            self._note(f"📎 {shown_name} ({size_words(len(content))}) saved to {path}{until}")
            completed.append({"id": item.get("id"), "title": item.get("title"), "name": name})
        return completed

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

    def close(self) -> None:
        """Remove the temporary folder of saved files, if one was made."""
        with self._lock:
            folder, made = self._files, self._temporary
            if made:
                self._files = None
        if made and folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _number(self) -> int:
        with self._lock:
            return next(self._numbers)


def _dm_with(user_id: str) -> str:
    """The id of the bot's DM with `user_id`."""
    return CHANNEL_ID if user_id in (USER_ID, CHANNEL_ID, "") else f"D{user_id[1:]}"


def _place(channel: str) -> str:
    """Where a message went, when not to the person's own DM."""
    if channel == CHANNEL_ID:
        return ""
    if channel.startswith("D"):
        return f"In a DM with U{channel[1:]}"
    return f"In #{channel}"

"""Plausible successful Web API answers, with the little state they need (ids, uploads)."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.standin.slack_payloads import APP_ID

JsonDict = dict[str, Any]
Answer = Callable[[JsonDict], JsonDict]

WORKSPACE_URL = "https://fake-workspace.slack.com/"
TEAM_NAME = "Fake Workspace"


class AnswerError(Exception):
    """Raised by an answer when the call breaks a stateful rule (recorded as a violation)."""

    def __init__(self, error: str, problem: str) -> None:
        super().__init__(problem)
        self.error = error
        self.problem = problem


@dataclass(frozen=True)
class Identity:
    """Who the bot is in the fake workspace."""

    team_id: str
    bot_user_id: str
    bot_id: str


def dm_channel(user_id: str) -> str:
    """The stable DM channel id Slack would use for a user, e.g. U123 -> D123."""
    return "D" + user_id[1:]


def is_user_id(value: str) -> bool:
    """User ids start with U (or W for enterprise users)."""
    return value[:1] in ("U", "W")


class SlackAnswers:
    """Answers each known method like Slack would; `handlers` maps method -> answer."""

    def __init__(self, identity: Identity, upload_url: Callable[[str], str]) -> None:
        self.identity = identity
        self.users: dict[str, JsonDict] = {}
        self.unreachable_users: set[str] = set()
        self.uploads: dict[str, bytes] = {}
        self.pending_files: dict[str, JsonDict] = {}
        self.reactions: set[tuple[str, str, str]] = set()
        self._upload_url = upload_url
        self._lock = threading.Lock()
        self._counter = 0
        self._last_ts = 0
        self._posted: dict[str, list[JsonDict]] = {}  # channel: messages, oldest first
        self._home_views: dict[str, str] = {}
        self.handlers: dict[str, Answer] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": lambda args: {"ok": True, "message_ts": self.next_ts()},
            "chat.update": self.update,
            "chat.delete": lambda args: {"ok": True, "channel": args["channel"], "ts": args["ts"]},
            "chat.scheduleMessage": self.schedule_message,
            "chat.getPermalink": self.permalink,
            "conversations.open": self.open_conversation,
            "conversations.history": self.history,
            "views.publish": self.view,
            "views.open": self.view,
            "views.push": self.view,
            "views.update": self.view,
            "reactions.add": self.add_reaction,
            "reactions.remove": self.remove_reaction,
            "users.info": self.user_info,
            "files.getUploadURLExternal": self.upload_url,
            "files.completeUploadExternal": self.complete_upload,
        }

    def answer(self, method: str, args: JsonDict) -> JsonDict:
        """The answer to a valid call; methods without a handler just answer ok."""
        handler = self.handlers.get(method)
        return handler(args) if handler else {"ok": True}

    def next_id(self, prefix: str) -> str:
        """A fresh id such as F0000001."""
        return f"{prefix}{self._next():07d}"

    def next_ts(self) -> str:
        """A unique, increasing message timestamp: the time now, as Slack's are."""
        with self._lock:
            self._last_ts = max(self._last_ts + 1, time.time_ns() // 1000)
            micros = self._last_ts
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def auth_test(self, args: JsonDict) -> JsonDict:
        """auth.test for the bot token."""
        me = self.identity
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": TEAM_NAME,
            "user": "bot",
            "team_id": me.team_id,
            "user_id": me.bot_user_id,
            "bot_id": me.bot_id,
            "is_enterprise_install": False,
        }

    def post_message(self, args: JsonDict) -> JsonDict:
        """chat.postMessage: a user id as channel posts to the DM with that user."""
        channel = str(args["channel"])
        if channel in self.unreachable_users or channel in map(dm_channel, self.unreachable_users):
            return {"ok": False, "error": "channel_not_found"}
        channel = dm_channel(channel) if is_user_id(channel) else channel
        ts = self.next_ts()
        message = self._message(args, ts)
        with self._lock:
            self._posted.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def posted(self, channel: str) -> list[JsonDict]:
        """The messages posted in `channel` (a user id means their DM), oldest first."""
        channel = dm_channel(channel) if is_user_id(channel) else channel
        with self._lock:
            return list(self._posted.get(channel, []))

    def history(self, args: JsonDict) -> JsonDict:
        """conversations.history: the messages the bot posted in a channel after `oldest`,
        newest first, `limit` to a page (metadata only with `include_all_metadata`)."""
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        with_metadata = str(args.get("include_all_metadata")).lower() in ("true", "1")
        with self._lock:
            posted = list(self._posted.get(str(args["channel"]), []))
        newer = [m for m in reversed(posted) if float(m["ts"]) > oldest]
        page = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in newer[start : start + limit]
        ]
        more = start + limit < len(newer)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def update(self, args: JsonDict) -> JsonDict:
        """chat.update."""
        ts = str(args["ts"])
        message = self._message(args, ts)
        return {
            "ok": True,
            "channel": args["channel"],
            "ts": ts,
            "text": args.get("text", ""),
            "message": message,
        }

    def schedule_message(self, args: JsonDict) -> JsonDict:
        """chat.scheduleMessage."""
        return {
            "ok": True,
            "channel": args["channel"],
            "scheduled_message_id": self.next_id("Q"),
            "post_at": int(args["post_at"]),
            "message": self._message(args, None),
        }

    def permalink(self, args: JsonDict) -> JsonDict:
        """chat.getPermalink."""
        channel, ts = args["channel"], str(args["message_ts"])
        link = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def open_conversation(self, args: JsonDict) -> JsonDict:
        """conversations.open: one user gives a DM, several an MPIM, channel is echoed."""
        if args.get("channel"):
            return {"ok": True, "channel": {"id": args["channel"]}}
        users = [u.strip() for u in str(args["users"]).split(",") if u.strip()]
        if any(u in self.unreachable_users for u in users):
            return {"ok": False, "error": "user_not_found"}
        channel = dm_channel(users[0]) if len(users) == 1 else "G" + "".join(users)[:10]
        return {"ok": True, "channel": {"id": channel}}

    def view(self, args: JsonDict) -> JsonDict:
        """views.*: echo the view with ids; App Home views keep one id per user."""
        if args.get("user_id"):
            with self._lock:
                view_id = self._home_views.setdefault(args["user_id"], f"VH{len(self._home_views)}")
        else:
            view_id = args.get("view_id") or self.next_id("V")
        view = {
            **args["view"],
            "id": view_id,
            "team_id": self.identity.team_id,
            "app_id": APP_ID,
            "bot_id": self.identity.bot_id,
            "hash": self.next_ts(),
            "state": {"values": {}},
        }
        return {"ok": True, "view": view}

    def add_reaction(self, args: JsonDict) -> JsonDict:
        """reactions.add: a second identical reaction answers already_reacted."""
        key = (str(args["channel"]), str(args["timestamp"]), str(args["name"]))
        with self._lock:
            if key in self.reactions:
                return {"ok": False, "error": "already_reacted"}
            self.reactions.add(key)
        return {"ok": True}

    def remove_reaction(self, args: JsonDict) -> JsonDict:
        """reactions.remove: removing a reaction the bot never added answers no_reaction."""
        key = (str(args["channel"]), str(args["timestamp"]), str(args["name"]))
        with self._lock:
            if key not in self.reactions:
                return {"ok": False, "error": "no_reaction"}
            self.reactions.discard(key)
        return {"ok": True}

    def user_info(self, args: JsonDict) -> JsonDict:
        """users.info, with fields from `users[user_id]` merged over the defaults."""
        user_id = str(args["user"])
        name = user_id.lower()
        user = {
            "id": user_id,
            "team_id": self.identity.team_id,
            "name": name,
            "real_name": f"User {user_id}",
            "deleted": False,
            "is_bot": False,
            "tz": "Europe/London",
            "tz_label": "Greenwich Mean Time",
            "tz_offset": 0,
            "profile": {"real_name": f"User {user_id}", "display_name": name},
        }
        return {"ok": True, "user": {**user, **self.users.get(user_id, {})}}

    def upload_url(self, args: JsonDict) -> JsonDict:
        """files.getUploadURLExternal: the URL points back at the fake."""
        file_id = self.next_id("F")
        self.pending_files[file_id] = {"filename": args["filename"], "length": int(args["length"])}
        return {"ok": True, "upload_url": self._upload_url(file_id), "file_id": file_id}

    def complete_upload(self, args: JsonDict) -> JsonDict:
        """files.completeUploadExternal: every file must have been uploaded, in full."""
        files = args["files"]
        if not isinstance(files, list):
            raise AnswerError("invalid_arguments", "files must be a JSON array")
        return {"ok": True, "files": [self._completed_file(f, args) for f in files]}

    def _completed_file(self, item: Any, args: JsonDict) -> JsonDict:
        file_id = item.get("id") if isinstance(item, dict) else None
        pending = self.pending_files.get(str(file_id))
        if pending is None:
            raise AnswerError("file_not_found", f"file {file_id!r} was never requested")
        data = self.uploads.get(str(file_id))
        if data is None:
            raise AnswerError("file_not_found", f"file {file_id!r} was never uploaded")
        if len(data) != pending["length"]:
            problem = (
                f"file {file_id!r}: declared length {pending['length']}, got {len(data)} bytes"
            )
            raise AnswerError("invalid_arguments", problem)
        channels = [c for c in (args.get("channel_id"), args.get("channels")) if c]
        return {
            "id": file_id,
            "name": pending["filename"],
            "title": item.get("title") or pending["filename"],
            "size": len(data),
            "channels": channels,
        }

    def _message(self, args: JsonDict, ts: str | None) -> JsonDict:
        message: JsonDict = {
            "type": "message",
            "text": args.get("text", ""),
            "user": self.identity.bot_user_id,
            "bot_id": self.identity.bot_id,
            "team": self.identity.team_id,
        }
        if ts is not None:
            message["ts"] = ts
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in args:
                message[key] = args[key]
        return message

    def _next(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

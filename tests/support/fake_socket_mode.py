"""A fake Socket Mode websocket endpoint: sends envelopes, collects acknowledgements; and the
stand-in Slack with it. Test-only: the websocket server needs `websockets`, which the bot
itself does not depend on (the console dispatches to the app in-process instead)."""

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.standin.fake_slack import FakeSlack
from bot.standin.slack_answers import JsonDict
from bot.standin.slack_payloads import APP_ID
from bot.standin.slack_rules import check_ack

ACK_DEADLINE = 3.0  # seconds Slack waits for an acknowledgement


@dataclass(frozen=True)
class Ack:
    """An acknowledgement from the app: its payload and how long it took."""

    envelope_id: str
    payload: dict[str, Any] | None
    seconds: float


class FakeSocketMode:
    """Websocket server on 127.0.0.1 that speaks Slack's Socket Mode protocol."""

    def __init__(self, *, app_id: str, report: Callable[[str], None]) -> None:
        self._app_id = app_id
        self._report = report
        self._changed = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._tickets: set[str] = set()
        self._sent: dict[str, float] = {}
        self.acks: dict[str, Ack] = {}
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen on a random port."""
        self._server = serve(self._serve, "127.0.0.1", 0, close_timeout=1, ping_interval=0.1)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the connections (code 1001) and the listening socket."""
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def new_url(self) -> str:
        """A websocket URL with a fresh ticket, as apps.connections.open returns."""
        if self._server is None:
            raise RuntimeError("socket mode server not started")
        ticket = uuid.uuid4().hex
        with self._changed:
            self._tickets.add(ticket)
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={ticket}&app_id={self._app_id}"

    def wait_connected(self, timeout: float = 5.0) -> None:
        """Block until a client is connected (AssertionError after `timeout`)."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._connections), timeout):
                raise AssertionError(f"no Socket Mode client connected within {timeout}s")

    def send(self, type_: str, payload: dict[str, Any], *, timeout: float = 5.0) -> Ack:
        """Send an envelope to the newest connection and wait for its acknowledgement."""
        self.wait_connected(timeout)
        with self._changed:
            connection = self._connections[-1]
            envelope_id = str(uuid.uuid4())
            self._sent[envelope_id] = time.monotonic()
        connection.send(json.dumps(envelope(envelope_id, type_, payload)))
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(
                    f"no acknowledgement of {type_} envelope {envelope_id} within {timeout}s "
                    "(did a listener match it and call ack()?)"
                )
            return self.acks[envelope_id]

    def _serve(self, connection: ServerConnection) -> None:
        path = connection.request.path if connection.request else ""
        ticket = parse_qs(urlsplit(path).query).get("ticket", [""])[0]
        with self._changed:
            known = ticket in self._tickets
            self._tickets.discard(ticket)
        if not known:
            self._report(f"socket mode: connection with unknown ticket ({path})")
            connection.close(1008, "invalid ticket")
            return
        connection.send(json.dumps(self._hello()))
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            for message in connection:
                self._receive(message)
        except ConnectionClosed:
            pass  # the builtin client closes its socket without a close frame
        finally:
            with self._changed:
                self._connections.remove(connection)
                self._changed.notify_all()

    def _receive(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except json.JSONDecodeError:
            self._report(f"socket mode: message is not JSON: {message!r:.200}")
            return
        envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
        with self._changed:
            started = self._sent.get(str(envelope_id))
            if started is None or envelope_id in self.acks:
                self._report(f"socket mode: unexpected message {message!r:.200}")
                return
            ack = Ack(str(envelope_id), data.get("payload"), time.monotonic() - started)
            self.acks[ack.envelope_id] = ack
            self._changed.notify_all()
        if ack.seconds > ACK_DEADLINE:
            self._report(f"socket mode: ack after {ack.seconds:.1f}s (Slack waits {ACK_DEADLINE}s)")
        breach = check_ack(ack.payload)
        for problem in breach.problems if breach else ():
            self._report(f"socket mode {problem}")

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": 1,
            "connection_info": {"app_id": self._app_id},
            "debug_info": {"host": "fake"},
        }


class SocketModeSlack(FakeSlack):
    """The stand-in Slack with a Socket Mode endpoint too: apps.connections.open hands out
    its websocket URL."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._socket = FakeSocketMode(app_id=APP_ID, report=self._violation)
        self.answer_with("apps.connections.open", self._open_connection)

    def start(self) -> Self:
        """Start the HTTP and websocket servers."""
        super().start()
        self._socket.start()
        return self

    def stop(self) -> None:
        """Close Socket Mode connections, then stop both servers (held calls are let go)."""
        self._release_held()
        self._socket.stop()
        super().stop()

    def wait_socket_connected(self, timeout: float = 5.0) -> None:
        """Wait until a Socket Mode client is connected."""
        self._socket.wait_connected(timeout)

    def socket_send(
        self, type_: str, payload: JsonDict, *, timeout: float = 5.0
    ) -> JsonDict | None:
        """Send an envelope (slash_commands, events_api, interactive); return the ack payload."""
        return self._socket.send(type_, payload, timeout=timeout).payload

    def _open_connection(self, args: JsonDict) -> JsonDict:
        return {"ok": True, "url": self._socket.new_url()}


def envelope(envelope_id: str, type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A Socket Mode envelope as Slack sends it (events cannot be answered with a payload)."""
    return {
        "envelope_id": envelope_id,
        "type": type_,
        "payload": payload,
        "accepts_response_payload": type_ != "events_api",
        "retry_attempt": 0,
        "retry_reason": "",
    }

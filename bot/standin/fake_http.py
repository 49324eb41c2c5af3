"""A tiny threaded HTTP server on 127.0.0.1 that hands each request to one callable."""

import contextlib
import io
import json
import logging
import socket
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from wsgiref.util import setup_testing_defaults

logger = logging.getLogger(__name__)

# Form fields that slack_sdk sends as JSON strings.
JSON_FORM_FIELDS = frozenset({"blocks", "attachments", "view", "files", "metadata"})


def wsgi_environ(method: str, path: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """The WSGI environ a server such as waitress makes of one request, to hand a WSGI
    application in this process, without a server."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    setup_testing_defaults(environ)
    return environ


@dataclass(frozen=True)
class HttpRequest:
    """An incoming request; header names are lower-cased."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class HttpReply:
    """An outgoing response; `drop=True` closes the connection without any response instead."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def dropped(cls) -> "HttpReply":
        """No response at all: the connection is closed (the client sees it disconnect)."""
        return cls(drop=True)

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> "HttpReply":
        """A JSON response."""
        body = json.dumps(data).encode()
        return cls(
            status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        )


Route = Callable[[HttpRequest], HttpReply]


def request_args(request: HttpRequest) -> dict[str, Any]:
    """Web API arguments from the query string and a form or JSON body (ValueError if neither)."""
    args: dict[str, Any] = dict(parse_qsl(request.query))
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not request.body:
        return args
    if content_type == "application/json":
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError("a JSON body must be an object")
        return {**args, **body}
    if content_type == "application/x-www-form-urlencoded":
        form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
        return {**args, **{k: _maybe_json(k, v) for k, v in form.items()}}
    raise ValueError(f"unsupported Content-Type {content_type!r}")


def _maybe_json(key: str, value: str) -> Any:
    if key not in JSON_FORM_FIELDS:
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, route: Route) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route = route
        self.busy = 0  # requests being handled (answered or not yet)
        self.changed = threading.Condition()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _handle(self) -> None:
        with self.server.changed:
            self.server.busy += 1
        try:
            self._answer()
        finally:
            with self.server.changed:
                self.server.busy -= 1
                self.server.changed.notify_all()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        parts = urlsplit(self.path)
        request = HttpRequest(
            method=self.command,
            path=parts.path,
            query=parts.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length),
        )
        try:
            reply = self.server.route(request)
        except Exception:
            logger.exception("the stand-in Slack failed on %s %s", request.method, request.path)
            reply = HttpReply(500, traceback.format_exc().encode())
        if reply.drop:
            self._drop()
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client left (e.g. timed out): nobody to answer

    def _drop(self) -> None:
        """Close the connection without writing a byte."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class LocalHttpServer:
    """Serves `route` on 127.0.0.1 at a random port from a daemon thread."""

    def __init__(self, route: Route) -> None:
        self._route = route
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """E.g. http://127.0.0.1:54321 (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        """Bind a random port and start serving."""
        self._server = _Server(self._route)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no request is being handled (each answered, or its client gone)."""
        server = self._server
        if server is None:
            return True
        with server.changed:
            return server.changed.wait_for(lambda: server.busy == 0, timeout)

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None
        self._thread = None

"""Serve a WSGI app (e.g. Bolt's SlackRequestHandler) with waitress on 127.0.0.1."""

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from waitress import wasyncore
from waitress.server import create_server


class WsgiServer:
    """Runs `app` with waitress on a random port in a daemon thread; or, with `server`, runs
    the waitress server that `server()` builds (bound to 127.0.0.1, port 0)."""

    def __init__(self, app: Any, *, server: Callable[[], Any] | None = None) -> None:
        self._app = app
        self._make = server
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """E.g. http://127.0.0.1:54321 (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.effective_port}"

    def start(self) -> Self:
        """Bind a random port and serve."""
        if self._make is not None:
            self._server = self._make()
        else:
            self._server = create_server(self._app, host="127.0.0.1", port=0, threads=4)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None or self._thread is None:
            return
        server = self._server
        server.task_dispatcher.shutdown()
        # Close every socket from inside the loop thread: closing them from here races select().
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:
            # The trigger's descriptor is already gone (seen now and then after waitress
            # refuses a request and closes its connection): close from here instead.
            wasyncore.close_all(server._map)
        self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

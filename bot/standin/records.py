"""What the fake Slack saw: Web API calls, response_url posts and canned failures."""

import time
from dataclasses import dataclass, field
from typing import Any

CONNECTION_DROPPED = "connection_dropped"  # the error recorded on a call whose connection was cut


@dataclass(frozen=True)
class Call:
    """One Web API call; `error` is what the fake answered when it was not ok."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    error: str | None = None
    at: float = field(default_factory=time.monotonic, compare=False)
    """When the call came in (`time.monotonic`): how far apart calls are is Slack's business."""

    @property
    def failed(self) -> bool:
        """True when the fake answered with an error (injected, broken rule, unreachable user)."""
        return self.error is not None


@dataclass(frozen=True)
class Response:
    """One POST to a response_url."""

    key: str
    payload: Any
    error: str | None = None

    @property
    def failed(self) -> bool:
        """True when the fake rejected the post."""
        return self.error is not None


@dataclass(frozen=True)
class Failure:
    """A canned failure answered instead of the real answer."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None
    ) -> "Failure":
        """Defaults like Slack's: 429 is `ratelimited` with `Retry-After: 1`."""
        if status == 429:
            default_body, default_headers = (
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": "1"},
            )
        else:
            default_body, default_headers = {"ok": False, "error": "internal_error"}, {}
        return cls(
            status,
            body if body is not None else default_body,
            headers if headers is not None else default_headers,
        )

    @classmethod
    def server_error(cls, status: int, body: dict[str, Any] | None) -> "Failure":
        """Like `build`, but a 503 defaults to `service_unavailable`."""
        if status == 503 and body is None:
            body = {"ok": False, "error": "service_unavailable"}
        return cls.build(status, body, None)

    @property
    def error(self) -> str:
        """The error code recorded on the failed call."""
        return str(self.body.get("error") or f"http_{self.status}")

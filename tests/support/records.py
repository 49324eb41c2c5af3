"""What the fake Slack saw: Web API calls, response_url posts and canned failures."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """One Web API call; `error` is what the fake answered when it was not ok."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    error: str | None = None

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

    @property
    def error(self) -> str:
        """The error code recorded on the failed call."""
        return str(self.body.get("error") or f"http_{self.status}")

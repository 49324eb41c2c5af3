"""What the bot's WSGI applications share: the status line for a status code."""

from __future__ import annotations

from http import HTTPStatus


def status_line(status: int) -> str:
    """`200 OK`, `303 See Other`...: WSGI's status line for `status`."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)

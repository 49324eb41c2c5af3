"""Helpers for Bolt's builtin SocketModeHandler in tests."""

import contextlib

from slack_bolt.adapter.socket_mode import SocketModeHandler


def close_handler(handler: SocketModeHandler) -> None:
    """Close the handler in milliseconds instead of about a second.

    The builtin client's message processor waits up to 1s on its queue before it notices
    `closed`; marking it closed and waking it with an empty message makes close() prompt.
    """
    client = handler.client
    client.closed = True
    client.message_queue.put(None)
    # slack_sdk's builtin connection checks its socket, then closes it under a lock: when
    # the server has just gone (`FakeSlack.stop`), its receiving thread may close it in
    # between, and this close then fails on None. The connection is closed either way.
    with contextlib.suppress(AttributeError):
        handler.close()

"""Helpers for Bolt's builtin SocketModeHandler in tests."""

from slack_bolt.adapter.socket_mode import SocketModeHandler


def close_handler(handler: SocketModeHandler) -> None:
    """Close the handler in milliseconds instead of about a second.

    The builtin client's message processor waits up to 1s on its queue before it notices
    `closed`; marking it closed and waking it with an empty message makes close() prompt.
    """
    client = handler.client
    client.closed = True
    client.message_queue.put(None)
    handler.close()

"""Tests of the outbox: the sender that drains the store's outbox into Slack, and its pacing."""

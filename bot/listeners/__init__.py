"""Slack listeners, by kind (`commands`, `events`, `actions`), and what they share: the
middleware, the one error policy, the organiser check, events handled once, fair threads, a
per-person allowance, and replies Slack refused handed to the outbox. `bot.app` registers
them."""

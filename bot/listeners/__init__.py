"""What every feature's Slack listeners share, the mechanisms rather than the features: the
middleware, the one error policy (`errors`: `bind`, `acknowledge`, `after_ack`), the organiser
check, events handled once, fair threads, a per-person allowance, and replies Slack refused
handed to the outbox. Each feature registers its own listeners (its `listeners.register`),
and `bot.app` calls each with only what it uses."""

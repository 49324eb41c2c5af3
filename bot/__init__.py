"""A Slack bot that answers questions about an event's programme and registers people for its
sessions."""

"""Social Work Week Slack bot."""

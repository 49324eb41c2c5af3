"""Answers to questions as people see them in Slack: the Block Kit for replies and help."""

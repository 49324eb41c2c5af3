"""Answers to questions as people see them in Slack: the Block Kit for replies and help
(`messages`, `guide`), the one path from a person's words to a reply (`replies`), and the
Slack listeners that answer: `/sessions` (`commands`), its page buttons (`buttons`), DMs,
mentions and the Home tab (`questions`), registered by `listeners`."""

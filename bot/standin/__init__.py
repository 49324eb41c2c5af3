"""A stand-in for Slack on 127.0.0.1: its Web API and response_urls (`FakeSlack`), the rules
Slack enforces on what the bot sends (`slack_rules`, `block_rules`), and payloads shaped like
the ones Slack sends (`slack_payloads`). The tests run the bot against it, and the offline
console (`python -m bot` without tokens) does too, so both take the same path to "Slack".
It depends on nothing the bot does not already depend on."""

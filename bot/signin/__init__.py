"""Sign in with Slack (OpenID Connect) for the organisers' pages, and the browser sessions it
opens: who may sign in is `ORGANISER_IDS`; everything else about a session is here."""

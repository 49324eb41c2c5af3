"""The organisers' dashboard: the week at a glance in a browser, under `PUBLIC_URL/organisers/`,
behind Sign in with Slack. Read-only: everything it shows comes from the store, through the
features' own services."""

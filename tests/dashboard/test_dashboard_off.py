"""Without SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, the dashboard's pages say how to turn it
on, and show nothing else."""

from __future__ import annotations

from bot.dashboard import paths
from bot.health import health_app
from tests.conftest import RunningBot
from tests.support.browser import Browser
from tests.support.wsgi_server import WsgiServer


def test_the_pages_say_how_to_turn_the_dashboard_on_and_nothing_else(
    served_bot: RunningBot,
) -> None:
    browser = Browser(served_bot.send.base_url.removesuffix("/slack/events"))
    titles = [session.title for session in served_bot.parts.current.programme.sessions]
    for path in (paths.WEEK, paths.SIGN_IN, paths.CALLBACK + "?code=x&state=y",
                 paths.REGISTRANTS_CSV, paths.BROADCASTS):  # fmt: skip
        page = browser.get(path)
        assert page.status == 200, path
        assert "SLACK_CLIENT_ID" in page.text and "SLACK_CLIENT_SECRET" in page.text
        assert not any(title in page.text for title in titles)
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert served_bot.slack.calls_to("openid.connect.token") == []
    assert browser.get(paths.STYLE).status == 200


def test_in_socket_mode_the_health_port_serves_the_dashboard_too(bot: RunningBot) -> None:
    app = health_app(bot.parts.health, dashboard=bot.parts.dashboard.respond)
    with WsgiServer(app) as server:
        page = Browser(server.base_url).get(paths.WEEK)
        assert page.status == 200 and "SLACK_CLIENT_ID" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert Browser(server.base_url).get("/healthz").status == 200

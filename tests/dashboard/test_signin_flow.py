"""Sign in with Slack, end to end: the bot served over HTTP on 127.0.0.1, a browser that keeps
cookies, and the fake Slack playing Slack's authorize page, `openid.connect.token` and
`openid.connect.userInfo`. Only organisers get in; nothing is shown before; a wrong state,
a replayed code, an expired or tampered cookie, a non-organiser and a signed-out browser
are all refused."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from markupsafe import escape

from bot.dashboard import paths
from bot.dashboard.web import PENDING_COOKIE, SESSION_COOKIE
from bot.standin.fake_slack import FakeSlack
from bot.store import StoreError
from tests.conftest import ORGANISER, Clock, RunningBot
from tests.support.browser import Browser, Page

PUBLIC_URL = "https://bot.example.org"
SOMEONE = "U0SOMEONE"


@pytest.fixture
def settings_overrides(fake_slack: FakeSlack) -> dict[str, Any]:
    return {
        "slack_client_id": fake_slack.client_id,
        "slack_client_secret": fake_slack.client_secret,
        "public_url": PUBLIC_URL,
    }


def browser_for(bot: RunningBot) -> Browser:
    return Browser(bot.send.base_url.removesuffix("/slack/events"))


def sign_in(browser: Browser, next_path: str = "") -> Page:
    """Through Slack and back, as a browser goes: the callback's answer."""
    started = browser.get(paths.SIGN_IN + (f"?next={next_path}" if next_path else ""))
    assert started.status == 302, started.text
    slack = browser.get(started.location)
    assert slack.status == 302, slack.text
    assert slack.location.startswith(PUBLIC_URL + paths.CALLBACK)
    return browser.get(browser.on_site(slack.location))


def titles(bot: RunningBot) -> list[str]:
    """The programme's session titles, as a page writes them."""
    return [str(escape(session.title)) for session in bot.parts.current.programme.sessions]


def assert_safe_headers(page: Page) -> None:
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"


def test_an_organiser_signs_in_sees_the_pages_and_signs_out(served_bot: RunningBot) -> None:
    browser = browser_for(served_bot)
    back = sign_in(browser, next_path=paths.BROADCASTS)
    assert back.status == 303 and back.location == paths.BROADCASTS
    (session,) = [m for m in back.set_cookies if m.key == SESSION_COOKIE]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"
    assert session["path"] == paths.ROOT and int(session["max-age"]) == 12 * 3600
    assert PENDING_COOKIE not in browser.cookies  # used up

    week = browser.get(paths.WEEK)
    assert week.status == 200 and "text/html" in week.headers["content-type"]
    assert "Signed in as <strong>User U0ORGANISER</strong>" in week.text  # as Slack named them
    assert all(title in week.text for title in titles(served_bot))
    assert_safe_headers(week)
    for path in (paths.BROADCASTS, paths.HEALTH, paths.REGISTRANTS_CSV, paths.FEEDBACK_CSV):
        assert browser.get(path).status == 200, path

    kept = dict(browser.cookies)
    out = browser.post(paths.SIGN_OUT, origin=PUBLIC_URL)
    assert out.status == 200 and SESSION_COOKIE not in browser.cookies
    assert browser.get(paths.WEEK).status == 401
    copied = Browser(browser.base_url, cookies=kept)  # the cookie, kept from before
    assert copied.get(paths.WEEK).status == 401, "signing out ends the session itself"


def test_nothing_is_shown_before_sign_in(served_bot: RunningBot) -> None:
    browser = browser_for(served_bot)
    session_id = served_bot.parts.current.programme.sessions[0].id
    for path in (paths.WEEK, paths.BROADCASTS, paths.HEALTH, paths.session_path(session_id),
                 paths.REGISTRANTS_CSV, paths.FEEDBACK_CSV):  # fmt: skip
        page = browser.get(path)
        assert page.status == 401, path
        assert not any(title in page.text for title in titles(served_bot)), path
        assert "Sign in with Slack" in page.text
        assert "text/html" in page.headers["content-type"]
        assert_safe_headers(page)
    assert browser.get("/organisers").status == 308
    assert browser.get("/organisers/nothing-here").status == 404


def test_a_state_from_another_browser_is_refused(served_bot: RunningBot) -> None:
    mine, theirs = browser_for(served_bot), browser_for(served_bot)
    started = mine.get(paths.SIGN_IN)
    slack = mine.get(started.location)
    theirs.get(paths.SIGN_IN)  # their own sign-in, with its own state
    refused = theirs.get(theirs.on_site(slack.location))
    assert refused.status == 400 and "didn&#39;t match" in refused.text
    assert SESSION_COOKIE not in theirs.cookies
    nobody = browser_for(served_bot)  # no sign-in started at all
    assert nobody.get(nobody.on_site(slack.location)).status == 400
    assert mine.get(mine.on_site(slack.location)).status == 303  # its own browser: fine


def test_a_replayed_code_is_refused(served_bot: RunningBot) -> None:
    browser = browser_for(served_bot)
    started = browser.get(paths.SIGN_IN)
    pending = dict(browser.cookies)
    slack = browser.get(started.location)
    assert browser.get(browser.on_site(slack.location)).status == 303
    replay = Browser(browser.base_url, cookies=pending)
    refused = replay.get(replay.on_site(slack.location))
    assert refused.status == 400 and "invalid_code" in refused.text
    assert SESSION_COOKIE not in replay.cookies


def test_an_expired_code_and_an_old_sign_in_are_refused(
    served_bot: RunningBot, fake_slack: FakeSlack, clock: Clock
) -> None:
    browser = browser_for(served_bot)
    slack = browser.get(browser.get(paths.SIGN_IN).location)
    fake_slack.expire_codes()
    assert browser.get(browser.on_site(slack.location)).status == 400

    browser = browser_for(served_bot)
    slack = browser.get(browser.get(paths.SIGN_IN).location)
    assert clock.now is not None
    clock.now += timedelta(minutes=11)  # the pending cookie lasts 10
    late = browser.get(browser.on_site(slack.location))
    assert late.status == 400 and "too long ago" in late.text


def test_an_expired_or_tampered_session_cookie_is_refused(
    served_bot: RunningBot, clock: Clock
) -> None:
    browser = browser_for(served_bot)
    assert sign_in(browser).status == 303
    value = browser.cookies[SESSION_COOKIE]
    flipped = value[:-3] + ("A" if value[-3] != "A" else "B") + value[-2:]
    assert Browser(browser.base_url, {SESSION_COOKIE: flipped}).get(paths.WEEK).status == 401
    assert Browser(browser.base_url, {SESSION_COOKIE: "x" + value}).get(paths.WEEK).status == 401
    assert browser.get(paths.WEEK).status == 200
    assert clock.now is not None
    clock.now += timedelta(hours=12, seconds=1)
    assert browser.get(paths.WEEK).status == 401


def test_someone_not_an_organiser_is_refused(served_bot: RunningBot, fake_slack: FakeSlack) -> None:
    fake_slack.signing_in = SOMEONE
    browser = browser_for(served_bot)
    refused = sign_in(browser)
    assert refused.status == 403 and "only for the event" in refused.text
    assert SESSION_COOKIE not in browser.cookies
    assert not any(title in refused.text for title in titles(served_bot))
    assert browser.get(paths.WEEK).status == 401


def test_cancelling_at_slack_signs_nobody_in(served_bot: RunningBot, fake_slack: FakeSlack) -> None:
    fake_slack.signing_in = None
    browser = browser_for(served_bot)
    refused = sign_in(browser)
    assert refused.status == 400 and "access_denied" in refused.text
    assert SESSION_COOKIE not in browser.cookies


def test_an_id_token_for_another_sign_in_is_refused(
    served_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    def wrong_nonce(args: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": "https://slack.com", "aud": fake_slack.client_id, "sub": ORGANISER,
                  "exp": now + 600, "iat": now, "nonce": "someone-elses",
                  "https://slack.com/user_id": ORGANISER}  # fmt: skip
        token = jwt.encode(claims, "k" * 32, algorithm="HS256")
        return {"ok": True, "access_token": "xoxp-1", "token_type": "Bearer", "id_token": token}

    fake_slack.answer_with("openid.connect.token", wrong_nonce)
    browser = browser_for(served_bot)
    refused = sign_in(browser)
    assert refused.status == 400 and "another sign-in" in refused.text
    assert SESSION_COOKIE not in browser.cookies


@pytest.mark.slow(seconds=3)
def test_slack_failing_the_exchange_is_said_plainly(
    served_bot: RunningBot, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_for("openid.connect.token", 30, status=500)
    browser = browser_for(served_bot)
    refused = sign_in(browser)
    assert refused.status == 502 and "Slack didn&#39;t answer" in refused.text
    assert "Traceback" not in refused.text


def test_a_sign_in_never_sends_the_browser_elsewhere(served_bot: RunningBot) -> None:
    for going in ("//evil.example/organisers/", "https://evil.example/", "/slack/events",
                  paths.SIGN_OUT):  # fmt: skip
        browser = browser_for(served_bot)
        back = sign_in(browser, next_path=going)
        assert back.status == 303 and back.location == paths.WEEK, going


def test_signing_out_from_another_site_is_refused(served_bot: RunningBot) -> None:
    browser = browser_for(served_bot)
    sign_in(browser)
    assert browser.post(paths.SIGN_OUT, origin="https://evil.example").status == 403
    assert browser.get(paths.WEEK).status == 200
    assert browser.get(paths.SIGN_OUT).status == 405
    assert browser.request("HEAD", paths.CALLBACK + "?code=x&state=y").status == 405


def test_forgetting_the_organiser_ends_their_sessions(served_bot: RunningBot) -> None:
    browser = browser_for(served_bot)
    sign_in(browser)
    assert browser.get(paths.WEEK).status == 200
    served_bot.store.forget(user_id=ORGANISER, capacities={}, notices={}, at=served_bot.clock())
    assert browser.get(paths.WEEK).status == 401
    assert served_bot.store.engine.read(lambda tx: tx.find("signins")) == []


def store_away(bot: RunningBot, monkeypatch: pytest.MonkeyPatch, *, reads: bool) -> None:
    """The database away (PostgreSQL restarting, a disk gone): changes fail, and reads too
    with `reads`."""

    def away(*args: object, **kwargs: object) -> object:
        raise StoreError("PostgreSQL at 127.0.0.1:5432/bot does not answer (connection refused)")

    monkeypatch.setattr(bot.store.engine, "transaction", away)
    if reads:
        monkeypatch.setattr(bot.store.engine, "read", away)


def test_a_store_that_cannot_be_read_is_said_plainly_and_the_pages_come_back(
    served_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = browser_for(served_bot)
    assert sign_in(browser).status == 303
    with monkeypatch.context() as patched:
        store_away(served_bot, patched, reads=True)
        for path in (paths.WEEK, paths.REGISTRANTS_CSV):
            page = browser.get(path)
            assert page.status == 503 and "Can&#39;t read the bot&#39;s data now" in page.text
            assert "Traceback" not in page.text and "PostgreSQL" not in page.text
            assert_safe_headers(page)
    assert browser.get(paths.WEEK).status == 200  # back by itself


def test_a_sign_in_the_store_cannot_keep_is_refused_plainly(
    served_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = browser_for(served_bot)
    with monkeypatch.context() as patched:
        store_away(served_bot, patched, reads=False)
        refused = sign_in(browser)
        assert refused.status == 503 and "Can&#39;t sign you in now" in refused.text
        assert SESSION_COOKIE not in browser.cookies
    assert sign_in(browser).status == 303

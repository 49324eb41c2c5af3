"""FakeSlack's Sign in with Slack (OpenID Connect): the authorize page, read with urllib without
following its redirect, and openid.connect.token / openid.connect.userInfo through slack_sdk."""

import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from email.message import Message
from typing import IO, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import openid
from bot.standin.fake_slack import FakeSlack

REDIRECT = "https://dashboard.example.org/auth/slack/callback?next=%2Fprogramme"
STATE = "state 1/ü&x"  # needs encoding both ways


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


# No proxies: everything stays on 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


@dataclass(frozen=True)
class Page:
    status: int
    location: str | None
    content_type: str | None
    text: str

    def query(self) -> dict[str, list[str]]:
        assert self.location is not None
        return parse_qs(urlsplit(self.location).query)


def visit(fake: FakeSlack, **params: str | None) -> Page:
    """GET the authorize page, by default as the bot would; a None parameter is left out."""
    defaults: dict[str, str | None] = {
        "response_type": "code",
        "scope": "openid profile",
        "client_id": fake.client_id,
        "redirect_uri": REDIRECT,
        "state": STATE,
        "nonce": "nonce-1",
    }
    query = {k: v for k, v in {**defaults, **params}.items() if v is not None}
    try:
        with OPENER.open(f"{fake.authorize_url}?{urlencode(query)}", timeout=5) as reply:
            body = reply.read().decode()
            headers = reply.headers
            status = reply.status
    except urllib.error.HTTPError as error:
        with error:
            body, headers, status = error.read().decode(), error.headers, error.code
    return Page(status, headers.get("Location"), headers.get("Content-Type"), body)


def sign_in(fake: FakeSlack, **params: str | None) -> str:
    """The code the authorize page sends back to REDIRECT."""
    page = visit(fake, **params)
    assert page.status == 302, page.text
    [code] = page.query()["code"]
    return code


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    """No token, as for Sign in with Slack, and no retries."""
    return WebClient(base_url=fake_slack.api_url, retry_handlers=[])


def exchange(fake: FakeSlack, client: WebClient, code: str, **overrides: Any) -> dict[str, Any]:
    args = {
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "code": code,
        "redirect_uri": REDIRECT,
        **overrides,
    }
    return dict(client.openid_connect_token(**args).data)  # type: ignore[arg-type]


def exchange_error(fake: FakeSlack, client: WebClient, code: str, **overrides: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        exchange(fake, client, code, **overrides)
    return str(raised.value.response["error"])


def claims(fake: FakeSlack, id_token: str) -> dict[str, Any]:
    """The id_token's claims, its signature, audience, issuer and expiry checked by PyJWT."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # the default secret is short
        return dict(
            jwt.decode(
                id_token,
                fake.client_secret,
                algorithms=["HS256"],
                audience=fake.client_id,
                issuer="https://slack.com",
            )
        )


def test_the_authorize_url_is_on_the_api_host(fake_slack: FakeSlack) -> None:
    derived = fake_slack.api_url.removesuffix("api/") + "openid/connect/authorize"
    assert fake_slack.authorize_url == derived


def test_sign_in_end_to_end(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.users["U1"] = {"real_name": "Zoë Ødegård"}
    fake_slack.signing_in = "U1"
    page = visit(fake_slack)
    assert page.status == 302
    assert page.location is not None
    assert page.location.startswith("https://dashboard.example.org/auth/slack/callback?")
    query = page.query()
    assert query["next"] == ["/programme"]
    assert query["state"] == [STATE]
    [code] = query["code"]

    answer = exchange(fake_slack, client, code)
    assert answer["ok"] is True
    assert answer["token_type"] == "Bearer"
    assert answer["access_token"].startswith("xoxp-")
    [call] = fake_slack.calls_to("openid.connect.token")
    assert call.headers["authorization"].startswith("Basic ")  # how slack_sdk sends the secret
    assert "client_secret" not in call.args

    got = claims(fake_slack, answer["id_token"])
    assert got["sub"] == got["https://slack.com/user_id"] == "U1"
    assert got["aud"] == "1111.2222"
    assert got["nonce"] == "nonce-1"
    assert got["name"] == "Zoë Ødegård"
    assert got["given_name"] == "Zoë"
    assert got["email"] == "u1@example.org"
    assert got["email_verified"] is True
    assert got["https://slack.com/team_id"] == "T0TEST"
    assert got["exp"] - got["iat"] == 3600
    assert abs(got["iat"] - time.time()) < 60
    assert got["auth_time"] <= got["iat"]

    info = client.openid_connect_userInfo(token=answer["access_token"]).data
    assert isinstance(info, dict)
    assert info == {
        "ok": True,
        "sub": "U1",
        "https://slack.com/user_id": "U1",
        "https://slack.com/team_id": "T0TEST",
        "https://slack.com/team_name": "Fake Workspace",
        "name": "Zoë Ødegård",
        "given_name": "Zoë",
        "email": "u1@example.org",
        "email_verified": True,
    }
    [info_call] = fake_slack.calls_to("openid.connect.userInfo")
    assert info_call.headers["authorization"] == f"Bearer {answer['access_token']}"
    bot = WebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    assert bot.users_info(user="U1")["user"]["real_name"] == "Zoë Ødegård"


def test_no_nonce_no_nonce_claim(fake_slack: FakeSlack, client: WebClient) -> None:
    answer = exchange(fake_slack, client, sign_in(fake_slack, nonce=None))
    got = claims(fake_slack, answer["id_token"])
    assert "nonce" not in got
    assert got["sub"] == "U0ORGANISER"
    assert got["name"] == "User U0ORGANISER"


def test_a_code_is_good_once(fake_slack: FakeSlack, client: WebClient) -> None:
    code = sign_in(fake_slack)
    assert exchange(fake_slack, client, code)["ok"] is True
    assert exchange_error(fake_slack, client, code) == "invalid_code"
    assert exchange_error(fake_slack, client, "made-up-code") == "invalid_code"
    errors = [c.error for c in fake_slack.calls_to("openid.connect.token")]
    assert errors == [None, "invalid_code", "invalid_code"]


def test_codes_expire(
    fake_slack: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = sign_in(fake_slack)
    monkeypatch.setattr(openid, "CODE_LIFETIME", 0.0)
    assert exchange_error(fake_slack, client, code) == "invalid_code"


def test_expire_codes(fake_slack: FakeSlack, client: WebClient) -> None:
    old = sign_in(fake_slack)
    fake_slack.expire_codes()
    new = sign_in(fake_slack)
    assert exchange_error(fake_slack, client, old) == "invalid_code"
    assert exchange(fake_slack, client, new)["ok"] is True


def test_a_wrong_secret_fails_and_leaves_the_code(fake_slack: FakeSlack, client: WebClient) -> None:
    code = sign_in(fake_slack)
    assert exchange_error(fake_slack, client, code, client_secret="nope") == "bad_client_secret"
    assert exchange(fake_slack, client, code)["ok"] is True


def test_an_unknown_client_id_at_the_token_method(fake_slack: FakeSlack, client: WebClient) -> None:
    code = sign_in(fake_slack)
    assert exchange_error(fake_slack, client, code, client_id="9.9") == "invalid_client_id"


def test_a_wrong_redirect_uri_spends_the_code(fake_slack: FakeSlack, client: WebClient) -> None:
    code = sign_in(fake_slack)
    other = "https://dashboard.example.org/auth/slack/callback"  # without the query
    assert exchange_error(fake_slack, client, code, redirect_uri=other) == "bad_redirect_uri"
    assert exchange_error(fake_slack, client, code) == "invalid_code"


def test_only_the_authorization_code_grant(fake_slack: FakeSlack, client: WebClient) -> None:
    code = sign_in(fake_slack)
    error = exchange_error(fake_slack, client, code, grant_type="refresh_token")
    assert error == "invalid_grant_type"
    assert exchange(fake_slack, client, code, grant_type="authorization_code")["ok"] is True


def test_client_credentials_as_form_fields() -> None:
    with FakeSlack(client_id="42.43", client_secret="s" * 40) as fake:
        code = sign_in(fake)
        data = {"client_id": "42.43", "client_secret": "s" * 40, "code": code}
        answer = WebClient(base_url=fake.api_url).api_call(
            "openid.connect.token", data={**data, "redirect_uri": REDIRECT}
        )
        got = jwt.decode(answer["id_token"], "s" * 40, algorithms=["HS256"], audience="42.43")
        assert got["sub"] == "U0ORGANISER"
        assert "authorization" not in fake.calls_to("openid.connect.token")[0].headers
        assert fake.violations == []


def test_a_missing_code_breaks_a_rule(fake_slack: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.openid_connect_token(client_id=fake_slack.client_id, client_secret="x")
    assert fake_slack.violations == ["openid.connect.token: missing required argument 'code'"]
    fake_slack.violations.clear()


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"client_id": "9999.1"}, "unknown client_id '9999.1'"),
        ({"client_id": None}, "unknown client_id None"),
        ({"redirect_uri": None}, "redirect_uri must be an absolute http(s) URL"),
        ({"redirect_uri": "/callback"}, "got '/callback'"),
        ({"redirect_uri": "ftp://example.org/cb"}, "got 'ftp://example.org/cb'"),
        ({"response_type": "token"}, "response_type must be 'code', got 'token'"),
        ({"scope": "profile email"}, "scope must include 'openid'"),
        ({"scope": "openid chat:write"}, "scopes ['chat:write']"),
    ],
)
def test_the_authorize_page_refuses_bad_requests(
    fake_slack: FakeSlack, params: dict[str, str | None], fragment: str
) -> None:
    page = visit(fake_slack, **params)
    assert page.status == 400
    assert page.location is None
    assert page.content_type is not None and page.content_type.startswith("text/plain")
    assert fragment in page.text
    [violation] = fake_slack.violations
    assert violation.startswith("openid authorize: ")
    assert fragment in violation
    fake_slack.violations.clear()


def test_a_missing_state_is_a_violation_but_signs_in(fake_slack: FakeSlack) -> None:
    page = visit(fake_slack, state=None)
    assert page.status == 302
    assert "state" not in page.query()
    assert len(page.query()["code"]) == 1
    assert fake_slack.violations == [
        "openid authorize: no state (the bot must send one against CSRF)"
    ]
    fake_slack.violations.clear()


def test_cancel(fake_slack: FakeSlack) -> None:
    fake_slack.signing_in = None
    page = visit(fake_slack)
    assert page.status == 302
    assert page.location is not None
    assert page.location.startswith("https://dashboard.example.org/auth/slack/callback?")
    assert page.query() == {"next": ["/programme"], "error": ["access_denied"], "state": [STATE]}


@pytest.mark.parametrize(
    ("token", "error"), [("xoxb-test-token", "invalid_auth"), ("xoxp-made-up", "invalid_auth")]
)
def test_user_info_needs_a_sign_in_token(
    fake_slack: FakeSlack, client: WebClient, token: str, error: str
) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.openid_connect_userInfo(token=token)
    assert raised.value.response["error"] == error
    assert fake_slack.calls_to("openid.connect.userInfo")[0].error == error
    [violation] = fake_slack.violations
    assert "is no Sign in with Slack token" in violation
    fake_slack.violations.clear()


def test_user_info_without_a_token(fake_slack: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="not_authed"):
        client.openid_connect_userInfo()
    assert fake_slack.calls_to("openid.connect.userInfo")[0].error == "not_authed"
    assert fake_slack.violations == [
        "openid.connect.userInfo: no token (Authorization header or token argument)"
    ]
    fake_slack.violations.clear()


def test_the_user_token_is_for_user_info_only(fake_slack: FakeSlack, client: WebClient) -> None:
    token = exchange(fake_slack, client, sign_in(fake_slack))["access_token"]
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=token, base_url=fake_slack.api_url).chat_postMessage(channel="C1", text="x")
    assert raised.value.response["error"] == "invalid_auth"
    assert fake_slack.calls_to("chat.postMessage")[0].error == "invalid_auth"
    fake_slack.violations.clear()


def test_slack_failing_the_exchange(fake_slack: FakeSlack, client: WebClient) -> None:
    code = sign_in(fake_slack)
    fake_slack.fail_for("openid.connect.token", 30)
    with pytest.raises(SlackApiError) as raised:
        exchange(fake_slack, client, code)
    assert raised.value.response.status_code == 503
    assert raised.value.response["error"] == "service_unavailable"
    assert fake_slack.calls_to("openid.connect.token")[0].error == "service_unavailable"
    fake_slack.clear_faults()
    assert exchange(fake_slack, client, code)["ok"] is True  # the failed call spent nothing

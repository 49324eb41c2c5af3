"""Slack's side of "Sign in with Slack" (OpenID Connect) for the fake Slack: the authorize page
a browser is sent to, and the Web API methods openid.connect.token and openid.connect.userInfo.
See https://api.slack.com/authentication/sign-in-with-slack."""

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jwt.utils import base64url_encode

from bot.standin.fake_http import HttpReply
from bot.standin.slack_answers import JsonDict

AUTHORIZE_PATH = "/openid/connect/authorize"
TOKEN_METHOD = "openid.connect.token"
USER_INFO_METHOD = "openid.connect.userInfo"
ISSUER = "https://slack.com"
SCOPES = frozenset({"openid", "profile", "email"})  # all Sign in with Slack knows
CODE_LIFETIME = 600.0  # seconds a code from the authorize page can be exchanged (once)
ID_TOKEN_LIFETIME = 3600  # seconds from issue to the id_token's `exp`


class Settings(Protocol):
    """The app Slack knows (its client id and secret) and who signs in at the authorize page
    (None: the person clicks Cancel)."""

    client_id: str
    client_secret: str
    signing_in: str | None


@dataclass(frozen=True)
class Grant:
    """What an authorization code (and then its access token) stands for."""

    client_id: str
    redirect_uri: str
    nonce: str | None
    user_id: str
    team_id: str
    issued: float  # time.monotonic() when the code was issued
    auth_time: int  # Unix time the person signed in


class SignInWithSlack:
    """Issues codes at the authorize page, exchanges them (once, within CODE_LIFETIME) for a
    user token and an id_token, and answers userInfo for those tokens."""

    def __init__(
        self,
        settings: Settings,
        *,
        team_id: str,
        team_name: str,
        user: Callable[[str], JsonDict],
        report: Callable[[str], None],
    ) -> None:
        self._settings = settings
        self._team_id = team_id
        self._team_name = team_name
        self._user = user  # users.info's `user` for a user id
        self._report = report  # records a broken rule
        self._lock = threading.Lock()
        self._codes: dict[str, Grant] = {}
        self._tokens: dict[str, Grant] = {}

    def authorize(self, query: str) -> HttpReply:
        """The authorize page: 302 back to redirect_uri with a code (or error=access_denied when
        nobody signs in), or a plain-text 400 for a request Slack would refuse."""
        params = dict(parse_qsl(query, keep_blank_values=True))
        problems = self._authorize_problems(params)
        for problem in problems:
            self._report(f"openid authorize: {problem}")
        if problems:
            text = "Sign in with Slack refused the request:\n" + "\n".join(problems)
            return HttpReply(400, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})
        state = params.get("state")
        if not state:
            self._report("openid authorize: no state (the bot must send one against CSRF)")
        back = {"state": state} if state else {}
        user_id = self._settings.signing_in
        if user_id is None:
            return _redirect(params["redirect_uri"], {"error": "access_denied", **back})
        grant = Grant(
            client_id=params["client_id"],
            redirect_uri=params["redirect_uri"],
            nonce=params.get("nonce") or None,
            user_id=user_id,
            team_id=self._team_id,
            issued=time.monotonic(),
            auth_time=int(time.time()),
        )
        code = secrets.token_hex(20)
        with self._lock:
            self._codes[code] = grant
        return _redirect(params["redirect_uri"], {"code": code, **back})

    def token(self, args: JsonDict) -> JsonDict:
        """openid.connect.token, with client_id and client_secret among `args` (see
        `method_args` for those sent as HTTP Basic auth). A code is spent once the client is
        known, even when the rest of the exchange fails."""
        settings = self._settings
        if args.get("client_id") != settings.client_id:
            return _error("invalid_client_id")
        if args.get("client_secret") != settings.client_secret:
            return _error("bad_client_secret")
        if args.get("grant_type") not in (None, "", "authorization_code"):
            return _error("invalid_grant_type")
        with self._lock:
            grant = self._codes.pop(str(args.get("code")), None)
        if grant is None or grant.client_id != args["client_id"]:
            return _error("invalid_code")
        if time.monotonic() - grant.issued >= CODE_LIFETIME:
            return _error("invalid_code")
        if args.get("redirect_uri") != grant.redirect_uri:
            return _error("bad_redirect_uri")
        access_token = f"xoxp-{secrets.token_hex(16)}"
        with self._lock:
            self._tokens[access_token] = grant
        id_token = _sign_hs256(self._claims(grant), settings.client_secret)
        return {
            "ok": True,
            "access_token": access_token,
            "token_type": "Bearer",
            "id_token": id_token,
        }

    def user_info(self, args: JsonDict) -> JsonDict:
        """openid.connect.userInfo for the user token in `args["token"]`."""
        with self._lock:
            grant = self._tokens.get(str(args.get("token") or ""))
        if grant is None:
            return _error("invalid_auth")
        return {"ok": True, **self._person(grant)}

    def knows_token(self, token: str) -> bool:
        """Whether `token` is a user token an exchange of a code issued."""
        with self._lock:
            return token in self._tokens

    def expire_codes(self) -> None:
        """Make every code issued so far too old to exchange."""
        with self._lock:
            # Issued at the dawn of time: expired whatever CODE_LIFETIME is.
            self._codes = {c: replace(g, issued=-math.inf) for c, g in self._codes.items()}

    def _authorize_problems(self, params: Mapping[str, str]) -> list[str]:
        problems = []
        client_id = params.get("client_id")
        if client_id != self._settings.client_id:
            problems.append(f"unknown client_id {client_id!r}")
        redirect_uri = params.get("redirect_uri")
        if not _absolute_http_url(redirect_uri):
            problems.append(
                f"redirect_uri must be an absolute http(s) URL without a #fragment, "
                f"got {redirect_uri!r}"
            )
        response_type = params.get("response_type")
        if response_type != "code":
            problems.append(f"response_type must be 'code', got {response_type!r}")
        scopes = params.get("scope", "").split()
        if "openid" not in scopes:
            problems.append(f"scope must include 'openid', got {params.get('scope')!r}")
        unknown = sorted(set(scopes) - SCOPES)
        if unknown:
            problems.append(f"scopes {unknown} are not Sign in with Slack's {sorted(SCOPES)}")
        return problems

    def _claims(self, grant: Grant) -> JsonDict:
        now = int(time.time())
        claims: JsonDict = {
            "iss": ISSUER,
            "aud": grant.client_id,
            "exp": now + ID_TOKEN_LIFETIME,
            "iat": now,
            "auth_time": grant.auth_time,
            **self._person(grant),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        return claims

    def _person(self, grant: Grant) -> JsonDict:
        """Who signed in, from what users.info answers for them."""
        user = self._user(grant.user_id)
        profile = user.get("profile")
        profile = profile if isinstance(profile, dict) else {}
        name = str(user.get("real_name") or profile.get("real_name") or grant.user_id)
        given_name = str(profile.get("first_name") or (name.split() or [name])[0])
        return {
            "sub": grant.user_id,
            "https://slack.com/user_id": grant.user_id,
            "https://slack.com/team_id": grant.team_id,
            "https://slack.com/team_name": self._team_name,
            "name": name,
            "given_name": given_name,
            "email": str(profile.get("email") or f"{grant.user_id.lower()}@example.org"),
            "email_verified": True,
        }


def method_args(method: str, args: JsonDict, headers: Mapping[str, str], token: str) -> JsonDict:
    """The arguments the OpenID methods answer from: openid.connect.token's client credentials
    may come as HTTP Basic auth (as slack_sdk sends them; form fields win), and
    openid.connect.userInfo answers for the `token` it was called with."""
    if method == TOKEN_METHOD:
        return {**basic_credentials(headers), **args}
    if method == USER_INFO_METHOD:
        return {**args, "token": token}
    return args


def basic_credentials(headers: Mapping[str, str]) -> dict[str, str]:
    """client_id and client_secret from an `Authorization: Basic ...` header, if any."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return {}
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return {}
    client_id, colon, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret} if colon else {}


def _sign_hs256(claims: Mapping[str, Any], secret: str) -> str:
    """A JWT signed HS256 with `secret`. Put together here rather than by `jwt.encode`, which
    warns (from the server's thread) about keys under 32 bytes, as the default secret is."""
    header = {"alg": "HS256", "typ": "JWT"}
    parts = [
        base64url_encode(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, claims)
    ]
    signing_input = b".".join(parts)
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return b".".join([signing_input, base64url_encode(signature)]).decode()


def _absolute_http_url(value: str | None) -> bool:
    if not value:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.fragment


def _redirect(url: str, extra: Mapping[str, str]) -> HttpReply:
    """302 to `url` with `extra` added to the query it already has."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *extra.items()]
    location = urlunsplit(parts._replace(query=urlencode(query)))
    return HttpReply(302, b"", {"Location": location})


def _error(error: str) -> JsonDict:
    return {"ok": False, "error": error}

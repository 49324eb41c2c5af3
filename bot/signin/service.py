"""Sign in with Slack: Slack's OpenID Connect, for organisers' browsers.

1. `start` sends the browser to Slack's authorize page with a fresh `state` and `nonce`, and
   gives it a short-lived signed cookie holding both: the sign-in is bound to that browser.
2. Slack sends the browser back with a code; `finish` checks the `state` against the cookie,
   exchanges the code (`openid.connect.token`), checks the ID token's claims (issuer,
   audience, expiry, and the `nonce`), reads who signed in (`openid.connect.userInfo`),
   refuses anyone not in `ORGANISER_IDS`, and opens a session: a random secret, kept in the
   store as a digest (`bot.signin.records`) and given to the browser in a signed cookie.
3. `who` says whose a session cookie is, if its signature holds, it has not expired, the
   store still has it and its owner is still an organiser; `sign_out` deletes it.

The ID token comes straight from Slack over TLS, in answer to our own request, so its
signature is not checked (OpenID Connect Core 1.0, 3.1.3.7, item 6); its claims are. The
token's times are Slack's wall clock, checked against this machine's.

Both cookies are signed with `SLACK_CLIENT_SECRET` (itsdangerous, a different salt each),
timestamped by the bot's clock.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.signin.records import SignedIn, SignInRecords
from bot.store import StoreError

logger = logging.getLogger(__name__)

ISSUER = "https://slack.com"
SCOPE = "openid profile"
USER_ID = "https://slack.com/user_id"
SIGNING_IN = timedelta(minutes=10)
"""How long a browser has between leaving for Slack and coming back."""
SESSION = timedelta(hours=12)
"""How long a session lasts: a working day; then the organiser signs in again."""
LEEWAY = 60  # seconds of difference allowed between Slack's clock and ours


@dataclass(frozen=True)
class OpenIdClient:
    """The Slack app as an OpenID client."""

    client_id: str
    client_secret: str
    redirect_uri: str
    """Where Slack sends the browser back: `PUBLIC_URL/organisers/callback` (in the app's
    manifest too)."""
    authorize_url: str
    """Slack's authorize page, beside its Web API: `https://slack.com/openid/connect/authorize`."""


def authorize_url_for(api_url: str) -> str:
    """Slack's authorize page for a Web API URL: `https://slack.com/api/` ->
    `https://slack.com/openid/connect/authorize` (and the same for a stand-in's)."""
    return api_url.rstrip("/").removesuffix("/api") + "/openid/connect/authorize"


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the cookie that binds the sign-in to it."""

    location: str
    cookie: str


@dataclass(frozen=True)
class Opened:
    """A session opened: its cookie, and where the browser was going."""

    cookie: str
    next_path: str
    signed_in: SignedIn


class Refused(Exception):
    """A sign-in that cannot go on: the HTTP status, a title and a sentence for the person."""

    def __init__(self, status: int, title: str, text: str) -> None:
        super().__init__(f"{status} {title}: {text}")
        self.status = status
        self.title = title
        self.text = text


def _signer(clock: Callable[[], datetime]) -> type[TimestampSigner]:
    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock().timestamp())

    return ClockSigner


class SignIn:
    """Sign-in and sessions for `organisers`, through Slack at `web`'s base URL."""

    def __init__(
        self,
        *,
        client: OpenIdClient,
        web: WebClient,
        records: SignInRecords,
        organisers: frozenset[str],
        clock: Callable[[], datetime],
        allowed_next: Callable[[str], bool],
        session: timedelta = SESSION,
    ) -> None:
        self._client = client
        self._web = web
        self._records = records
        self._organisers = organisers
        self._clock = clock
        self._allowed_next = allowed_next
        self._session = session
        signer = _signer(clock)
        secret = client.client_secret
        self._pending = URLSafeTimedSerializer(secret, salt="signin.pending", signer=signer)
        self._sessions = URLSafeTimedSerializer(secret, salt="signin.session", signer=signer)

    @property
    def session_seconds(self) -> int:
        return int(self._session.total_seconds())

    def start(self, next_path: str) -> Started:
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        query = urlencode({
            "response_type": "code", "scope": SCOPE, "client_id": self._client.client_id,
            "redirect_uri": self._client.redirect_uri, "state": state, "nonce": nonce,
        })  # fmt: skip
        going = next_path if self._allowed_next(next_path) else ""
        cookie = self._pending.dumps({"state": state, "nonce": nonce, "next": going})
        return Started(f"{self._client.authorize_url}?{query}", cookie)

    def finish(self, query: Mapping[str, str], cookie: str | None) -> Opened:
        """Check Slack's answer against the browser's cookie, then ask Slack who it is;
        Refused if anything is amiss."""
        pending = self._pending_of(cookie)
        state = query.get("state", "")
        if not hmac.compare_digest(state.encode(), str(pending["state"]).encode()):
            raise Refused(400, "Sign-in didn't match", "This sign-in was started elsewhere "
                          "or has been used already. Please sign in again.")  # fmt: skip
        if "error" in query:
            raise Refused(400, "Not signed in", "Slack said you didn't sign in "
                          f"({query['error'][:60]}). You can try again.")  # fmt: skip
        code = query.get("code", "")
        if not code:
            raise Refused(400, "Not signed in", "Slack sent no sign-in code. Please try again.")
        claims = self._exchange(code, str(pending["nonce"]))
        user_id, name = self._who(claims)
        if user_id not in self._organisers:
            logger.warning("Refused a dashboard sign-in by %s: not in ORGANISER_IDS", user_id)
            raise Refused(403, "Only for organisers", "You're signed in to Slack, but this "
                          "dashboard is only for the event's organisers.")  # fmt: skip
        secret = secrets.token_urlsafe(32)
        now = self._clock()
        signed_in = SignedIn(user_id, name, now + self._session)
        try:
            self._records.open_session(secret=secret, signed_in=signed_in, now=now)
        except StoreError as err:
            logger.exception("Could not open a dashboard session")
            raise Refused(503, "Can't sign you in now", "The bot can't save anything just "
                          "now. Please try again in a few minutes.") from err  # fmt: skip
        logger.info("Dashboard: %s signed in", user_id)
        next_path = str(pending.get("next") or "")
        return Opened(self._sessions.dumps(secret), next_path, signed_in)

    def who(self, cookie: str | None) -> SignedIn | None:
        """The organiser a session cookie is for, or None (no cookie, a bad or expired
        signature, signed out, or no longer an organiser). StoreError if the store cannot
        be read."""
        secret = self._secret_of(cookie)
        if secret is None:
            return None
        signed_in = self._records.session_of(secret=secret, now=self._clock())
        if signed_in is None or signed_in.user_id not in self._organisers:
            return None
        return signed_in

    def sign_out(self, cookie: str | None) -> None:
        """End the session, if there is one (StoreError if it cannot be deleted)."""
        secret = self._secret_of(cookie)
        if secret is not None:
            self._records.close_session(secret=secret)

    # --- the steps -------------------------------------------------------------------------

    def _pending_of(self, cookie: str | None) -> dict[str, Any]:
        try:
            pending = self._pending.loads(cookie or "", max_age=int(SIGNING_IN.total_seconds()))
        except BadSignature:  # SignatureExpired included
            pending = None
        if not isinstance(pending, dict) or not pending.get("state"):
            raise Refused(400, "Sign-in expired", "This sign-in was started in another "
                          "browser, or too long ago. Please sign in again.")  # fmt: skip
        return pending

    def _secret_of(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            secret = self._sessions.loads(cookie, max_age=self.session_seconds)
        except BadSignature:  # tampered, or expired (SignatureExpired)
            return None
        return secret if isinstance(secret, str) and secret else None

    def _exchange(self, code: str, nonce: str) -> dict[str, Any]:
        """The ID token's claims for `code`, checked."""
        try:
            answer = self._web.openid_connect_token(
                client_id=self._client.client_id,
                client_secret=self._client.client_secret,
                code=code,
                redirect_uri=self._client.redirect_uri,
            )
        except SlackApiError as err:
            if err.response.status_code >= 500 or err.response.status_code == 429:
                raise _no_answer(err) from err
            error = str(err.response.get("error", "an error"))
            logger.warning("Slack refused a dashboard sign-in code: %s", error)
            raise Refused(400, "Slack didn't confirm who you are", f"Slack said "
                          f"“{error[:60]}”. Please sign in again.") from err  # fmt: skip
        except SlackClientError as err:
            raise _no_answer(err) from err
        try:
            claims: dict[str, Any] = jwt.decode(
                str(answer.get("id_token", "")),
                options={"verify_signature": False, "verify_exp": True, "verify_iat": True,
                         "verify_aud": True, "verify_iss": True,
                         "require": ["iss", "aud", "exp", "iat", "sub"]},
                audience=self._client.client_id, issuer=ISSUER, leeway=LEEWAY,
            )  # fmt: skip
        except jwt.PyJWTError as err:
            logger.warning("Slack's ID token for a sign-in did not check out: %s", err)
            raise Refused(400, "Sign-in didn't check out", "Slack's answer didn't check "
                          "out. Please sign in again.") from err  # fmt: skip
        if not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()):
            logger.warning("A dashboard sign-in's ID token carried the wrong nonce")
            raise Refused(400, "Sign-in didn't check out", "Slack's answer was for another "
                          "sign-in. Please sign in again.")  # fmt: skip
        claims["access_token"] = str(answer.get("access_token", ""))
        return claims

    def _who(self, claims: Mapping[str, Any]) -> tuple[str, str]:
        """(user id, name) of who signed in, as `openid.connect.userInfo` says."""
        try:
            info = self._web.openid_connect_userInfo(token=str(claims["access_token"]))
        except SlackApiError as err:
            if err.response.status_code >= 500 or err.response.status_code == 429:
                raise _no_answer(err) from err
            logger.warning("Slack refused openid.connect.userInfo: %s", err.response.get("error"))
            raise Refused(400, "Slack didn't confirm who you are", "Slack wouldn't say who "
                          "signed in. Please sign in again.") from err  # fmt: skip
        except SlackClientError as err:
            raise _no_answer(err) from err
        user_id = str(info.get(USER_ID) or info.get("sub") or "")
        if not user_id or user_id != str(claims.get(USER_ID) or claims.get("sub")):
            logger.warning("openid.connect.userInfo named someone else than the ID token")
            raise Refused(400, "Sign-in didn't check out", "Slack's answers didn't agree. "
                          "Please sign in again.")  # fmt: skip
        name = str(info.get("name") or info.get("given_name") or user_id)
        return user_id, name


def _no_answer(err: Exception) -> Refused:
    logger.warning("Slack did not answer a sign-in (%s)", err)
    return Refused(502, "Slack didn't answer", "Slack didn't answer just now. Please sign in "
                   "again in a minute.")  # fmt: skip

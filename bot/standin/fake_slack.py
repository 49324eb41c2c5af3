"""FakeSlack: a stand-in for Slack's Web API, response_urls and Sign in with Slack's authorize
page, served on 127.0.0.1. The tests run the bot against it (with Socket Mode added, see
tests/support/fake_socket_mode.py), and so does the offline console."""

import json
import threading
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import replace
from types import TracebackType
from typing import Protocol, Self

from bot.standin.fake_http import HttpReply, HttpRequest, LocalHttpServer, request_args
from bot.standin.openid import (
    AUTHORIZE_PATH,
    TOKEN_METHOD,
    USER_INFO_METHOD,
    SignInWithSlack,
    method_args,
)
from bot.standin.rate_limits import ALL_METHODS, FailureWindows, RateLimits
from bot.standin.records import CONNECTION_DROPPED, Call, Failure, Response
from bot.standin.slack_answers import TEAM_NAME, AnswerError, Identity, JsonDict, SlackAnswers
from bot.standin.slack_payloads import BOT_USER_ID, TEAM_ID
from bot.standin.slack_rules import check_call, check_message

RESPONSE_URL_USES = 5  # Slack accepts 5 posts per response_url


class Observer(Protocol):
    """Told of each Web API call the stand-in accepted (and its answer), and of each post to
    a response_url it accepted: on the server's thread, before the caller has its answer."""

    def call_accepted(self, call: Call, answer: JsonDict) -> None: ...

    def response_accepted(self, response: Response) -> None: ...


class FakeSlack:
    """Records calls, checks them against Slack's rules and answers like Slack."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        app_token: str = "xapp-test-token",
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = "BBOT",
        team_id: str = TEAM_ID,
        client_id: str = "1111.2222",
        client_secret: str = "fake-client-secret",
        observer: Observer | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.client_id = client_id  # the app's, for Sign in with Slack
        self.client_secret = client_secret
        self.signing_in: str | None = "U0ORGANISER"  # who signs in; None clicks Cancel
        self.observer = observer
        self.app_token = app_token
        self.calls: list[Call] = []
        self.responses: list[Response] = []
        self.violations: list[str] = []
        self._changed = threading.Condition()
        self._failures: defaultdict[str, deque[Failure]] = defaultdict(deque)
        self._response_uses: Counter[str] = Counter()
        self._rate_limits = RateLimits()
        self._windows = FailureWindows()
        self._hangs: defaultdict[str, deque[float]] = defaultdict(deque)  # seconds per held call
        self._drops: Counter[str] = Counter()
        self._releases = 0  # bumped to answer held calls at once (clear_faults, stop)
        self._holding: Counter[str] = Counter()  # calls being held now, by method
        self._http = LocalHttpServer(self._route)
        identity = Identity(team_id=team_id, bot_user_id=bot_user_id, bot_id=bot_id)
        self.answers = SlackAnswers(identity, lambda file_id: f"{self.base_url}/upload/{file_id}")
        self.openid = SignInWithSlack(
            self,
            team_id=team_id,
            team_name=TEAM_NAME,
            user=self._signed_in_user,
            report=self._violation,
        )
        self.answers.handlers[TOKEN_METHOD] = self.openid.token
        self.answers.handlers[USER_INFO_METHOD] = self.openid.user_info

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving on a free port of 127.0.0.1."""
        self._http.start()
        return self

    def stop(self) -> None:
        """Stop serving (held calls are let go)."""
        self._release_held()
        self._http.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """E.g. http://127.0.0.1:54321."""
        return self._http.base_url

    @property
    def api_url(self) -> str:
        """Web API base URL for `WebClient(base_url=...)` (with the trailing slash)."""
        return f"{self.base_url}/api/"

    @property
    def authorize_url(self) -> str:
        """Sign in with Slack's authorize page, on the same host as `api_url` (as for Slack:
        https://slack.com/api/ -> https://slack.com/openid/connect/authorize)."""
        return f"{self.base_url}{AUTHORIZE_PATH}"

    # -- state shared with the answers -----------------------------------------------------

    @property
    def users(self) -> dict[str, JsonDict]:
        """Extra users.info fields per user id, e.g. `users["U1"] = {"tz": "Asia/Tokyo"}`."""
        return self.answers.users

    @property
    def unreachable_users(self) -> set[str]:
        """Users the bot cannot DM: postMessage and conversations.open to them fail."""
        return self.answers.unreachable_users

    @property
    def uploads(self) -> dict[str, bytes]:
        """Bytes uploaded per file id."""
        return self.answers.uploads

    def answer_with(self, method: str, answer: Callable[[JsonDict], JsonDict]) -> None:
        """Replace the answer to a (known) method, e.g. a users.info with a deleted user."""
        self.answers.handlers[method] = answer

    # -- recorded calls --------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """The calls to one method so far."""
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until at least `count` calls to `method` arrived; return them all."""
        with self._changed:
            if self._changed.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
                return self.calls_to(method)
            seen = [call.method for call in self.calls]
        raise AssertionError(
            f"expected {count} call(s) to {method} within {timeout}s, "
            f"got {len([m for m in seen if m == method])}; calls: {seen}; "
            f"violations: {self.violations}"
        )

    def reset(self) -> None:
        """Forget calls and responses (violations are kept)."""
        with self._changed:
            self.calls.clear()
            self.responses.clear()

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        body: JsonDict | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls to `method` with a failure (default: rate limited)."""
        failure = Failure.build(status, body, headers)
        with self._changed:
            self._failures[method].extend([failure] * times)

    def limit_rate(self, method: str, *, per_second: int | None, retry_after: int = 1) -> None:
        """Allow at most `per_second` calls to `method` in any rolling second; beyond that answer
        HTTP 429 `ratelimited` with `Retry-After: retry_after` (recorded as a failed call, not a
        violation). `per_second=None` lifts the limit."""
        self._rate_limits.limit(method, per_second=per_second, retry_after=retry_after)

    def rate_limited_count(self, method: str) -> int:
        """How many calls to `method` were answered 429 `ratelimited` so far."""
        return sum(call.error == "ratelimited" for call in self.calls_to(method))

    def expire_codes(self) -> None:
        """Make every Sign in with Slack code issued so far too old to exchange."""
        self.openid.expire_codes()

    # -- fault injection ---------------------------------------------------------------------

    def fail_for(
        self, method: str, seconds: float, *, status: int = 503, body: JsonDict | None = None
    ) -> None:
        """Answer every call to `method` arriving in the next `seconds` seconds with HTTP `status`
        (default body: `service_unavailable` for 503, else `internal_error`), recorded as a
        failed call, not a violation. `method="*"` means every method but auth.test and
        apps.connections.open. Windows stack; where several are open, the last one added
        answers."""
        self._windows.add(method, seconds, Failure.server_error(status, body))

    def hang(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` calls to `method` for `seconds` seconds, then answer them as
        usual (and record them then). Other requests are served meanwhile."""
        _check_fault(method, times)
        if not seconds >= 0:
            raise ValueError("seconds must be zero or more")
        with self._changed:
            self._hangs[method].extend([seconds] * times)

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every Web API call that arrived has been answered (or its client left)."""
        if not self._http.wait_idle(timeout):
            raise AssertionError(f"the fake Slack still busy after {timeout} s")

    def wait_holding(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` calls to `method` are being held (see `hang`)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._holding[method] >= count, timeout):
                raise AssertionError(f"no {count} call(s) to {method} held within {timeout} s")

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next `times` calls to `method` without any HTTP response
        (the client sees it disconnect); each is recorded as failed with `connection_dropped`."""
        _check_fault(method, times)
        with self._changed:
            self._drops[method] += times

    def use_clock(self, clock: Callable[[], float]) -> None:
        """Time the failure windows and rate limits by `clock` (seconds, as `time.monotonic`
        counts them) instead of the real time, so a test moves it rather than waits."""
        self._windows.clock = self._rate_limits.clock = clock

    def clear_faults(self) -> None:
        """Remove server-error windows, pending hangs, drops and `fail_next` failures, and answer
        calls being held now. Rate limits stay."""
        self._windows.clear()
        with self._changed:
            self._hangs.clear()
            self._drops.clear()
            self._failures.clear()
        self._release_held()

    # -- response_url ------------------------------------------------------------------------

    def response_url(self, key: str | None = None) -> str:
        """A response_url served by the fake; posts to it land in `responses`."""
        return f"{self.base_url}/response/{key or uuid.uuid4().hex[:12]}"

    def wait_for_response(self, count: int = 1, timeout: float = 5.0) -> list[Response]:
        """Wait until at least `count` response_url posts arrived; return them all."""
        with self._changed:
            if self._changed.wait_for(lambda: len(self.responses) >= count, timeout):
                return list(self.responses)
            got = len(self.responses)
        raise AssertionError(
            f"expected {count} response_url post(s) within {timeout}s, got {got}; "
            f"violations: {self.violations}"
        )

    # -- HTTP handling -----------------------------------------------------------------------

    def _route(self, request: HttpRequest) -> HttpReply:
        if request.path == AUTHORIZE_PATH and request.method == "GET":
            return self.openid.authorize(request.query)
        kind, _, name = request.path.lstrip("/").partition("/")
        if kind == "api" and name:
            return self._api(name, request)
        if kind == "upload" and request.method == "POST":
            return self._upload(name, request)
        if kind == "response" and request.method == "POST":
            return self._respond(name, request)
        self._violation(f"{request.method} {request.path}: no such Slack endpoint")
        return HttpReply(404, b"not found")

    def _api(self, method: str, request: HttpRequest) -> HttpReply:
        arrived = self._windows.clock()
        try:
            args = request_args(request)
        except (ValueError, UnicodeDecodeError) as error:
            return self._reject(Call(method, {}, request.headers), "invalid_form_data", str(error))
        call = Call(method, args, request.headers)
        auth_error = self._auth_error(method, request.headers, args)
        if auth_error:
            return self._reject(call, *auth_error)
        if self._take_drop(method):
            self._record(replace(call, error=CONNECTION_DROPPED))
            return HttpReply.dropped()
        self._hold(method)
        failure = (
            self._windows.check(method, arrived)
            or self._next_failure(method)
            or self._rate_limits.check(method)
        )
        if failure:
            self._record(replace(call, error=failure.error))
            return HttpReply.json(failure.body, failure.status, failure.headers)
        args = method_args(method, args, request.headers, _request_token(request.headers, args))
        breach = check_call(method, args)
        if breach:
            return self._reject(call, breach.error, *breach.problems)
        try:
            answer = self.answers.answer(method, args)
        except AnswerError as error:
            return self._reject(call, error.error, f"{method}: {error.problem}")
        self._record(replace(call, error=None if answer.get("ok") else answer.get("error")))
        if self.observer is not None and answer.get("ok"):
            self.observer.call_accepted(call, answer)
        return HttpReply.json(answer)

    def _auth_error(
        self, method: str, headers: dict[str, str], args: JsonDict
    ) -> tuple[str, str] | None:
        if method == TOKEN_METHOD:
            return None  # no token: the client id and secret are checked by the answer
        token = _request_token(headers, args)
        needed = self.app_token if method == "apps.connections.open" else self.bot_token
        if not token:
            return "not_authed", f"{method}: no token (Authorization header or token argument)"
        if method == USER_INFO_METHOD:
            if self.openid.knows_token(token):
                return None
            return "invalid_auth", f"{method}: {token[:12]!r}... is no Sign in with Slack token"
        if token == needed:
            return None
        if token in (self.bot_token, self.app_token):
            wanted = "app" if needed == self.app_token else "bot"
            return "not_allowed_token_type", f"{method}: needs the {wanted} token"
        return "invalid_auth", f"{method}: unknown token {token[:12]!r}..."

    def _signed_in_user(self, user_id: str) -> JsonDict:
        """What users.info answers for someone signing in (answer_with overrides count)."""
        user = self.answers.answer("users.info", {"user": user_id}).get("user")
        return dict(user) if isinstance(user, dict) else {}

    def _next_failure(self, method: str) -> Failure | None:
        with self._changed:
            queue = self._failures.get(method)
            return queue.popleft() if queue else None

    def _take_drop(self, method: str) -> bool:
        with self._changed:
            if self._drops[method] <= 0:
                return False
            self._drops[method] -= 1
            return True

    def _hold(self, method: str) -> None:
        """Wait out a pending hang on `method`, if any, unless released sooner."""
        with self._changed:
            queue = self._hangs.get(method)
            if not queue:
                return
            seconds = queue.popleft()
            releases = self._releases
            self._holding[method] += 1
            self._changed.notify_all()
            # Waiting releases the lock, so other requests go on meanwhile.
            self._changed.wait_for(lambda: self._releases != releases, timeout=seconds)
            self._holding[method] -= 1

    def _release_held(self) -> None:
        with self._changed:
            self._releases += 1
            self._changed.notify_all()

    def _upload(self, file_id: str, request: HttpRequest) -> HttpReply:
        if file_id not in self.answers.pending_files:
            self._violation(f"upload to unknown file id {file_id!r}")
            return HttpReply(404, b"file_not_found")
        self.answers.uploads[file_id] = request.body
        return HttpReply(200, f"OK - {len(request.body)}".encode())

    def _respond(self, key: str, request: HttpRequest) -> HttpReply:
        try:
            payload = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = request.body.decode(errors="replace")
        with self._changed:
            self._response_uses[key] += 1
            uses = self._response_uses[key]
        source = f"response_url {key}"
        if uses > RESPONSE_URL_USES:
            problem = f"{source}: used {uses} times; Slack allows {RESPONSE_URL_USES}"
            return self._reject_response(Response(key, payload, "used_url"), 404, problem)
        breach = check_message(payload, source=source)
        if breach:
            return self._reject_response(
                Response(key, payload, breach.error), 400, *breach.problems
            )
        response = Response(key, payload)
        with self._changed:
            self.responses.append(response)
            self._changed.notify_all()
        if self.observer is not None:
            self.observer.response_accepted(response)
        return HttpReply.json({"ok": True})

    # -- recording ---------------------------------------------------------------------------

    def _reject(self, call: Call, error: str, *problems: str) -> HttpReply:
        for problem in problems:
            self._violation(problem)
        self._record(replace(call, error=error))
        return HttpReply.json({"ok": False, "error": error})

    def _reject_response(self, response: Response, status: int, *problems: str) -> HttpReply:
        with self._changed:
            self.violations.extend(problems)
            self.responses.append(response)
            self._changed.notify_all()
        return HttpReply.json({"ok": False, "error": response.error}, status)

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _violation(self, problem: str) -> None:
        with self._changed:
            self.violations.append(problem)
            self._changed.notify_all()


def _request_token(headers: dict[str, str], args: JsonDict) -> str:
    """The token a Web API call came with: the Authorization header, else a `token` argument."""
    auth = headers.get("authorization", "")
    return auth.removeprefix("Bearer ").strip() if auth else str(args.get("token") or "")


def _check_fault(method: str, times: int) -> None:
    if method == ALL_METHODS:
        raise ValueError('"*" is only for fail_for: hang and drop name one method')
    if times < 1:
        raise ValueError("times must be at least 1")

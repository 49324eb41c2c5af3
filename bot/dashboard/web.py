"""The dashboard's HTTP side: which page each request under `/organisers/` gets, who may see
it, and the headers every answer carries.

Nothing is shown before sign-in but the sign-in page itself (and the stylesheet). Every
answer forbids scripts and styles from anywhere but the bot itself, framing, and sniffing;
pages are not cached. A session ends when it expires or its organiser signs out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from bot.dashboard import paths
from bot.dashboard.pages import Pages, notice_page
from bot.signin.service import SIGNING_IN, Refused, SignIn
from bot.store import StoreError

logger = logging.getLogger(__name__)

Response = tuple[int, bytes, list[tuple[str, str]]]

SESSION_COOKIE = "organiser_session"
PENDING_COOKIE = "organiser_signin"

SECURITY = (
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
     "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),  # no-referrer makes Chromium send `Origin: null`
    ("Cache-Control", "no-store"),
)  # fmt: skip
HTML = "text/html; charset=utf-8"
NOT_CONFIGURED = (
    "The organisers' dashboard is off.",
    "To turn it on, add Sign in with Slack to the app (the redirect URL "
    "PUBLIC_URL/organisers/callback, in manifest.json), then set SLACK_CLIENT_ID, "
    "SLACK_CLIENT_SECRET and PUBLIC_URL, and restart the bot. The README's install steps say "
    "where to find them.",
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    cookies: dict[str, str]
    origin: str | None


def read_request(environ: dict[str, Any]) -> Request:
    cookies: dict[str, str] = {}
    try:
        jar: SimpleCookie = SimpleCookie(str(environ.get("HTTP_COOKIE") or ""))
        cookies = {name: morsel.value for name, morsel in jar.items()}
    except CookieError:
        pass  # an unreadable Cookie header is no cookie: the sign-in page
    return Request(
        method=str(environ.get("REQUEST_METHOD") or "GET").upper(),
        path=str(environ.get("PATH_INFO") or ""),
        query=dict(parse_qsl(str(environ.get("QUERY_STRING") or ""))),
        cookies=cookies,
        origin=environ.get("HTTP_ORIGIN"),
    )


class Dashboard:
    """Answers requests under `/organisers/`. Without `signin` (no client ID configured),
    every page says how to turn the dashboard on, and nothing else."""

    def __init__(self, *, pages: Pages, signin: SignIn | None, public_url: str | None) -> None:
        self._pages = pages
        self._signin = signin
        self._public_url = public_url
        self._secure = bool(public_url and public_url.startswith("https://"))

    def respond(self, environ: dict[str, Any]) -> Response:
        request = read_request(environ)
        try:
            status, body, headers = self._route(request)
        except StoreError:
            logger.exception("The dashboard could not read the store")
            status, body, headers = _notice(503, "Can't read the bot's data now",
                                            "Please reload in a minute.")  # fmt: skip
        except Exception:
            logger.exception("The dashboard failed on %s %s", request.method, request.path)
            status, body, headers = _notice(500, "Something went wrong",
                                            "Please reload; if it happens again, the bot's "
                                            "log says what.")  # fmt: skip
        return status, b"" if request.method == "HEAD" else body, [*headers, *SECURITY]

    def _route(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path == paths.ROOT.rstrip("/"):
            return 308, b"", [("Location", paths.ROOT)]
        if path == paths.STYLE:
            return _only(method, ("GET", "HEAD")) or _style()
        if self._signin is None:
            return _notice(200, *NOT_CONFIGURED)
        if path == paths.SIGN_IN:
            return _only(method, ("GET", "HEAD")) or self._start(request)
        if path == paths.CALLBACK:  # GET only: it spends Slack's one-time code
            return _only(method, ("GET",)) or self._finish(request)
        if path == paths.SIGN_OUT:
            return _only(method, ("POST",)) or self._sign_out(request)
        page = self._page_for(path)
        if page is None:
            return _notice(404, "No such page", "That page isn't part of the dashboard.",
                           action=("get", paths.WEEK, "Go to the week"))  # fmt: skip
        refused = _only(method, ("GET", "HEAD"))
        if refused:
            return refused
        viewer = self._signin.who(request.cookies.get(SESSION_COOKIE))
        if viewer is None:
            going = quote(path, safe="/")
            return _notice(401, "Organisers' dashboard",
                           "Sign in with your Slack account to see how the week is going.",
                           action=("get", f"{paths.SIGN_IN}?next={going}",
                                   "Sign in with Slack"))  # fmt: skip
        return page(viewer.name)

    def _page_for(self, path: str) -> Callable[[str], Response] | None:
        pages = self._pages
        fixed: dict[str, Callable[[str], Response]] = {
            paths.WEEK: lambda viewer: _html(pages.week(viewer=viewer)),
            paths.BROADCASTS: lambda viewer: _html(pages.broadcasts(viewer=viewer)),
            paths.HEALTH: lambda viewer: _html(pages.health(viewer=viewer)),
            paths.REGISTRANTS_CSV: lambda viewer: _csv(pages.registrants_csv(), "attendance"),
            paths.FEEDBACK_CSV: lambda viewer: _csv(pages.feedback_csv(), "shared-reflections"),
        }
        if path in fixed:
            return fixed[path]
        if path.startswith(paths.SESSIONS) and len(path) > len(paths.SESSIONS):
            session_id = _unquoted(path[len(paths.SESSIONS) :])
            if session_id is None:
                return None

            def session(viewer: str) -> Response:
                page = pages.session(session_id, viewer=viewer)
                if page is None:
                    return _notice(404, "No such session", "The programme has no session "
                                   "with that ID (it may have been removed).",
                                   action=("get", paths.WEEK, "Go to the week"))  # fmt: skip
                return _html(page)

            return session
        return None

    # --- signing in and out ------------------------------------------------------------------

    def _start(self, request: Request) -> Response:
        assert self._signin is not None
        started = self._signin.start(request.query.get("next", ""))
        cookie = self._cookie(
            PENDING_COOKIE, started.cookie, max_age=int(SIGNING_IN.total_seconds())
        )
        return 302, b"", [("Location", started.location), cookie]

    def _finish(self, request: Request) -> Response:
        assert self._signin is not None
        cleared = self._cookie(PENDING_COOKIE, "", max_age=0)
        try:
            opened = self._signin.finish(request.query, request.cookies.get(PENDING_COOKIE))
        except Refused as refused:
            again = ("get", paths.SIGN_IN, "Sign in again") if refused.status != 403 else None
            status, body, headers = _notice(refused.status, refused.title, refused.text,
                                            action=again)  # fmt: skip
            return status, body, [*headers, cleared]
        session = self._cookie(SESSION_COOKIE, opened.cookie,
                               max_age=self._signin.session_seconds)  # fmt: skip
        return 303, b"", [("Location", opened.next_path or paths.WEEK), session, cleared]

    def _sign_out(self, request: Request) -> Response:
        assert self._signin is not None
        if request.origin and not self._same_origin(request.origin):
            return _notice(403, "Not signed out", "That request came from another site.")
        self._signin.sign_out(request.cookies.get(SESSION_COOKIE))
        status, body, headers = _notice(200, "Signed out", "You're signed out of the "
                                        "organisers' dashboard.",
                                        action=("get", paths.SIGN_IN, "Sign in again"))  # fmt: skip
        return status, body, [*headers, self._cookie(SESSION_COOKIE, "", max_age=0)]

    def _same_origin(self, origin: str) -> bool:
        if not self._public_url:
            return False
        ours = urlsplit(self._public_url)
        theirs = urlsplit(origin)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    def _cookie(self, name: str, value: str, *, max_age: int) -> tuple[str, str]:
        jar: SimpleCookie = SimpleCookie()
        jar[name] = value
        morsel = jar[name]
        morsel["path"] = paths.ROOT
        morsel["max-age"] = max_age
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self._secure:
            morsel["secure"] = True
        return "Set-Cookie", morsel.OutputString()


def allowed_next(path: str) -> bool:
    """Whether a sign-in may send the browser on to `path`: a page of the dashboard, on this
    site (never `//elsewhere` or a URL)."""
    return (
        path.startswith(paths.ROOT)
        and "//" not in path
        and "\\" not in path
        and path not in (paths.SIGN_IN, paths.CALLBACK, paths.SIGN_OUT)
        and all(ord(char) > 32 for char in path)
    )


def _unquoted(part: str) -> str | None:
    """A session ID from its place in a path (`paths.session_path`), or None."""
    if not part or "/" in part:
        return None
    try:
        return unquote(part, errors="strict") or None
    except UnicodeDecodeError:
        return None


def _only(method: str, allowed: Iterable[str]) -> Response | None:
    allowed = tuple(allowed)
    if method in allowed:
        return None
    status, body, headers = _notice(405, "Not allowed", "That page can't be used that way.")
    return status, body, [*headers, ("Allow", ", ".join(allowed))]


def _html(page: str) -> Response:
    body = page.encode("utf-8")
    return 200, body, [("Content-Type", HTML), ("Content-Length", str(len(body)))]


def _csv(content: str, name: str) -> Response:
    body = content.encode("utf-8")
    return (
        200,
        body,
        [
            ("Content-Type", "text/csv; charset=utf-8"),
            ("Content-Disposition", f'attachment; filename="{name}.csv"'),
            ("Content-Length", str(len(body))),
        ],
    )


def _notice(
    status: int, title: str, text: str, *, action: tuple[str, str, str] | None = None
) -> Response:
    body = notice_page(title, [text], action=action).encode("utf-8")
    return status, body, [("Content-Type", HTML), ("Content-Length", str(len(body)))]


_STYLE: list[bytes] = []


def _style() -> Response:
    if not _STYLE:
        _STYLE.append(resources.files("bot.dashboard").joinpath("static/style.css").read_bytes())
    body = _STYLE[0]
    return 200, body, [("Content-Type", "text/css; charset=utf-8"),
                       ("Content-Length", str(len(body)))]  # fmt: skip

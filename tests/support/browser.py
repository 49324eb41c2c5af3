"""A small browser for tests of web pages: it keeps cookies as a browser does (by name,
deleted at `Max-Age=0`) and follows no redirects by itself, so a test sees each step."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookies import Morsel, SimpleCookie
from urllib.parse import urlsplit


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    set_cookies: list[Morsel[str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Browser:
    """Requests to `base_url` (another origin's URLs are asked as they are, without cookies:
    Slack's pages), with the cookies the site set."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, url: str) -> Page:
        return self.request("GET", url)

    def post(self, url: str, *, origin: str | None = None) -> Page:
        return self.request("POST", url, data=b"", origin=origin)

    def request(
        self, method: str, url: str, *, data: bytes | None = None, origin: str | None = None
    ) -> Page:
        ours = not urlsplit(url).scheme
        full = self.base_url + url if ours else url
        request = urllib.request.Request(full, data=data, method=method)
        if ours and self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if origin:
            request.add_header("Origin", origin)
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            with opener.open(request, timeout=10) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as err:
            status, headers, body = err.code, err.headers, err.read()
        morsels: list[Morsel[str]] = []
        for line in headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie(line)
            for name, morsel in jar.items():
                morsels.append(morsel)
                if ours and morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                elif ours:
                    self.cookies[name] = morsel.value
        flat = {name.lower(): value for name, value in headers.items()}
        return Page(status, flat, morsels, body)

    def on_site(self, url: str) -> str:
        """`url` on the site under test: a URL of `PUBLIC_URL` (where the test's bot is not
        served) as a path for this browser."""
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

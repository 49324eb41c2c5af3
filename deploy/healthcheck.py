"""The container's health check: `GET /healthz` on the port the bot serves it on (`PORT` in
HTTP mode, `HEALTH_PORT` in Socket Mode, as the environment given to the bot says). Exit 0
when the bot answers 200, 1 otherwise, with one line saying why. Standard library only: a
slim image has no curl.

    python deploy/healthcheck.py
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

TIMEOUT = 4  # seconds; the Dockerfile's HEALTHCHECK allows 5


def health_url(environ: Mapping[str, str]) -> str | None:
    """Where the bot serves `GET /healthz`; None in Socket Mode without `HEALTH_PORT`."""
    if environ.get("SLACK_APP_TOKEN", "").strip():
        port = environ.get("HEALTH_PORT", "").strip()
        if not port:
            return None
    else:
        port = environ.get("PORT", "").strip() or "3000"
    return f"http://127.0.0.1:{port}/healthz"


def main(environ: Mapping[str, str] = os.environ) -> int:
    url = health_url(environ)
    if url is None:
        print("Socket Mode serves no health check: set HEALTH_PORT (e.g. 3000)")
        return 1
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            print(f"healthy: {url} answered {response.status}")
            return 0
    except urllib.error.HTTPError as error:  # 503: the report says what is wrong
        try:
            problems = json.loads(error.read()).get("problems") or []
        except ValueError:
            problems = []
        print(f"unhealthy: {url} answered {error.code}: {'; '.join(problems) or error.reason}")
    except (OSError, ValueError) as error:  # refused, timed out, a bad port
        print(f"unhealthy: {url}: {getattr(error, 'reason', None) or error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())

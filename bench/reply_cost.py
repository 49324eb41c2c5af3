"""What answering `/sessions` costs the process, beside a bare Bolt app, with no network.

Both apps are built as `bench/ack_latency.py` builds them (the bot with its clock inside the
programme's week, so every reply has its Register buttons and calendar links; the bare app
only acknowledging), each behind the same door (`bot.server.wsgi_app`: signature, shapes),
and each is handed the same signed requests in this process, one after another. Prints
the median and p99 time per request for each app, and their ratio, as medians over
alternating rounds; and the reply's median size.

    uv run python bench/reply_cost.py
    uv run python bench/reply_cost.py --requests 200 --rounds 1   # smoke
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ack_latency import SECRET, during_the_week, signed_requests  # noqa: E402

from bot.standin.fake_http import wsgi_environ  # noqa: E402
from bot.standin.fake_slack import FakeSlack  # noqa: E402

Wsgi = Callable[[dict[str, Any], Callable[..., None]], Iterable[bytes]]


def build(kind: str, api_url: str, programme: Path) -> Wsgi:
    """The bot, or the bare app, behind the door."""
    from slack_bolt import Ack, App

    from bot.app import build_bot, web_client
    from bot.programme import load_programme
    from bot.records import MemoryStore
    from bot.server import wsgi_app
    from bot.settings import load_settings

    if kind == "bot":
        settings = load_settings(_env_file=None, slack_bot_token="xoxb-test-token",
                                 slack_signing_secret=SECRET, slack_api_url=api_url,
                                 programme_path=programme)  # fmt: skip
        loaded, _ = load_programme(programme)
        app = build_bot(settings, loaded, MemoryStore(), clock=during_the_week(loaded)).app
    else:
        app = App(client=web_client("xoxb-test-token", api_url), signing_secret=SECRET,
                  process_before_response=True)  # fmt: skip

        @app.command("/sessions")
        def only_ack(ack: Ack) -> None:
            ack()

    return wsgi_app(app, signing_secret=SECRET)


def environ(raw: bytes) -> dict[str, Any]:
    """The WSGI environ waitress would make of one raw HTTP request."""
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    method, path, _ = lines[0].split(" ")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return wsgi_environ(method, path, body, headers)


def measure(app: Wsgi, requests: list[bytes]) -> tuple[list[float], list[int]]:
    """Microseconds per request, and each reply's size in bytes."""
    times, sizes = [], []
    status: list[str] = []

    def start_response(code: str, headers: list[tuple[str, str]], exc: Any = None) -> None:
        status.append(code)

    for raw in requests:
        env = environ(raw)
        began = time.perf_counter()
        body = b"".join(app(env, start_response))
        times.append((time.perf_counter() - began) * 1e6)
        sizes.append(len(body))
        if not status.pop().startswith("200"):
            raise SystemExit(f"not answered: {body[:200]!r}")
    return times, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="per app, per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with FakeSlack() as fake:
        programme = ROOT / "programme.json"
        apps = {kind: build(kind, fake.api_url, programme) for kind in ("bare", "bot")}
        print(f"{args.rounds} rounds of {args.requests} requests per app, in process")
        print(f"{'app':<6}{'round':>6}{'p50 µs':>9}{'p99 µs':>9}{'reply bytes':>13}")
        results: dict[str, list[tuple[float, float]]] = {kind: [] for kind in apps}
        for number in range(args.rounds + 1):  # round 0 warms both up, and is not counted
            for kind, app in apps.items():
                requests = signed_requests(0, args.requests, random.Random(number))
                times, sizes = measure(app, requests)
                if number == 0:
                    continue
                cuts = statistics.quantiles(times, n=100, method="inclusive")
                results[kind].append((cuts[49], cuts[98]))
                print(f"{kind:<6}{number:>6}{cuts[49]:>9.0f}{cuts[98]:>9.0f}"
                      f"{statistics.median(sizes):>13.0f}")  # fmt: skip
    p50 = {kind: statistics.median(r[0] for r in rounds) for kind, rounds in results.items()}
    p99 = {kind: statistics.median(r[1] for r in rounds) for kind, rounds in results.items()}
    print(f"median p50: bare {p50['bare']:.0f} µs, bot {p50['bot']:.0f} µs, "
          f"ratio {p50['bot'] / p50['bare']:.2f}")  # fmt: skip
    print(f"median p99: bare {p99['bare']:.0f} µs, bot {p99['bot']:.0f} µs, "
          f"ratio {p99['bot'] / p99['bare']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()

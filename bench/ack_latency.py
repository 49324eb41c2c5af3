"""How fast the bot acknowledges `/sessions` in HTTP mode, beside a bare Bolt app.

The bot's clock is set inside the programme's week (08:00 on its first day, running on), so
its replies are those people get during the week: sessions still to come, each with its
Register button and its "Add to calendar" links.

A third app, `echo`, is a bare Bolt app that acknowledges each question with the bot's own
reply to it, made once before serving: the same bytes with none of the work. It splits the
ratio in two: echo / bare is the weight of the reply itself (encoding and sending up to
7 KB), bot / echo the bot's work.

Each app runs in its own process, served by the same waitress server the bot uses, with
its Web API pointed at the tests' fake Slack. Simulated users, each with its own
connection per request, send signed `/sessions` commands (a mix of day, topic and question
queries), wait for the reply, pause briefly, and go again. Prints p50/p90/p99 latency for
each app and the bot's ratio to the bare app, as medians over alternating rounds (this
machine is shared and noisy).

    uv run python bench/ack_latency.py                  # 50 users; pauses of 1 s and 0.1 s
    uv run python bench/ack_latency.py --users 5 --seconds 0.5 --rounds 1 --think 0.05  # smoke
    uv run python bench/ack_latency.py --adversarial    # 2,000 sessions, 500 characters of
                                                        # unknown words in every question
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.listeners.errors import SORRY  # noqa: E402
from bot.programme import Programme  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.standin.slack_payloads import command_payload  # noqa: E402

SECRET = "bench-signing-secret"
APOLOGY = SORRY.encode()
QUERIES = (
    "tuesday",
    "wed",
    "21/03",
    "tomorrow",
    "racism",
    "rebekah pierre",
    "supervision",
    "thursday evening",
    "who is running the stereotypes session?",
    "anything on racism tomorrow?",
    "when is the LGBTQ+ session?",
    "quantum physics",
    "",
)


def big_programme(path: Path, sessions: int = 2000) -> None:
    """Write a programme of `sessions` sessions over five days, whose titles, descriptions
    and speakers use a vocabulary of some 20,000 words (as a large real programme does)."""
    rng = random.Random(5)
    vocabulary = [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 11)))
        for _ in range(20_000)
    ]
    start = datetime(2027, 3, 15, 9, 0)
    items = []
    for number in range(sessions):
        begins = start + timedelta(days=number % 5, hours=(number // 5) % 9)
        items.append({
            "id": f"s{number:04d}",
            "title": " ".join(rng.choice(vocabulary) for _ in range(5)).capitalize(),
            "start": begins.isoformat(),
            "end": (begins + timedelta(hours=1)).isoformat(),
            "description": " ".join(rng.choice(vocabulary) for _ in range(40)),
            "speakers": [{"name": " ".join(rng.choice(vocabulary) for _ in range(2)).title()}],
            "tags": rng.sample(vocabulary, 3),
        })  # fmt: skip
    event = {"name": "A large week", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": items}))


def nonsense(rng: random.Random, length: int = 500) -> str:
    """`length` characters of words no programme has (the slowest question to answer)."""
    words: list[str] = []
    while len(" ".join(words)) < length:
        words.append("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9))))
    return " ".join(words)[:length]


def during_the_week(programme: Programme) -> Callable[[], datetime]:
    """A clock that starts at 08:00 on the programme's first day, in its timezone, and runs
    on from there: replies as people get them during the week, every session still to come
    (so each has its Register button and its calendar links)."""
    first = min(session.start for session in programme.sessions).astimezone(programme.tz)
    begins = first.replace(hour=8, minute=0, second=0, microsecond=0)
    started = datetime.now(UTC)
    return lambda: begins + (datetime.now(UTC) - started)


def replies_during_the_week(settings: Settings) -> dict[str, str]:
    """The bot's reply to each of `QUERIES` during the week, as its acknowledgement carries it
    (its JSON body)."""
    from slack_bolt import BoltRequest

    from bot.app import build_bot
    from bot.programme import load_programme
    from bot.records import MemoryStore

    loaded, _ = load_programme(settings.programme_path)
    bot = build_bot(settings, loaded, MemoryStore(), clock=during_the_week(loaded)).app
    form: dict[str, str | Sequence[str]] = {"content-type": "application/x-www-form-urlencoded"}
    replies = {}
    for query in QUERIES:
        body = urlencode(command_payload("/sessions", query))
        response = bot.dispatch(BoltRequest(body=body, headers=form))
        assert response.status == 200, response.body
        replies[query] = response.body
    return replies


def serve(kind: str, api_url: str, programme: Path) -> None:
    """Run one app (`bot`, `bare` or `echo`) until killed."""
    from slack_bolt import Ack, App

    from bot.app import build_bot, web_client
    from bot.programme import load_programme
    from bot.records import MemoryStore
    from bot.server import http_server
    from bot.settings import load_settings

    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        programme_path=programme,
    )
    if kind == "bot":
        loaded, _ = load_programme(settings.programme_path)
        app = build_bot(settings, loaded, MemoryStore(), clock=during_the_week(loaded)).app
    else:
        # Configured as build_bot configures the bot: acknowledged on the request's thread.
        app = App(
            client=web_client("xoxb-test-token", api_url),
            signing_secret=SECRET,
            process_before_response=True,
        )
        if kind == "echo":
            # The bot's very replies, made and encoded once before serving (as the bot encodes
            # each drawn reply once): no work but sending them.
            replies = replies_during_the_week(settings)

            @app.command("/sessions")
            def echo(ack: Ack, command: dict[str, Any]) -> None:
                ack(replies[command.get("text") or ""])

        else:

            @app.command("/sessions")
            def only_ack(ack: Ack) -> None:
                ack()

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queue depth is measured here
    server = http_server(app, signing_secret=SECRET, host="127.0.0.1", port=0)
    print(f"ready {server.effective_port}", flush=True)  # type: ignore[union-attr]
    server.run()


def signed_requests(
    port: int, count: int, rng: random.Random, *, adversarial: bool = False
) -> list[bytes]:
    """`count` signed `/sessions` requests as raw HTTP bytes, built before the clock starts so
    that the load generator spends its time waiting on the server, not signing."""
    verifier = SignatureVerifier(SECRET)
    timestamp = str(int(time.time()))
    requests = []
    for _ in range(count):
        query = nonsense(rng) if adversarial else rng.choice(QUERIES)
        payload = command_payload("/sessions", query)
        body = urlencode(payload | {"response_url": "http://127.0.0.1:9/unused"}).encode()
        signature = verifier.generate_signature(timestamp=timestamp, body=body)
        head = (
            f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n"
            f"X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    return requests


def exchange(port: int, request: bytes) -> bytes:
    """Send one request on a new connection, as Slack does, and read the whole reply."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def measure(
    port: int, users: int, seconds: float, think: float, *, adversarial: bool = False
) -> tuple[list[float], int]:
    """Latencies (ms) of every request sent by `users` for `seconds`, and the error count."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_user = int(seconds / max(think, 0.001)) + 50
    prepared = [
        # Fresh nonsense in every round (a real attacker's words are never cached).
        signed_requests(port, per_user, random.Random(), adversarial=adversarial)
        if adversarial
        else signed_requests(port, per_user, random.Random(n))
        for n in range(users)
    ]
    start = threading.Barrier(users)
    stop_at = 0.0

    def user(number: int) -> None:
        nonlocal errors, stop_at
        rng = random.Random(number)
        if start.wait() == 0:
            stop_at = time.monotonic() + seconds
        time.sleep(rng.uniform(0, 2 * think))  # users arrive spread out, not all at once
        for request in prepared[number]:
            if time.monotonic() >= stop_at:
                break
            began = time.perf_counter()
            reply = exchange(port, request)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                # An apology is an error too, though Slack is answered with a 200.
                errors += not reply.startswith(b"HTTP/1.1 200") or APOLOGY in reply
            time.sleep(rng.uniform(0, 2 * think))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def start_app(kind: str, api_url: str, programme: Path) -> tuple[subprocess.Popen[str], int]:
    """Start one app in its own process; return it and its port."""
    process = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            kind,
            "--api-url",
            api_url,
            "--programme",
            str(programme),
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    ready, port = process.stdout.readline().split()
    assert ready == "ready"
    return process, int(port)


def summarise(latencies: list[float], seconds: float, errors: int) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "rate": len(latencies) / seconds,
        "errors": errors,
        "p50": cuts[49],
        "p90": cuts[89],
        "p99": cuts[98],
        "max": max(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0, help="per app, per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[1.0, 0.1],
        help="mean pause between one user's requests, s (one scenario each)",
    )
    parser.add_argument(
        "--adversarial",
        action="store_true",
        help="the bot serves 2,000 sessions, and every question is 500 characters of unknown words",
    )
    parser.add_argument("--serve", choices=["bot", "bare", "echo"], help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--programme", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.api_url, args.programme)
        return

    # `echo` sends the bot's replies without the work (not for the adversarial questions,
    # which are new every time).
    kinds = ("bare", "bot") if args.adversarial else ("bare", "echo", "bot")
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        programme = ROOT / "programme.json"
        if args.adversarial:
            programme = Path(tmp) / "programme.json"
            big_programme(programme)
            print("Adversarial: 2,000 sessions; every question 500 characters of unknown words")
        apps = {kind: start_app(kind, fake.api_url, programme) for kind in kinds}
        try:
            for port in (port for _, port in apps.values()):
                measure(port, min(args.users, 5), 0.5, 0.01)  # warm up
            for think in args.think:
                report(apps, args, think)
        finally:
            for process, _ in apps.values():
                process.terminate()
                process.wait(timeout=10)


def report(
    apps: dict[str, tuple[subprocess.Popen[str], int]], args: argparse.Namespace, think: float
) -> None:
    """Alternate the apps for a few rounds; print each round and the medians."""
    print(
        f"\n{args.users} users, mean pause {think:g} s, {args.rounds} rounds of "
        f"{args.seconds:g} s per app"
    )
    print(
        f"{'app':<6}{'round':>6}{'requests':>9}{'req/s':>7}{'errors':>7}{'p50 ms':>8}"
        f"{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}"
    )
    rounds: dict[str, list[dict[str, float]]] = {kind: [] for kind in apps}
    for number in range(1, args.rounds + 1):
        for kind, (_, port) in apps.items():
            latencies, errors = measure(
                port, args.users, args.seconds, think, adversarial=args.adversarial
            )
            r = summarise(latencies, args.seconds, errors)
            rounds[kind].append(r)
            print(
                f"{kind:<6}{number:>6}{r['requests']:>9.0f}{r['rate']:>7.0f}{r['errors']:>7.0f}"
                f"{r['p50']:>8.2f}{r['p90']:>8.2f}{r['p99']:>8.2f}{r['max']:>8.1f}"
            )
    median = {
        kind: {q: statistics.median(r[q] for r in results) for q in ("p50", "p99")}
        for kind, results in rounds.items()
    }
    for q in ("p50", "p99"):
        figures = ", ".join(f"{kind} {median[kind][q]:.2f} ms" for kind in apps)
        print(f"median {q}: {figures}, ratio {median['bot'][q] / median['bare'][q]:.2f}")
    if "echo" in apps:
        # What the ratio is made of: the reply's own weight (the same bytes, no work), and
        # the bot's work on top of it.
        echo, bare, bot = median["echo"]["p99"], median["bare"]["p99"], median["bot"]["p99"]
        print(f"p99 parts: echo / bare {echo / bare:.2f}, bot / echo {bot / echo:.2f}")


if __name__ == "__main__":
    main()

"""How well reminders to every registrant of one session use Slack's rate limit.

5,000 people are registered for one session in a `TinyDBStore` (in a temporary directory);
an APScheduler `BackgroundScheduler` job, due a couple of seconds ahead, sends each of them
a reminder DM through `bot.delivery.Delivery`, against the tests' fake Slack (in this
process) limiting chat.postMessage to 50 calls in any rolling second (429 with
`Retry-After: 1` beyond). Prints: messages delivered; seconds from the scheduled moment to
the last message; the achieved rate and its fraction of the allowed rate (target at least
0.9); lost letters (expected minus distinct people reached; target 0); duplicates
(deliveries beyond one per person; target 0); the delay of the first message after the
scheduled moment (target under 1 s); and the 429s Slack answered. Progress goes to stderr.

    uv run python bench/reminders.py            # the full run (about 110 seconds)
    uv run python bench/reminders.py --quick    # smoke run: 200 people at 100/s, a few seconds
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import web_client  # noqa: E402
from bot.delivery import Delivery, DeliveryReport, Letter  # noqa: E402
from bot.store import TinyDBStore  # noqa: E402
from tests.support.fake_slack import FakeSlack  # noqa: E402

SESSION = "s-bench"
LONDON = ZoneInfo("Europe/London")


def register(store: TinyDBStore, count: int) -> list[str]:
    """Register `count` people (untimed setup; many threads, so the store groups commits)."""
    users = [f"U{n:06d}" for n in range(count)]
    with ThreadPoolExecutor(max_workers=64) as pool:
        list(
            pool.map(
                lambda user: store.register(user_id=user, session_id=SESSION, capacity=None),
                users,
            )
        )
    return store.registrants(session_id=SESSION)


def reminder(user: str) -> Letter:
    text = "Reminder: *Anti-racist practice* starts in one hour (14:00, Room 2)."
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    return Letter(user, f"reminder:{SESSION}:{user}", {"text": text, "blocks": [block]})


def run(people: int, per_second: int, lead: float) -> None:
    arrivals: list[float] = []  # wall-clock time of each accepted chat.postMessage
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        post = fake.answers.handlers["chat.postMessage"]

        def timed_post(args: dict[str, Any]) -> dict[str, Any]:
            arrivals.append(time.time())
            return post(args)

        fake.answer_with("chat.postMessage", timed_post)
        fake.limit_rate("chat.postMessage", per_second=per_second, retry_after=1)
        store = TinyDBStore(Path(tmp) / "bot.json")
        letters = [reminder(user) for user in register(store, people)]
        delivery = Delivery(web_client(fake.bot_token, fake.api_url), store)
        reports: list[DeliveryReport] = []
        finished = threading.Event()

        def remind() -> None:
            try:
                reports.append(delivery.send(letters, progress=show_progress))
            finally:
                finished.set()

        scheduler = BackgroundScheduler(timezone=LONDON)
        due = datetime.now(LONDON) + timedelta(seconds=lead)
        scheduler.add_job(remind, DateTrigger(run_date=due, timezone=LONDON), id="reminders")
        scheduler.start()
        try:
            if not finished.wait(timeout=lead + people / per_second * 3 + 60):
                raise SystemExit("the delivery did not finish in time")
        finally:
            scheduler.shutdown(wait=True)
            store.close()
        accepted = [c for c in fake.calls_to("chat.postMessage") if not c.failed]
        limited = sum(1 for c in fake.calls_to("chat.postMessage") if c.error == "ratelimited")
    if not reports:
        raise SystemExit("the delivery job failed; see the log above")
    distinct = len({call.args["channel"] for call in accepted})
    seconds = max(arrivals) - due.timestamp()
    rate = len(accepted) / seconds
    print(f"registrants            {people}")
    print(f"allowed rate           {per_second}/s (rolling second, Retry-After: 1)")
    print(f"messages               {len(accepted)}")
    print(f"seconds                {seconds:.1f}  (scheduled moment to last message)")
    print(f"achieved rate          {rate:.1f}/s")
    print(f"fraction of allowed    {rate / per_second:.3f}  (target >= 0.9)")
    print(f"lost                   {people - distinct}  (target 0)")
    print(f"duplicates             {len(accepted) - distinct}  (target 0)")
    print(f"first message delay    {min(arrivals) - due.timestamp():.3f} s  (target < 1 s)")
    print(f"429s seen              {limited}")


def show_progress(done: int, total: int) -> None:
    print(f"  {done}/{total}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 people at 100/s")
    parser.add_argument("--people", type=int, help="registrants (default 5000)")
    parser.add_argument("--rate", type=int, help="allowed calls per second (default 50)")
    parser.add_argument("--lead", type=float, default=2.0, help="seconds until the job is due")
    args = parser.parse_args()
    people = args.people or (200 if args.quick else 5000)
    per_second = args.rate or (100 if args.quick else 50)
    run(people, per_second, args.lead)


if __name__ == "__main__":
    main()

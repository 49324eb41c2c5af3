"""How well the outbox uses Slack's rate limit with reminders and a broadcast going at once.

The bot is built as `python -m bot` builds it (`bot.app.build_bot`), with a `TinyDBStore` in
a temporary directory and the tests' fake Slack (in this process) limiting chat.postMessage
to 50 calls in any rolling second (429 with `Retry-After: 1` beyond). 3,000 people are
registered for one session, whose reminder (1 hour before) falls due a couple of seconds
after start; 2,000 others are registered for a second session, and an organiser's broadcast
to that session's registrants is scheduled for the same moment. Both go through the one
outbox and its one shared pace.

Prints: messages delivered (reminders, broadcast); seconds from the moment to the last
message; the achieved rate and its fraction of the allowed rate (target at least 0.9); lost
messages (expected minus distinct deliveries; target 0); duplicates (target 0); the delay of
the first reminder after its moment (target under 1 s); the 429s Slack answered. Progress
goes to stderr.

    uv run python bench/reminders.py            # the full run (about 100 seconds)
    uv run python bench/reminders.py --quick    # smoke run: 150 + 100 people at 100/s
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.programme import load_programme  # noqa: E402
from bot.records import BROADCAST_KIND, Store, TinyDBStore  # noqa: E402
from bot.reminders.jobs import REMINDER  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.support.fake_slack import FakeSlack  # noqa: E402

REMINDED, ANNOUNCED = "s-reminded", "s-announced"
ORGANISER = "U0ORGANISER"


def register(store: Store, session: str, users: list[str]) -> None:
    """Register `users` (untimed setup; many threads, so the store groups commits)."""
    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(lambda u: store.register(user_id=u, session_id=session, capacity=None),
                      users))  # fmt: skip


def write_programme(path: Path, due: datetime) -> None:
    """The reminded session's 1-hour reminder falls due at `due`; the other's much later."""
    sessions = [
        {"id": session, "title": title, "start": start.isoformat(),
         "end": (start + timedelta(hours=1)).isoformat(), "location": "Room 2"}
        for session, title, start in (
            (REMINDED, "Anti-racist practice", due + timedelta(hours=1)),
            (ANNOUNCED, "Supervision", due + timedelta(hours=3)),
        )
    ]  # fmt: skip
    event = {"name": "Benchmark week", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": sessions}))


def run(reminded: int, announced: int, per_second: int, lead: float) -> None:
    arrivals: list[tuple[float, str]] = []  # time and text of each accepted message
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        post = fake.answers.handlers["chat.postMessage"]

        def timed_post(args: dict[str, Any]) -> dict[str, Any]:
            arrivals.append((time.time(), str(args.get("text", ""))[:20]))
            return post(args)

        fake.answer_with("chat.postMessage", timed_post)
        fake.limit_rate("chat.postMessage", per_second=per_second, retry_after=1)
        programme_path = Path(tmp) / "programme.json"
        settings = load_settings(
            _env_file=None,
            slack_bot_token=fake.bot_token,
            slack_signing_secret="bench",
            slack_api_url=fake.api_url,
            programme_path=programme_path,
            database_path=Path(tmp) / "bot.json",
            reminder_offsets="1h",
            organiser_ids=ORGANISER,
        )
        store = TinyDBStore(settings.database_path)
        register(store, REMINDED, [f"UR{n:06d}" for n in range(reminded)])
        register(store, ANNOUNCED, [f"UA{n:06d}" for n in range(announced)])
        due = datetime.now(UTC) + timedelta(seconds=lead)
        write_programme(programme_path, due)
        programme, _ = load_programme(programme_path)
        bot = build_bot(settings, programme, store)
        draft = bot.broadcasts.draft(organiser_id=ORGANISER, text="Room change: now in Hall B.")
        bot.broadcasts.choose_audience(broadcast_id=draft.id, audience=f"session:{ANNOUNCED}")
        bot.broadcasts.schedule(broadcast_id=draft.id, when=due)
        bot.start()
        try:
            deadline = time.monotonic() + lead + (reminded + announced) / per_second * 3 + 60
            while not _done(store, draft.id, reminded + announced):
                if time.monotonic() > deadline:
                    raise SystemExit("the messages were not all settled in time")
                time.sleep(0.5)
                print(f"  {len(arrivals)} sent", file=sys.stderr, flush=True)
        finally:
            bot.close()
        accepted = [c for c in fake.calls_to("chat.postMessage") if not c.failed]
        limited = fake.rate_limited_count("chat.postMessage")
    people = reminded + announced
    distinct = len({call.args["channel"] for call in accepted})
    seconds = max(when for when, _ in arrivals) - due.timestamp()
    reminders = [when for when, text in arrivals if text.startswith("Anti-racist")]
    rate = len(accepted) / seconds
    print(f"registrants            {people}  ({reminded} reminded, {announced} announced to)")
    print(f"allowed rate           {per_second}/s (rolling second, Retry-After: 1)")
    print(f"messages               {len(accepted)}")
    print(f"reminders              {len(reminders)}")
    print(f"broadcast messages     {len(accepted) - len(reminders)}")
    print(f"seconds                {seconds:.1f}  (the moment to the last message)")
    print(f"achieved rate          {rate:.1f}/s")
    print(f"fraction of allowed    {rate / per_second:.3f}  (target >= 0.9)")
    print(f"lost                   {people - distinct}  (target 0)")
    print(f"duplicates             {len(accepted) - distinct}  (target 0)")
    print(f"first reminder delay   {min(reminders) - due.timestamp():.3f} s  (target < 1 s)")
    print(f"429s seen              {limited}")


def _done(store: Store, broadcast_id: str, expected: int) -> bool:
    reminders = store.counts(kind=REMINDER, subject=REMINDED)
    broadcast = store.counts(kind=BROADCAST_KIND, subject=broadcast_id)
    settled = reminders.settled + broadcast.settled
    return settled >= expected and not (reminders.pending or broadcast.pending)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="150 + 100 people at 100/s")
    parser.add_argument("--reminded", type=int, help="registrants reminded (default 3000)")
    parser.add_argument("--announced", type=int, help="broadcast recipients (default 2000)")
    parser.add_argument("--rate", type=int, help="allowed calls per second (default 50)")
    parser.add_argument("--lead", type=float, default=2.0, help="seconds until the moment")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    reminded = args.reminded or (150 if args.quick else 3000)
    announced = args.announced or (100 if args.quick else 2000)
    per_second = args.rate or (100 if args.quick else 50)
    run(reminded, announced, per_second, args.lead)


if __name__ == "__main__":
    main()

"""A child process for the crash tests: registers people from several threads, forever or
for a fixed number each, and prints each registration only after the call returned.

    python -m tests.store.child DB ROUND [--threads N] [--compact-after K] [--each M] [--promote]

Prints "ready" once the store is open, then one line "user session state position" per
confirmed registration. With --promote each step instead fills a new session of one place
and its waitlist, and takes the registrant off with a notice, promoting the one waiting:
it prints "user session" (the person promoted) once that unregister returned. With --each
it leaves without closing the store (like a crash after the last confirmation); without
it, it runs until killed.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from bot.records import Notice, TinyDBStore

SESSIONS = 7
CAPACITY = 40  # small enough that waitlists build up too
PROMOTION = "promotion"
DEADLINE = datetime(2026, 3, 20, 17, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("round", type=int)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--compact-after", type=int, default=200)
    parser.add_argument("--each", type=int, default=None)
    parser.add_argument("--promote", action="store_true")
    args = parser.parse_args()
    store = TinyDBStore(args.db, compact_after=args.compact_after)
    output = threading.Lock()
    print("ready", flush=True)

    def register(thread: int) -> None:
        n = 0
        while args.each is None or n < args.each:
            user, session = f"U{args.round}-{thread}-{n}", f"s{n % SESSIONS}"
            seat = store.register(user_id=user, session_id=session, capacity=CAPACITY).seat
            with output:
                sys.stdout.write(f"{user} {session} {seat.state} {seat.position or 0}\n")
                sys.stdout.flush()
            n += 1

    def promote(thread: int) -> None:
        n = 0
        while args.each is None or n < args.each:
            session = f"p{args.round}-{thread}-{n}"
            first, second = f"{session}-a", f"{session}-b"
            store.register(user_id=first, session_id=session, capacity=1)
            store.register(user_id=second, session_id=session, capacity=1)
            notice = Notice(kind=PROMOTION, subject=session, deadline=DEADLINE)
            left = store.unregister(user_id=first, session_id=session, capacity=1, notice=notice)
            with output:
                sys.stdout.write(f"{left.promoted} {session}\n")
                sys.stdout.flush()
            n += 1

    work = promote if args.promote else register
    threads = [threading.Thread(target=work, args=(t,)) for t in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os._exit(0)  # no close(): the journal alone must hold every confirmed registration


if __name__ == "__main__":
    main()

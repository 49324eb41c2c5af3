"""A child process for the crash tests: registers people from several threads, forever or
for a fixed number each, and prints each registration only after the call returned.

    python -m tests.store.child DB ROUND [--threads N] [--compact-after K] [--each M]

Prints "ready" once the store is open, then one line "user session state position" per
confirmed registration. With --each it leaves without closing the store (like a crash
after the last confirmation); without it, it runs until killed.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from bot.store import TinyDBStore

SESSIONS = 7
CAPACITY = 40  # small enough that waitlists build up too


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("round", type=int)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--compact-after", type=int, default=200)
    parser.add_argument("--each", type=int, default=None)
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

    threads = [threading.Thread(target=register, args=(t,)) for t in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os._exit(0)  # no close(): the journal alone must hold every confirmed registration


if __name__ == "__main__":
    main()

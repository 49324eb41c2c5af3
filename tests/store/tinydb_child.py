"""A child process for the TinyDB engine's crash test: commits transactions from several
threads until killed, and prints each one only after it returned.

    python -m tests.store.tinydb_child DB ROUND [--threads N] [--compact-after K]

Prints "ready" once the engine is open, then "thread n" per confirmed transaction. The
transaction n of a thread adds `log` document `ROUND-thread-n`, replaces the thread's
`last` document with {"n": n}, and adds an outbox-like document with a `due` field; when n
is a multiple of 7 it also deletes `ROUND-thread-(n-3)` and asks to scrub (so compactions
run all the time, and the kill often lands in one).
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from bot.store.engine import Tx
from bot.store.tinydb import TinyDBEngine

DUE = "2026-03-16T09:00:00+00:00"


def deleted_by(n: int) -> int | None:
    """The transaction n deletes this earlier one's document, if any."""
    return n - 3 if n % 7 == 0 and n >= 3 else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("round", type=int)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--compact-after", type=int, default=100)
    args = parser.parse_args()
    engine = TinyDBEngine(args.db, compact_after=args.compact_after)
    output = threading.Lock()
    print("ready", flush=True)

    def commit(thread: int) -> None:
        n = 0
        while True:

            def work(tx: Tx, n: int = n) -> None:
                tx.add("log", f"{args.round}-{thread}-{n}", {"thread": thread, "n": n})
                tx.put("last", f"{args.round}-{thread}", {"n": n})
                tx.put("out", f"{args.round}-{thread}-{n}", {"due": DUE, "n": n})
                gone = deleted_by(n)
                if gone is not None:
                    tx.delete("log", f"{args.round}-{thread}-{gone}")
                    tx.scrub()

            engine.transaction(work)
            with output:
                sys.stdout.write(f"{thread} {n}\n")
                sys.stdout.flush()
            n += 1

    threads = [threading.Thread(target=commit, args=(t,)) for t in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()

"""Word roots asked for from many threads at once (waitress answers requests on several):
each thread gets the root it would get alone, and nothing fails."""

from __future__ import annotations

import random
import string
import sys
from concurrent.futures import ThreadPoolExecutor

from bot.answering import words

THREADS = 8


def test_roots_from_many_threads_at_once_are_the_roots_of_one_thread() -> None:
    rng = random.Random(7)
    suffixes = ("ing", "ations", "ness", "ies", "ised", "ments", "fulness", "ably", "s")
    batches = [
        [
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 12)))
            + rng.choice(suffixes)
            for _ in range(500)  # with one stemmer shared, 500 fail 10 tries of 10
        ]
        for _ in range(THREADS)
    ]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        words.root.cache_clear()
        with ThreadPoolExecutor(THREADS) as pool:
            together = list(pool.map(lambda batch: [words.root(w) for w in batch], batches))
    finally:
        sys.setswitchinterval(interval)
    words.root.cache_clear()
    alone = [[words.root(w) for w in batch] for batch in batches]
    assert together == alone

"""How well the answering engine answers questions generated from each programme (day names
and dates, speakers, title phrases, topics, templated questions, typos and nonsense; see
tests/support/evaluation.py), and the conversational set written by hand (synonyms,
abbreviations, extra words, word forms, phrases, times of day, ordinals, places, nonsense;
tests/answering/conversations.json), each beside a naive substring search; then how fast it
answers on 400 sessions (and on the largest programme whole).

For `programme.json` and every `tests/data/*.json`, then for each programme of the
conversational set and all of them together, prints per category: the number of questions,
the engine's hit@1 (right session first) and hit-any (right session anywhere), and the same
for the baseline, in percent. Then the time to build the engine's index (median of 5) and
the latency of one question, p50 and p99, over every generated question and every
conversational question, asked several times.

    uv run python bench/answers.py                      # every category in full, 5 repeats
    uv run python bench/answers.py --per-category 3 --repeat 1 --builds 1  # smoke
    uv run python bench/answers.py --programmes some.json --misses 5  # show 5 misses a category
    uv run python bench/answers.py --check     # exit 1 when a target is missed, naming it
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from bot.programme import Programme, ProgrammeError, load_programme  # noqa: E402
from tests.support.evaluation import (  # noqa: E402
    TARGET_P99_MS,
    Case,
    Score,
    combined,
    conversational_shortfalls,
    conversations,
    default_now,
    engine_asker,
    generate_cases,
    misses,
    score,
    shortfalls,
    substring_asker,
)

LARGE = 400


def bundled() -> list[Path]:
    return [ROOT / "programme.json", *sorted((ROOT / "tests" / "data").glob("*.json"))]


def enlarged(programme: Programme, at_least: int = LARGE) -> Programme:
    """`programme` repeated, each copy whole weeks after the last, until it has `at_least`
    sessions (each copy's ids end in `-w1`, `-w2`, …)."""
    days = programme.days
    weeks = (days[-1] - days[0]).days // 7 + 1
    copies = math.ceil(at_least / len(programme.sessions))
    sessions = list(programme.sessions)
    for copy in range(1, copies):
        shift = timedelta(weeks=weeks * copy)
        sessions += [
            s.model_copy(update={"id": f"{s.id}-w{copy}", "start": s.start + shift,
                                 "end": s.end + shift})
            for s in programme.sessions
        ]  # fmt: skip
    sessions.sort(key=lambda s: (s.start, s.end, s.id))
    return Programme(event=programme.event, sessions=tuple(sessions))


def table(engine: dict[str, Score], baseline: dict[str, Score]) -> None:
    print(f"  {'category':<20}{'count':>6}{'engine@1':>10}{'any':>8}{'base@1':>9}{'any':>8}")
    for category, ours in engine.items():
        theirs = baseline[category]
        print(
            f"  {category:<20}{ours.count:>6}{ours.hit1:>10.1%}{ours.hit_any:>8.1%}"
            f"{theirs.hit1:>9.1%}{theirs.hit_any:>8.1%}"
        )


def show_misses(
    programme: Programme, cases: list[Case], most: int, now: datetime | None = None
) -> None:
    shown: dict[str, int] = {}
    print("  engine misses (question -> first titles answered | expected):")
    for case, answered in misses(cases, engine_asker(programme, now)):
        if shown.get(case.category, 0) >= most:
            continue
        shown[case.category] = shown.get(case.category, 0) + 1
        titles = [programme.by_id[i].title for i in answered[:2]]
        got = " / ".join(titles) + (f" (+{len(answered) - 2})" if len(answered) > 2 else "")
        wanted = sorted({programme.by_id[i].title for i in case.expect})
        expected = " / ".join(wanted[:2]) + (" …" if len(wanted) > 2 else "") or "nothing"
        print(f"    [{case.category}] {case.question!r} -> {got or 'nothing'} | {expected}")


def first_sessions(programme: Programme, count: int) -> Programme:
    """The first `count` sessions of `programme` (by start), as a programme."""
    return Programme(event=programme.event, sessions=programme.sessions[:count])


def latency(
    programme: Programme,
    seed: int,
    per: int | None,
    repeat: int,
    extra: list[str],
    *,
    builds_timed: int = 5,
) -> dict[str, float]:
    """Index build time (median of `builds_timed`) and per-question latency, in ms, over the
    questions generated from `programme` and `extra` ones."""
    builds = []
    for _ in range(max(builds_timed, 1)):
        began = time.perf_counter()
        Answerer(programme)
        builds.append((time.perf_counter() - began) * 1000)
    questions = [case.question for case in generate_cases(programme, seed=seed, per_category=per)]
    questions += extra
    answerer = Answerer(programme)
    now = default_now(programme)
    times: list[float] = []
    for _ in range(repeat):
        for question in questions:
            began = time.perf_counter()
            answerer.answer(question, now=now)
            times.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    first = statistics.quantiles(times[: len(questions)], n=100, method="inclusive")
    return {
        "build": statistics.median(builds),
        "questions": len(questions),
        "queries": len(times),
        "p50": cuts[49],
        "p99": cuts[98],
        "first p99": first[98],
        "max": max(times),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-category", type=int, help="at most N questions a category")
    parser.add_argument("--repeat", type=int, default=5, help="times each question is timed")
    parser.add_argument("--programmes", type=Path, nargs="+", help="instead of the bundled ones")
    parser.add_argument("--builds", type=int, default=5, help="times each index build is timed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--misses", type=int, default=0, help="show N engine misses a category")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    problems: list[str] = []
    loaded: list[tuple[Path, Programme]] = []
    for path in args.programmes or bundled():
        try:
            loaded.append((path, load_programme(path)[0]))
        except ProgrammeError as error:
            print(f"{path.name}: cannot be loaded: {error}")
            problems.append(f"{path.name}: cannot be loaded")
    if not loaded:
        print("No programme to evaluate.")
        return 1 if args.check else 0

    # Timed first, so that the questions are new to this process (the engine remembers some).
    talks = conversations()
    spoken = [case.question for talk in talks for case in talk.cases]
    path, largest = max(loaded, key=lambda item: len(item[1].sessions))
    if len(largest.sessions) >= LARGE:
        timings = [(first_sessions(largest, LARGE), f"{path.name}, its first {LARGE} sessions")]
        if len(largest.sessions) > LARGE:
            timings.append((largest, f"{path.name} whole ({len(largest.sessions)} sessions)"))
    else:
        timed = enlarged(largest)
        timings = [
            (
                timed,
                f"{path.name} ({len(largest.sessions)} sessions) repeated on later weeks to "
                f"{len(timed.sessions)} sessions, as no bundled programme has {LARGE}",
            )
        ]
    speeds = [
        (
            latency(
                timed,
                args.seed,
                args.per_category,
                max(args.repeat, 1),
                spoken,
                builds_timed=args.builds,
            ),
            timed_as,
        )
        for timed, timed_as in timings
    ]

    print("Generated questions")
    for path, programme in loaded:
        cases = generate_cases(programme, seed=args.seed, per_category=args.per_category)
        engine = score(cases, engine_asker(programme))
        baseline = score(cases, substring_asker(programme))
        print(
            f"\n{path.name}: {programme.event.name}, {len(programme.sessions)} sessions, "
            f"{len(programme.days)} days, {len(cases)} questions (seed {args.seed})"
        )
        table(engine, baseline)
        if args.misses:
            show_misses(programme, cases, args.misses)
        problems += [f"{path.name}: {problem}" for problem in shortfalls(engine, baseline)]

    print("\nConversational questions (tests/answering/conversations.json)")
    engines, baselines = [], []
    for talk in talks:
        cases = list(talk.cases)
        engines.append(score(cases, engine_asker(talk.programme, talk.now)))
        baselines.append(score(cases, substring_asker(talk.programme)))
        programme = talk.programme
        print(
            f"\n{talk.name}: {programme.event.name}, {len(programme.sessions)} sessions, "
            f"{len(cases)} questions, asked {talk.now:%a %d %b %Y %H:%M}"
        )
        table(engines[-1], baselines[-1])
        if args.misses:
            show_misses(programme, cases, args.misses, talk.now)
    everything = combined(engines)
    print(f"\nAll {len(spoken)} conversational questions")
    table(everything, combined(baselines))
    problems += conversational_shortfalls(everything)

    for speed, timed_as in speeds:
        print(f"\nSpeed on {timed_as}")
        print(
            f"  Python {platform.python_version()} ({platform.python_implementation()}), "
            f"{os.cpu_count()} CPUs, {platform.machine()}, time.perf_counter"
        )
        print(f"  index build (median of 5)  {speed['build']:8.2f} ms")
        print(
            f"  {speed['questions']:.0f} questions x {max(args.repeat, 1)} = "
            f"{speed['queries']:.0f} queries, one Answerer (the first pass meets empty caches)"
        )
        print(f"  p50 per query              {speed['p50']:8.3f} ms")
        print(f"  p99 per query              {speed['p99']:8.3f} ms")
        print(f"  p99, first pass only       {speed['first p99']:8.3f} ms")
        print(f"  max                        {speed['max']:8.3f} ms")
        if speed["p99"] >= TARGET_P99_MS:
            problems.append(f"{timed_as}: p99 {speed['p99']:.2f} ms >= {TARGET_P99_MS:g} ms")

    if problems:
        print("\nTargets missed:")
        print("\n".join(f"  - {problem}" for problem in problems))
    else:
        print("\nEvery target met.")
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())

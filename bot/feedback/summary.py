"""What organisers see of the feedback: per session, how many answered, the mean rating and
its distribution, how many did not attend; and the reflections people chose to share, as a
CSV without anyone's name or id. Pure functions."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.feedback.cpd import defuse
from bot.feedback.records import Feedback
from bot.programme import Programme, Session

SHARED_HEADER = ("session_id", "title", "date", "what_i_learnt")


@dataclass(frozen=True)
class SessionSummary:
    """The feedback on one session. `ratings[n - 1]` is how many rated it n."""

    session: Session
    answers: int  # people who answered anything: a rating, "didn't attend" or a reflection
    ratings: tuple[int, int, int, int, int]
    absent: int
    shared: int  # reflections shared with the organisers

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def mean(self) -> float | None:
        """The mean rating, or None when nobody rated it."""
        if not self.rated:
            return None
        return sum(n * count for n, count in enumerate(self.ratings, start=1)) / self.rated


def summarise(
    programme: Programme, feedback: Mapping[str, Sequence[Feedback]]
) -> list[SessionSummary]:
    """A summary of each session with any answers, in programme order (`feedback`: everyone's,
    by session id)."""
    summaries = []
    for session in programme.sessions:
        given = feedback.get(session.id) or ()
        if not given:
            continue
        counts = [0, 0, 0, 0, 0]
        for item in given:
            if item.attended and item.rating is not None and 1 <= item.rating <= 5:
                counts[item.rating - 1] += 1
        summaries.append(
            SessionSummary(
                session=session,
                answers=len(given),
                ratings=(counts[0], counts[1], counts[2], counts[3], counts[4]),
                absent=sum(1 for item in given if not item.attended),
                shared=sum(1 for item in given if _shared(item)),
            )
        )
    return summaries


def _shared(item: Feedback) -> bool:
    return item.share and bool(item.learnt.strip())


def shared_reflections_csv(programme: Programme, feedback: Mapping[str, Sequence[Feedback]]) -> str:
    """The "what I learnt" of every reflection shared with the organisers: session by session
    in programme order, and within a session in alphabetical order (not the order given, which
    could hint at who wrote it). No user ids, no ratings, nothing else."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SHARED_HEADER)
    tz = programme.tz
    for session in programme.sessions:
        texts = sorted(item.learnt.strip() for item in feedback.get(session.id) or ()
                       if _shared(item))  # fmt: skip
        for text in texts:
            writer.writerow(
                (
                    defuse(session.id),
                    defuse(session.title),
                    session.start.astimezone(tz).date().isoformat(),
                    defuse(text),
                )
            )
    return out.getvalue()

"""The one session a person's words name outright, or none: the rule `/register`, a
registration asked for in a message ("sign me up for the keynote") and the examples in the
help all share. Knows nothing of Slack."""

from __future__ import annotations

from bot.answering import Answer, Answerer
from bot.programme import Session


def the_one(
    answer: Answer,
    answerer: Answerer,
    *,
    by_id: Session | None = None,
    held: set[str] | None = None,
) -> Session | None:
    """The session the words name: `by_id` (the session whose id they are), or the only match
    of `answer`, which must then match every topic word asked. When unregistering (`held`:
    the ids of the person's own sessions), a match among their own sessions wins, and need
    not match every word."""
    if by_id is not None:
        return by_id
    if answer.kind != "sessions":
        return None
    # A session held at several times is one entry with several slots: one must be chosen.
    matches = [slot for s in answer.sessions for slot in answer.slots.get(s.id, (s,))]
    own = [session for session in matches if session.id in held] if held is not None else []
    matches = own or matches
    if len(matches) != 1:
        return None
    session = matches[0]
    # One match, but not for all the words, is offered, not acted on (unless it is one of the
    # person's own sessions they are leaving).
    if not own and not answerer.names(answer, session):
        return None
    return session

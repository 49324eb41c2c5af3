"""Feedback's records: one person's word on one session, in the `feedback` table under
`<session>|<user>`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.outbox.records import aware
from bot.registrations.records import PlacesRecords
from bot.store.engine import Doc, Engine, Tx

TABLE = "feedback"
FEEDBACK = "feedback"
"""The outbox kind: one registrant's "How useful was it?" DM."""
MAX_REFLECTION = 3000  # characters in each part of a reflection (the modal allows as many)


@dataclass(frozen=True)
class Feedback:
    """One person's word on one session they were registered for: a `rating` (1 to 5, or
    None), whether they `attended` ("Didn't attend" makes it False), and their reflection:
    what they `learnt` and how it will `change` their practice; `share` lets organisers read
    `learnt`, without their name. `at` (aware) is when it was last changed."""

    user_id: str
    session_id: str
    at: datetime
    rating: int | None = None
    attended: bool = True
    learnt: str = ""
    change: str = ""
    share: bool = False


def to_doc(feedback: Feedback) -> Doc:
    """Feedback as its document; ValueError if a field is malformed."""
    for name in ("user_id", "session_id"):
        if not isinstance(getattr(feedback, name), str) or not getattr(feedback, name):
            raise ValueError(f"feedback: {name} must be a non-empty string")
    rating = feedback.rating
    if rating is not None and (type(rating) is not int or not 1 <= rating <= 5):
        raise ValueError("feedback: rating must be 1 to 5 or None")
    for name in ("attended", "share"):
        if type(getattr(feedback, name)) is not bool:
            raise ValueError(f"feedback: {name} must be True or False")
    for name in ("learnt", "change"):
        text = getattr(feedback, name)
        if not isinstance(text, str) or len(text) > MAX_REFLECTION:
            raise ValueError(f"feedback: {name} must be a string of at most {MAX_REFLECTION}")
    return {
        "user": feedback.user_id, "session": feedback.session_id, "at": aware(feedback.at),
        "rating": rating, "attended": feedback.attended, "learnt": feedback.learnt,
        "change": feedback.change, "share": feedback.share,
    }  # fmt: skip


def of_doc(doc: Doc) -> Feedback:
    return Feedback(
        user_id=doc["user"], session_id=doc["session"], at=datetime.fromisoformat(doc["at"]),
        rating=doc["rating"], attended=doc["attended"], learnt=doc["learnt"],
        change=doc["change"], share=doc["share"],
    )  # fmt: skip


def save(tx: Tx, feedback: Feedback) -> None:
    """Create or replace `feedback.user_id`'s feedback on `feedback.session_id`."""
    tx.put(TABLE, f"{feedback.session_id}|{feedback.user_id}", to_doc(feedback))


def of_user(tx: Tx, user: str) -> dict[str, Feedback]:
    return {doc["session"]: of_doc(doc) for _, doc in tx.find(TABLE, user=user)}


def for_session(tx: Tx, session: str) -> list[Feedback]:
    """Everyone's feedback on one session, in the order first given."""
    return [of_doc(doc) for _, doc in tx.find(TABLE, session=session)]


def by_session(tx: Tx, sessions: Collection[str]) -> dict[str, list[Feedback]]:
    """Everyone's feedback on each of `sessions`, in the order first given: in one read of
    the table (one query however many sessions)."""
    found: dict[str, list[Feedback]] = {session: [] for session in sessions}
    for _, doc in tx.find(TABLE):
        given = found.get(doc["session"])
        if given is not None:
            given.append(of_doc(doc))
    return found


def forget(tx: Tx, user: str) -> None:
    for key, _ in tx.find(TABLE, user=user):
        tx.delete(TABLE, key)


class FeedbackRecords(PlacesRecords):
    """Feedback over `engine`; with places (who may answer) and the outbox (the DM that
    asks)."""

    engine: Engine

    def save_feedback(self, *, feedback: Feedback) -> None:
        to_doc(feedback)  # refuse a malformed one before the transaction
        self.engine.transaction(lambda tx: save(tx, feedback))

    def feedback_of(self, *, user_id: str) -> dict[str, Feedback]:
        return self.engine.read(lambda tx: of_user(tx, user_id))

    def feedback_for(self, *, session_id: str) -> list[Feedback]:
        return self.engine.read(lambda tx: for_session(tx, session_id))

    def feedback_by_session(self, *, session_ids: Collection[str]) -> dict[str, list[Feedback]]:
        return self.engine.read(lambda tx: by_session(tx, session_ids))

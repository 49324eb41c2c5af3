"""The calendar's records: each person's private feed token, both ways (`calendar` by user,
`calendar_tokens` by token, so the database refuses one token for two people), and each
session's revision (`revisions`: its last fingerprint and the calendar SEQUENCE)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.registrations.records import PlacesRecords
from bot.store.engine import Engine, Tx

TOKENS = "calendar"
OWNERS = "calendar_tokens"
REVISIONS = "revisions"


def set_token(tx: Tx, user: str, token: str | None) -> None:
    """Give `user` this token, replacing any earlier one (which stops working); None
    removes it. ValueError if the token is someone else's."""
    if not isinstance(user, str) or not user:
        raise ValueError("calendar: user must be a non-empty string")
    if token is not None and (not isinstance(token, str) or not token):
        raise ValueError("calendar: token must be a non-empty string or None")
    old = token_of(tx, user)
    if old == token:
        return
    if token is not None and not tx.add(OWNERS, token, {"user": user}):
        raise ValueError("calendar: that token is someone else's")
    if old is not None:
        tx.delete(OWNERS, old)
    if token is None:
        tx.delete(TOKENS, user)
    else:
        tx.put(TOKENS, user, {"token": token})


def token_of(tx: Tx, user: str) -> str | None:
    doc = tx.get(TOKENS, user)
    return None if doc is None else doc["token"]


def owner_of(tx: Tx, token: str) -> str | None:
    doc = tx.get(OWNERS, token)
    return None if doc is None else doc["user"]


def revise(tx: Tx, fingerprints: Mapping[str, str]) -> dict[str, int]:
    """Each session's revision: 0 the first time its fingerprint is seen, one more each time
    the fingerprint given differs from the last. Writes only what changed."""
    numbers = {}
    for session, fingerprint in fingerprints.items():
        if not session or not isinstance(fingerprint, str) or not fingerprint:
            raise ValueError("revise: fingerprints map session ids to non-empty strings")
        known = tx.get(REVISIONS, session)
        if known is None:
            number = 0
        elif known["fingerprint"] != fingerprint:
            number = known["number"] + 1
        else:
            numbers[session] = known["number"]
            continue
        tx.put(REVISIONS, session, {"fingerprint": fingerprint, "number": number})
        numbers[session] = number
    return numbers


def unchanged(tx: Tx, fingerprints: Mapping[str, str]) -> dict[str, int] | None:
    """The revisions, if every fingerprint is the one kept (nothing to write); else None."""
    numbers = {}
    for session, fingerprint in fingerprints.items():
        known = tx.get(REVISIONS, session)
        if known is None or known["fingerprint"] != fingerprint:
            return None
        numbers[session] = known["number"]
    return numbers


def fingerprints(tx: Tx, sessions: Sequence[str]) -> dict[str, str]:
    found = {session: tx.get(REVISIONS, session) for session in sessions}
    return {session: doc["fingerprint"] for session, doc in found.items() if doc is not None}


class CalendarRecords(PlacesRecords):
    """Calendar tokens and session revisions over `engine`; with places (a feed lists the
    person's sessions)."""

    engine: Engine

    def set_calendar_token(self, *, user_id: str, token: str | None) -> None:
        self.engine.transaction(lambda tx: set_token(tx, user_id, token))

    def calendar_token(self, *, user_id: str) -> str | None:
        return self.engine.read(lambda tx: token_of(tx, user_id))

    def calendar_owner(self, *, token: str) -> str | None:
        return self.engine.read(lambda tx: owner_of(tx, token))

    def revise(self, *, fingerprints: Mapping[str, str]) -> dict[str, int]:
        # A feed read again and again writes nothing: look first, write only what changed.
        known = self.engine.read(lambda tx: unchanged(tx, fingerprints))
        if known is not None:
            return known
        return self.engine.transaction(lambda tx: revise(tx, fingerprints))

    def fingerprints(self, *, session_ids: Sequence[str]) -> dict[str, str]:
        return self.engine.read(lambda tx: fingerprints(tx, session_ids))

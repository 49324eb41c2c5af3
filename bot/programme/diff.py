"""What changed between two versions of the programme, for telling registrants. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.programme.model import Programme, Session


@dataclass(frozen=True)
class SessionChange:
    """A session that registrants must hear about: moved, relocated, relinked, or removed
    (`after` is None)."""

    before: Session
    after: Session | None

    @property
    def cancelled(self) -> bool:
        return self.after is None

    @property
    def moved(self) -> bool:
        after = self.after
        return after is not None and (after.start, after.end) != (
            self.before.start,
            self.before.end,
        )

    @property
    def relocated(self) -> bool:
        return self.after is not None and self.after.location != self.before.location

    @property
    def relinked(self) -> bool:
        return self.after is not None and self.after.join_url != self.before.join_url


def programme_changes(before: Programme, after: Programme) -> list[SessionChange]:
    """Sessions whose time, place or link changed, and sessions that were removed, in the
    order of the old programme. Title or description edits need no message."""
    changes = []
    for session in before.sessions:
        new = after.by_id.get(session.id)
        change = SessionChange(before=session, after=new)
        if change.cancelled or change.moved or change.relocated or change.relinked:
            changes.append(change)
    return changes

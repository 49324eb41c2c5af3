"""`/register` and `/unregister`: answered privately inside the acknowledgement, once the
change is on disk."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack

from bot.answering import Answer
from bot.blocks.formatting import Message, escape, from_slack_text
from bot.blocks.kit import section
from bot.current import CurrentProgramme
from bot.programme import Session
from bot.registrations import Registrations
from bot.registrations.messages import change_message, register_help
from bot.registrations.replies import Replies

CHOOSE = "Several sessions match “{}”: press *{}* on the one you mean."
MAYBE = "This session may be what “{}” means: press *{}* if it is."
CANCELLED = ":no_entry: *{}* was cancelled: it is no longer in the programme, so nothing changed."
UNKNOWN = "There is no session with the id “{}”, so nothing changed."
SIMILAR = "These may be what you meant:"
# What an organiser's session id looks like (words joined by - or _), as people copy it.
ID_SHAPED = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+")


def register_command(
    ack: Ack,
    command: dict[str, Any],
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
) -> None:
    """Register for the one session the text names, or offer the choices."""
    message = _change(command, replies, current, registrations, register=True)
    ack(response_type="ephemeral", **message.as_kwargs())


def unregister_command(
    ack: Ack,
    command: dict[str, Any],
    *,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
) -> None:
    """Unregister from the one session the text names, or offer the choices."""
    message = _change(command, replies, current, registrations, register=False)
    ack(response_type="ephemeral", **message.as_kwargs())


def _change(
    command: dict[str, Any],
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
    *,
    register: bool,
) -> Message:
    user_id = command["user_id"]
    text = from_slack_text(command.get("text") or "")[:500]
    if not text:
        return register_help() if register else replies.agenda(user_id=user_id)
    now = replies.clock()
    programme = current.programme
    seats = registrations.seats(user_id=user_id)
    by_id = programme.find_id(text)
    if by_id is None and ID_SHAPED.fullmatch(text):
        # Never search for what looks like an id: its words could name another session.
        words = " ".join(re.split(r"[-_]", text))
        answer = current.answerer.answer(words, now=now)
        gone = current.removed(text)
        if gone is not None or text in seats:  # it was in the programme: it was cancelled
            why = CANCELLED.format(escape(gone.title if gone else text))
        else:
            why = UNKNOWN.format(escape(text))
        if answer.kind != "sessions":
            return Message(text=why.replace("*", ""), blocks=[section(why)])
        offer = f"{why} {SIMILAR}"
        return replies.answer(answer, user_id=user_id, asked_at=now.timestamp(), notice=offer)
    answer = current.answerer.answer(text, now=now)
    session = _the_one(by_id, answer, held=None if register else set(seats))
    # One match, but not for all the words, is offered, not acted on (unless it is one of
    # the person's own sessions they are leaving).
    own = not register and session is not None and session.id in seats
    if session and by_id is None and not own and not current.answerer.names(answer, session):
        session = None
    if session is None:
        verb = "Register" if register else "Unregister"
        choose = CHOOSE if len(answer.sessions) > 1 else MAYBE
        notice = choose.format(escape(text), verb) if answer.kind == "sessions" else None
        return replies.answer(answer, user_id=user_id, asked_at=now.timestamp(), notice=notice)
    if register:
        change = registrations.register(user_id=user_id, session=session)
    else:
        change = registrations.unregister(user_id=user_id, session=session)
    return change_message(change, programme.tz)


def _the_one(by_id: Session | None, answer: Answer, *, held: set[str] | None) -> Session | None:
    """The session the text names: by id, or the only match (which must then match all its
    words). When unregistering (`held` given), a match among the person's own sessions
    wins."""
    if by_id is not None:
        return by_id
    if answer.kind != "sessions":
        return None
    # A session held at several times is one entry with several slots: one must be chosen.
    matches = [slot for s in answer.sessions for slot in answer.slots.get(s.id, (s,))]
    if held is not None:
        own = [session for session in matches if session.id in held]
        matches = own or matches
    return matches[0] if len(matches) == 1 else None

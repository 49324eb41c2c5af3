"""Registering by words, the one way for `/register` and `/unregister`: the one session the
words clearly name is registered (by the rule in `bot.current.choice`); anything less clear is
offered with its buttons and a line saying which to press."""

from __future__ import annotations

import re

from bot.blocks.formatting import Message, escape
from bot.blocks.kit import section
from bot.current import CurrentProgramme
from bot.current.choice import the_one
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


def change_by_words(
    text: str,
    *,
    user_id: str,
    register: bool,
    replies: Replies,
    current: CurrentProgramme,
    registrations: Registrations,
) -> Message:
    """Register `user_id` for (or, not `register`, unregister them from) the one session
    `text` names, and confirm; else the sessions it may mean, each with its button. `text`
    is what the person typed, already read from Slack's encoding."""
    if not text:
        return register_help(current.examples) if register else replies.agenda(user_id=user_id)
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
    held = None if register else set(seats)
    session = the_one(answer, current.answerer, by_id=by_id, held=held)
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

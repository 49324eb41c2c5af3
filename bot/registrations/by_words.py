"""Registering by words, the one way for `/register`, `/unregister` and a request in a message
("sign me up for the keynote"): the one session the words clearly name is registered (by the
rule in `bot.current.choice`); anything less clear is offered with its buttons and a line
saying which to press. `asked_to_register` reads such a request out of a question."""

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


# "please", "hi", "ok"… before a request, and "please", "thanks"… after what it names.
_COURTESY = r"(?:(?:hi|hello|hey|ok|okay|yes|please|pls|so|great)\b[\s,!.]*)*"
# "can you", "could you please": someone asking the bot to act.
_ASKING_YOU = r"(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?)?"
# "I'd like to", "I want to"…: someone saying what they want to do; "can I"… asks leave.
_WANTING = (
    r"(?:i\s*'?d\s+(?:like|love)\s+to|i\s+would\s+(?:like|love)\s+to"
    r"|i\s+(?:want|need|wish|hope|plan)\s+to|i\s+wanna|let\s+me|i\s*'?ll|i\s+will)"
    r"\s+(?:please\s+)?"
)
_ASKING_LEAVE = r"(?:(?:can|could|may|shall)\s+i\s+(?:please\s+)?)"
_WISHING = rf"(?:{_WANTING}|{_ASKING_LEAVE})"
_ONTO = r"(?:for|on|onto|in|into|to|at)"
_PLACE = r"(?:a\s+(?:place|seat|spot))"
_REQUESTS = (
    # The bot asked to act: "register me for", "sign me up for", "book me on", "put me down
    # for", "add me to".
    rf"{_ASKING_YOU}(?:register|enrol|enroll)\s+me(?:\s+{_ONTO})?",
    rf"{_ASKING_YOU}sign\s+me\s+(?:up(?:\s+{_ONTO})?|{_ONTO})",
    rf"{_ASKING_YOU}book\s+me(?:\s+{_PLACE})?(?:\s+{_ONTO})?",
    rf"{_ASKING_YOU}put\s+(?:me|my\s+name)\s+down(?:\s+{_ONTO})?",
    rf"{_ASKING_YOU}(?:put|add)\s+me\s+(?:on|onto|in|into|to)",
    rf"{_ASKING_YOU}save\s+me\s+{_PLACE}\s+{_ONTO}",
    # The person's wish: "can I register for", "I want to go to", "I'd like to attend" (but
    # "can I attend…?" asks whether they may, not to be registered).
    rf"{_WISHING}(?:register|enrol|enroll|sign\s+up|book(?:\s+{_PLACE})?)(?:\s+{_ONTO})?",
    rf"{_WANTING}(?:go|come)\s+(?:along\s+)?to",
    rf"{_WANTING}attend",
    # Said bare: "register for", "sign up for".
    rf"(?:register|sign\s+up|enrol|enroll)\s+{_ONTO}",
)
_REQUEST = re.compile(
    rf"^{_COURTESY}(?:{'|'.join(_REQUESTS)})\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
# "the waitlist for": a full session's waitlist is joined by registering.
_WAITLIST = re.compile(r"^(?:the\s+)?wait(?:ing)?\s*list\s+(?:for|on|of)\s+", re.IGNORECASE)
# What follows "can I register" when it asks how registering works, not for a session.
_NOT_A_SESSION = re.compile(
    r"^(?:if|when|whether|how|why|free|more\s+than|multiple|several|online\b)", re.IGNORECASE
)
_AFTER = re.compile(
    r"(?:[\s,.!?]+(?:please|pls|thanks|thank\s+you|thx|cheers|ta))*[\s,.!?]*$", re.IGNORECASE
)


def asked_to_register(question: str) -> str | None:
    """What `question` asks to be registered for ("the keynote" out of "sign me up for the
    keynote, please"), "" when it asks to register for nothing named, or None when it is not
    a request to register. "How do I register?" is a question, not a request."""
    said = question.replace("’", "'").strip()
    request = _REQUEST.match(said)
    if request is None:
        return None
    rest = _AFTER.sub("", request.group("rest")).strip(" \t,.:;!?")
    rest = _WAITLIST.sub("", rest)
    return None if _NOT_A_SESSION.match(rest) else rest

"""Block Kit for "forget me": what the bot keeps about the person, the confirm and Cancel
buttons, and the confirmation once it is deleted. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.blocks import ids
from bot.blocks.formatting import Message, escape, truncate
from bot.blocks.kit import Block, actions, button, context, header, section
from bot.dates import offset_words
from bot.privacy import Erased, Held, Kept
from bot.wording import counted, joined

MAX_TITLES = 15  # listed by name; the rest are counted
KEPT_AFTER = "Nothing about you is kept now, except that messages were sent (counts only)."
NOTHING_KEPT = (
    "I keep nothing about you: no registrations, waitlist places, reminder choices, feedback "
    "or calendar link."
)
CANCELLED = "Nothing was deleted. `/forgetme` whenever you want."


def _yours(count: int, thing: str) -> str:
    """ "your registration", "your 2 registrations"."""
    return f"your {thing}" if count == 1 else f"your {count} {thing}s"


def _feedback(kept: Kept, *, aside: bool = False) -> str:
    """ "2 sessions, with 1 reflection" (`aside`: "2 sessions (1 reflection)")."""
    sessions = counted(kept.feedback, "session")
    if not kept.reflections:
        return sessions
    reflections = counted(kept.reflections, "reflection")
    return f"{sessions} ({reflections})" if aside else f"{sessions}, with {reflections}"


def _titles(held: Sequence[Held]) -> str:
    names = [f"*{escape(truncate(h.title, 120))}*" for h in held[:MAX_TITLES]]
    if len(held) > MAX_TITLES:
        names.append(f"{len(held) - MAX_TITLES} more")
    return ", ".join(names)


def _choice(choice: tuple[int, ...]) -> str:
    if not choice:
        return "off"
    words = [offset_words(timedelta(seconds=s)) for s in choice]
    return "only " + " and ".join(words) + " before"


def kept_lines(kept: Kept) -> list[str]:
    """One mrkdwn line per kind of thing kept."""
    lines = []
    if kept.registered:
        lines.append(f"• Registered for: {_titles(kept.registered)}")
    if kept.waiting:
        lines.append(f"• On the waitlist for: {_titles(kept.waiting)}")
    if kept.reminders is not None:
        lines.append(f"• Your reminder choice: {_choice(kept.reminders)}")
    if kept.feedback:
        lines.append(f"• Feedback on {_feedback(kept)}")
    if kept.calendar:
        lines.append("• Your private calendar link")
    if kept.pending:
        lines.append(f"• {counted(kept.pending, 'message')} waiting to be sent to you")
    if kept.signed_in:
        lines.append(
            f"• Signed in to the organisers' dashboard ({counted(kept.signed_in, 'browser')})"
        )
    return lines


def kept_message(kept: Kept) -> Message:
    """`/forgetme`: what is kept, with a red button (confirmed in a dialog) and Cancel; when
    nothing is kept, says so and offers no button."""
    if kept.nothing:
        return Message(text=NOTHING_KEPT, blocks=[section(NOTHING_KEPT)])
    lines = kept_lines(kept)
    consequences = []
    if kept.registered or kept.waiting:
        consequences.append("Deleting it frees your places for the next person on each waitlist.")
    if kept.calendar:
        consequences.append("Your calendar link stops working.")
    if kept.signed_in:
        consequences.append("You're signed out of the dashboard.")
    after = " ".join(consequences) or "Deleting it can't be undone."
    confirm = {
        "title": {"type": "plain_text", "text": "Delete everything?"},
        "text": {"type": "mrkdwn", "text": "This deletes all of it now. It can't be undone."},
        "confirm": {"type": "plain_text", "text": "Delete"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }
    delete = button("Delete all of it", action_id=ids.FORGET_CONFIRM, value="forget")
    delete |= {"style": "danger", "confirm": confirm}
    cancel = button("Cancel", action_id=ids.FORGET_CANCEL, value="cancel")
    blocks: list[Block] = [
        header("What I keep about you"),
        section("\n".join(lines)),
        context(after),
        actions(delete, cancel),
    ]
    text = "What I keep about you:\n" + "\n".join(lines).replace("*", "")
    return Message(text=text, blocks=blocks)


def erased_message(erased: Erased) -> Message:
    """The confirmation that replaces the `/forgetme` message."""
    kept = erased.kept
    parts = []
    registered = max(len(kept.registered), len(erased.forgotten.registered))
    waiting = max(len(kept.waiting), len(erased.forgotten.waiting))
    if registered:
        parts.append(_yours(registered, "registration"))
    if waiting:
        parts.append(_yours(waiting, "waitlist place"))
    if kept.reminders is not None:
        parts.append("your reminder choice")
    if kept.feedback:
        parts.append(f"your feedback on {_feedback(kept, aside=True)}")
    if kept.calendar:
        parts.append("your calendar link")
    pending = max(kept.pending, erased.forgotten.cancelled)
    if pending:
        parts.append(f"{counted(pending, 'message')} waiting to be sent to you")
    if kept.signed_in:
        parts.append("your dashboard sign-in")
    if parts:
        listed = joined(parts)
        line = f":wastebasket: Done: I've deleted {listed}. {KEPT_AFTER}"
    else:
        line = f"There was nothing left to delete. {KEPT_AFTER}"
    return Message(text=line.replace(":wastebasket: ", ""), blocks=[section(line)])


def forget_cancelled() -> Message:
    """After Cancel: nothing deleted."""
    return Message(text=CANCELLED, blocks=[section(CANCELLED)])

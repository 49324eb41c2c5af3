"""Block Kit for feedback: the DM asking how useful a session was, the reflection modal, a
person's CPD record (`/cpd`), and the organisers' summary (`/announce feedback`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks import ids
from bot.blocks.formatting import Message, escape, slack_time_range, truncate
from bot.blocks.kit import Block, actions, button, context, header, section
from bot.dates import short_day
from bot.feedback.cpd import TEXT_LIMIT, CpdRow, cpd_hours, hours_words
from bot.feedback.records import Feedback
from bot.feedback.summary import SessionSummary
from bot.programme import Session
from bot.wording import counted

MESSAGE_BLOCKS = 50
SHARE_OPTION = "share"
NO_RECORD = (
    "You haven't attended any sessions yet, so your CPD record is empty for now. Once a "
    "session you're registered for has taken place, it appears here, and you can add what "
    "you learnt from it."
)


def _title(session: Session) -> str:
    return escape(truncate(session.title, 200))


def answer_words(feedback: Feedback | None) -> str:
    """The person's answer so far, in one short line (plain text)."""
    if feedback is None:
        return "Your answer goes in your CPD record (`/cpd`)."
    if not feedback.attended:
        said = "You said you didn't attend, so it's not in your CPD record."
    elif feedback.rating is not None:
        said = f"You rated it {feedback.rating} of 5. Thank you!"
    else:
        said = "Thank you!"
    if feedback.learnt or feedback.change:
        said += " Your reflection is saved; see it with `/cpd`."
    return said


def feedback_message(session: Session, *, feedback: Feedback | None = None) -> Message:
    """The DM asking how useful `session` was, showing the person's answer so far; pressing
    a button again changes it."""
    title = _title(session)
    when = slack_time_range(session.start, session.end)
    lead = f":speech_balloon: How useful was *{title}*?\n{when} · 1 is not useful, 5 very useful."
    chosen = feedback.rating if feedback is not None and feedback.attended else None
    ratings = [
        _styled(button(str(n), action_id=action_id, value=session.id), n == chosen)
        for n, action_id in enumerate(ids.FEEDBACK_RATINGS, start=1)
    ]
    absent = feedback is not None and not feedback.attended
    reflected = feedback is not None and bool(feedback.learnt or feedback.change)
    row = actions(
        *ratings,
        _styled(button("Didn't attend", action_id=ids.FEEDBACK_ABSENT, value=session.id), absent),
        button(
            "Edit your reflection" if reflected else "Add a reflection",
            action_id=ids.FEEDBACK_REFLECT,
            value=session.id,
        ),
    )
    said = answer_words(feedback)
    text = f"How useful was {title}? {said}"
    return Message(text=text, blocks=[section(lead), row, context(said)])


def _styled(element: Block, chosen: bool) -> Block:
    return element | {"style": "primary"} if chosen else element


def reflection_metadata(session_id: str) -> str:
    """What the modal carries: the session only. Which message to redraw once it is saved
    is the bot's to know (the DM it sent), never the form's to say."""
    return json.dumps({"s": session_id})


def read_reflection_metadata(text: str) -> str:
    """The session id a reflection modal carries; ValueError if none."""
    try:
        data = json.loads(text)
        return str(data["s"])
    except (TypeError, KeyError, json.JSONDecodeError) as error:
        raise ValueError(f"not a reflection's metadata: {text[:100]!r}") from error


def reflection_modal(
    session: Session,
    *,
    feedback: Feedback | None,
) -> dict[str, Any]:
    """The modal for a reflection on `session`, filled in with the person's last one."""
    learnt = feedback.learnt if feedback else ""
    change = feedback.change if feedback else ""
    option = {
        "text": {
            "type": "plain_text",
            "text": "Share what I learnt with the organisers (without my name)",
        },
        "value": SHARE_OPTION,
    }
    checkboxes: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ids.FEEDBACK_SHARE,
        "options": [option],
    }
    if feedback is not None and feedback.share:
        checkboxes["initial_options"] = [option]
    return {
        "type": "modal",
        "callback_id": ids.FEEDBACK_REFLECTION_VIEW,
        "private_metadata": reflection_metadata(session.id),
        "title": {"type": "plain_text", "text": "Your reflection"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"*{_title(session)}*\n{slack_time_range(session.start, session.end)}"),
            _text_input(ids.FEEDBACK_LEARNT, "What I learnt", learnt),
            _text_input(ids.FEEDBACK_CHANGE, "How it will change my practice", change),
            {
                "type": "input",
                "block_id": ids.FEEDBACK_SHARE,
                "optional": True,
                "label": {"type": "plain_text", "text": "Sharing"},
                "element": checkboxes,
            },
            context(
                "Your reflection goes in your CPD record (`/cpd`), ready for your Social Work "
                "England CPD log. Only what you learnt is shared, and only if you tick the box."
            ),
        ],
    }


def _text_input(block_id: str, label: str, value: str) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": block_id,
        "multiline": True,
        "max_length": TEXT_LIMIT,
    }
    if value:
        element["initial_value"] = value[:TEXT_LIMIT]
    return {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def cpd_message(rows: Sequence[CpdRow], *, event: str) -> Message:
    """`/cpd`: the sessions attended, with hours, who ran them and the reflections; the total;
    and a button that sends it all as files."""
    if not rows:
        return Message(text=NO_RECORD, blocks=[section(NO_RECORD)])
    total = hours_words(cpd_hours(rows))
    count = counted(len(rows), "session")
    summary = f"*{escape(event)}*: {count}, {total} of CPD in all."
    blocks: list[Block] = [header("Your CPD record"), section(summary)]
    room = MESSAGE_BLOCKS - len(blocks) - 3  # the note, the button and "and N more"
    for row in rows[:room]:
        blocks.append(section(_cpd_row(row)))
    if len(rows) > room:
        blocks.append(context(f"…and {len(rows) - room} more: the files have them all."))
    blocks.append(
        context(
            "The files list each activity, its date, the time spent, what you learnt and how "
            "it will change your practice, as Social Work England's CPD record asks."
        )
    )
    blocks.append(actions(button("Send me this as files", action_id=ids.CPD_SEND, value="cpd")))
    return Message(text=f"Your CPD record: {count}, {total}.", blocks=blocks)


def _cpd_row(row: CpdRow) -> str:
    facts = [slack_time_range(row.start, row.end), hours_words(row.hours)]
    if row.provider:
        facts.append(escape(truncate(row.provider, 200)))
    lines = [f"*{escape(truncate(row.title, 200))}*", " · ".join(facts)]
    if row.learnt:
        lines.append(f"*What I learnt:* {escape(truncate(row.learnt, 1000))}")
    if row.change:
        lines.append(f"*How it will change my practice:* {escape(truncate(row.change, 1000))}")
    if not (row.learnt or row.change):
        lines.append("_No reflection yet: press “Add a reflection” under my message about it._")
    return "\n".join(lines)


def distribution(ratings: Sequence[int]) -> str:
    """`5★ 3 · 4★ 1 · 3★ 0 · 2★ 0 · 1★ 0`: how many gave each rating, best first."""
    return " · ".join(f"{n}★ {ratings[n - 1]}" for n in range(5, 0, -1))


def summary_line(summary: SessionSummary, tz: ZoneInfo) -> str:
    """One session's feedback for organisers, in mrkdwn."""
    session = summary.session
    day = short_day(session.start.astimezone(tz).date())
    answers = counted(summary.answers, "answer")
    mean = summary.mean
    rated = f"mean {mean:.1f} of 5 from {summary.rated}" if mean is not None else "no ratings"
    return (
        f"*{_title(session)}* · {day}\n{answers} · {rated} · {distribution(summary.ratings)}"
        f" · didn't attend {summary.absent}"
    )


def feedback_summary_message(summaries: Sequence[SessionSummary], tz: ZoneInfo) -> Message:
    """`/announce feedback`: each session with answers, and what happens to the reflections."""
    if not summaries:
        text = "No feedback yet: nobody has answered for any session."
        return Message(text=text, blocks=[section(text)])
    shared = sum(s.shared for s in summaries)
    blocks: list[Block] = [header("Feedback by session")]
    room = MESSAGE_BLOCKS - len(blocks) - 2
    blocks += [section(summary_line(s, tz)) for s in summaries[:room]]
    if len(summaries) > room:
        blocks.append(context(f"…and {len(summaries) - room} more sessions with answers."))
    if shared:
        reflections = "1 reflection was" if shared == 1 else f"{shared} reflections were"
        them = "it" if shared == 1 else "them"
        note = f"{reflections} shared with you: I'm sending {them} as a CSV in our DM (no names)."
    else:
        note = "Nobody has shared a reflection yet."
    blocks.append(context(note))
    sessions = counted(len(summaries), "session")
    return Message(text=f"Feedback on {sessions}. {note}", blocks=blocks)

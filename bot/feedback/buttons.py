"""The feedback DM's buttons (a rating, "Didn't attend", "Add a reflection"), the reflection
modal's submission, and `/cpd`'s "Send me this as files". Only someone registered for the
session when it started can answer; the DM is redrawn in place with their answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import ids
from bot.feedback.cpd import cpd_csv, cpd_markdown
from bot.feedback.messages import (
    SHARE_OPTION,
    feedback_message,
    read_reflection_metadata,
    reflection_modal,
)
from bot.feedback.service import FeedbackService
from bot.listeners.errors import NOT_SAVED
from bot.programme import Session
from bot.store import StoreError

logger = logging.getLogger(__name__)

GONE = "That session is no longer in the programme."
NOT_REGISTERED = "Only people registered for a session when it started can give feedback on it."
EMPTY = "Write what you learnt, how it will change your practice, or both."
NOTHING_TO_SHARE = "There is nothing under “What I learnt” to share."
SENT_FILES = "I've sent your CPD record to our DM, as a CSV file and a Markdown document."
NOTHING_TO_SEND = "There is nothing in your CPD record to send yet."


def _session(
    session_id: str, user_id: str, feedback: FeedbackService
) -> tuple[Session | None, str | None]:
    """The session asked about, or why this person cannot answer for it."""
    session = feedback.session(session_id)
    if session is None:
        return None, GONE
    if not feedback.was_registered(user_id=user_id, session=session):
        return None, NOT_REGISTERED
    return session, None


def _tell(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", replace_original=False, text=text)


def feedback_answered(
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    *,
    feedback: FeedbackService,
) -> None:
    """A rating or "Didn't attend": saved (replacing any earlier answer), and the DM redrawn."""
    user_id, session_id = body["user"]["id"], str(action.get("value") or "")
    session, problem = _session(session_id, user_id, feedback)
    if session is None:
        _tell(respond, problem or GONE)
        return
    if action["action_id"] == ids.FEEDBACK_ABSENT:
        answer = feedback.absent(user_id=user_id, session_id=session.id)
    else:
        rating = ids.FEEDBACK_RATINGS.index(action["action_id"]) + 1
        answer = feedback.rate(user_id=user_id, session_id=session.id, rating=rating)
    respond(replace_original=True, **feedback_message(session, feedback=answer).as_kwargs())


def feedback_reflect(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    feedback: FeedbackService,
) -> None:
    """Open the reflection modal (at once: a trigger id lasts three seconds), filled in with
    the last reflection."""
    ack()
    user_id, session_id = body["user"]["id"], str(action.get("value") or "")
    session, problem = _session(session_id, user_id, feedback)
    if session is None:
        _tell(respond, problem or GONE)
        return
    view = reflection_modal(session, feedback=feedback.of(user_id=user_id, session_id=session.id))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _typed(values: dict[str, Any], block_id: str) -> str:
    return str((values.get(block_id, {}).get(block_id) or {}).get("value") or "").strip()


def feedback_reflection_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    *,
    feedback: FeedbackService,
) -> None:
    """Check the reflection and save it (keeping the rating), or say what to change."""
    values = view["state"]["values"]
    learnt, change = _typed(values, ids.FEEDBACK_LEARNT), _typed(values, ids.FEEDBACK_CHANGE)
    ticked = (values.get(ids.FEEDBACK_SHARE, {}).get(ids.FEEDBACK_SHARE) or {}).get(
        "selected_options"
    ) or []
    share = any(option.get("value") == SHARE_OPTION for option in ticked)
    try:
        session_id = read_reflection_metadata(view.get("private_metadata") or "")
    except ValueError:
        ack(response_action="errors", errors={ids.FEEDBACK_LEARNT: GONE})
        return
    session, problem = _session(session_id, body["user"]["id"], feedback)
    if session is None:
        ack(response_action="errors", errors={ids.FEEDBACK_LEARNT: problem or GONE})
        return
    if not (learnt or change):
        ack(response_action="errors", errors={ids.FEEDBACK_LEARNT: EMPTY})
        return
    if share and not learnt:
        ack(response_action="errors", errors={ids.FEEDBACK_SHARE: NOTHING_TO_SHARE})
        return
    try:
        feedback.reflect(user_id=body["user"]["id"], session_id=session.id, learnt=learnt,
                         change=change, share=share)  # fmt: skip
    except StoreError:
        logger.exception("Could not save a reflection on %s", session.id)
        ack(response_action="errors", errors={ids.FEEDBACK_LEARNT: NOT_SAVED})
        return
    ack()


def feedback_reflection_saved(
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    feedback: FeedbackService,
) -> None:
    """After the acknowledgement: redraw the DM that asked the person about the session, as
    the bot recorded sending it (nothing in the form says which message to change)."""
    try:
        session_id = read_reflection_metadata(view.get("private_metadata") or "")
    except ValueError:
        return
    user_id = body["user"]["id"]
    session = feedback.session(session_id)
    answer = feedback.of(user_id=user_id, session_id=session_id)
    where = feedback.request_message(user_id=user_id, session_id=session_id)
    if session is None or answer is None or where is None:
        return  # refused, or no DM of ours to redraw
    channel, ts = where
    try:
        client.chat_update(channel=channel, ts=ts,
                           **feedback_message(session, feedback=answer).as_kwargs())  # fmt: skip
    except SlackApiError as error:
        # The reflection is saved; only the old message still shows the earlier answer.
        logger.warning("Could not update the feedback message %s/%s: %s",
                       channel, ts, error.response.get("error"))  # fmt: skip


def cpd_send(
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    feedback: FeedbackService,
) -> None:
    """Send the person's CPD record to their DM, as CSV and Markdown files."""
    user_id = body["user"]["id"]
    rows = feedback.record(user_id=user_id)
    if not rows:
        _tell(respond, NOTHING_TO_SEND)
        return
    event = feedback.event
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm,
        file_uploads=[
            {
                "content": cpd_csv(rows, event=event).encode("utf-8"),
                "filename": "cpd-record.csv",
                "title": "CPD record (CSV)",
            },
            {
                "content": cpd_markdown(rows, event=event).encode("utf-8"),
                "filename": "cpd-record.md",
                "title": "CPD record (Markdown)",
            },
        ],
        initial_comment="Your CPD record for the week, ready for your CPD log.",
    )
    _tell(respond, SENT_FILES)

"""Block Kit for forget me: the listing with its confirmed red button, and the confirmation."""

from __future__ import annotations

from bot.blocks import ids
from bot.privacy import Erased, Held, Kept
from bot.privacy.messages import erased_message, forget_cancelled, kept_message
from bot.records import Forgotten
from bot.standin.block_rules import block_problems


def test_the_listing_is_valid_with_a_confirm_dialog() -> None:
    kept = Kept(registered=(Held("a", "Racism & <practice>"),), pending=2, calendar=True)
    message = kept_message(kept)
    assert block_problems(message.blocks, limit=50) == []
    assert message.blocks[1]["text"]["text"].splitlines() == [
        "• Registered for: *Racism &amp; &lt;practice&gt;*",
        "• Your private calendar link",
        "• 2 messages waiting to be sent to you",
    ]
    assert message.blocks[2]["elements"][0]["text"].endswith("Your calendar link stops working.")
    delete = message.blocks[3]["elements"][0]
    assert delete["action_id"] == ids.FORGET_CONFIRM
    assert delete["confirm"]["title"]["text"] == "Delete everything?"
    assert message.text.startswith("What I keep about you:\n• Registered for: Racism")


def test_a_long_list_is_counted_not_spelled_out() -> None:
    held = tuple(Held(f"s{n}", f"Session {n}") for n in range(40))
    message = kept_message(Kept(registered=held))
    assert block_problems(message.blocks, limit=50) == []
    assert message.blocks[1]["text"]["text"].endswith("*Session 14*, 25 more")


def test_nothing_kept_has_no_button() -> None:
    message = kept_message(Kept())
    assert [block["type"] for block in message.blocks] == ["section"]


def test_the_confirmation_says_what_went() -> None:
    kept = Kept(registered=(Held("a", "A"),), waiting=(Held("b", "B"), Held("c", "C")),
                reminders=(900,), feedback=2, reflections=0)  # fmt: skip
    message = erased_message(Erased(kept, Forgotten(("a",), ("b", "c"), {"a": "U2"}, 0)))
    assert block_problems(message.blocks, limit=50) == []
    assert message.text == (
        "Done: I've deleted your registration, your 2 waitlist places, your reminder choice "
        "and your feedback on 2 sessions. Nothing about you is kept now, except that "
        "messages were sent (counts only)."
    )
    assert forget_cancelled().text == "Nothing was deleted. `/forgetme` whenever you want."


def test_only_what_applies_is_said_of_deleting() -> None:
    choice_only = str(kept_message(Kept(reminders=())).blocks)
    assert "frees your places" not in choice_only and "can't be undone" in choice_only
    places = str(kept_message(Kept(waiting=(Held("b", "B"),), calendar=True)).blocks)
    assert "frees your places" in places and "calendar link stops working" in places

"""A description is mrkdwn: shown in Slack with its web links and Slack's escapes, and nothing
else that Slack would read as markup; as plain text in calendars and the search."""

from __future__ import annotations

from bot.programme.mrkdwn import cut, cut_at_word, pieces, plain, safe

BOXES = "my <https://festi.info/boxes.py/?language=en&amp;x=1|Boxes.py> &amp; more"


def test_links_and_escapes_are_kept_and_nothing_else() -> None:
    assert safe(BOXES) == BOXES
    assert safe("Q&A <3 <https://example.org>") == "Q&amp;A &lt;3 <https://example.org>"
    hostile = "<!channel> <@U123> <#C1|general> <javascript:x|y> <https://a.org|<b>>"
    assert safe(hostile) == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;#C1|general&gt; &lt;javascript:x|y&gt; "
        "&lt;https://a.org|&lt;b&gt;&gt;"
    )
    assert safe("already &amp; escaped &lt;b&gt;") == "already &amp; escaped &lt;b&gt;"
    assert safe("<https://a.org/?q=1&r=2|A & B>") == "<https://a.org/?q=1&amp;r=2|A &amp; B>"


def test_plain_text_for_calendars_and_the_search() -> None:
    assert plain(BOXES) == "my Boxes.py (https://festi.info/boxes.py/?language=en&x=1) & more"
    assert plain(BOXES, urls=False) == "my Boxes.py & more"
    assert plain("see <https://a.org> &lt;soon&gt;") == "see https://a.org <soon>"
    assert plain("see <https://a.org>", urls=False) == "see "


def test_shortened_never_inside_a_link_or_an_escape() -> None:
    assert cut(BOXES, 100) == BOXES
    assert cut(BOXES, 20) == "my…"
    assert cut("Q &amp; A and more", 4) == "Q…"
    assert cut("plain words here", 10) == "plain wor…"


def test_cut_at_a_word_never_inside_a_link() -> None:
    text = "Sentence one is here. Then <https://example.org/a|a link with words> and more words"
    assert cut_at_word(text, 200) == text
    assert cut_at_word(text, 30) == "Sentence one is here. …"
    for limit in range(20, len(text)):
        shown = cut_at_word(text, limit)
        assert len(shown) <= limit
        assert shown.endswith("…") and not shown[:-1].endswith("  ")
        assert shown.count("<") == shown.count(">"), shown  # a link whole, or not at all


def test_pieces_break_between_paragraphs_words_and_never_in_a_link() -> None:
    link = "<https://example.org/long|" + "label " * 5 + ">"
    text = "\n\n".join(f"Paragraph {n} " + "word " * 30 + link for n in range(8))
    found = pieces(text, 400)
    assert all(len(piece) <= 400 for piece in found)
    assert all(piece.count("<") == piece.count(">") for piece in found)
    assert " ".join(" ".join(found).split()) == " ".join(text.split())  # nothing lost
    assert pieces("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]  # one word too long

"""The thesaurus shipped with the bot (bot/answering/thesaurus.json): its size and sources, how
it is read, and how much a word found through it counts."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.answering import Answerer
from bot.answering.thesaurus import (
    RELATED,
    SHIPPED,
    SYNONYM,
    Group,
    Thesaurus,
    key,
    shipped,
)
from bot.answering.words import root
from bot.programme import Event, Programme, Session

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 16, 8, tzinfo=LONDON)


def week(*titles: str, synonyms: dict[str, tuple[str, ...]] | None = None) -> Answerer:
    sessions = tuple(
        Session.model_validate(
            {"id": f"s{n}", "title": title, "start": f"2027-03-16T{9 + n:02d}:00:00+00:00",
             "end": f"2027-03-16T{9 + n:02d}:45:00+00:00"}
        )
        for n, title in enumerate(titles)
    )  # fmt: skip
    event = Event(name="Week", timezone="Europe/London", synonyms=synonyms or {})
    return Answerer(Programme(event=event, sessions=sessions))


def ids(answerer: Answerer, question: str) -> list[str]:
    return [session.id for session in answerer.answer(question, now=NOW).sessions]


def test_at_least_eighty_entries_each_with_a_cited_source() -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert len(data["entries"]) >= 80
    sources = data["sources"]
    assert all(url.startswith(("https://", "http://")) for url in sources.values())
    for entry in data["entries"]:
        assert entry["same"], entry
        assert entry["sources"] and set(entry["sources"]) <= set(sources), entry
        assert all(key(term) for term in [*entry["same"], *entry.get("related", ())]), entry
    cited = {name for entry in data["entries"] for name in entry["sources"]}
    assert cited == set(sources)  # no source listed that no entry uses


def test_the_abbreviations_of_the_issue_are_there() -> None:
    thesaurus = shipped()
    for abbreviation in ("NQSW", "ASYE", "DV", "MCA", "DoLS", "LAC", "CiC", "AMHP", "BIA",
                         "EHCP", "CAMHS", "SEND", "UASC", "CP", "CIN", "LADO", "MASH"):  # fmt: skip
        assert thesaurus.equivalents(key(abbreviation)), abbreviation


def test_terms_are_read_as_roots_without_function_words() -> None:
    assert key("Children in Care") == key("children, in care") == ("children", "care")
    assert key("NQSWs") == ("nqsw",)
    assert root("managers") == root("management") == root("managing")
    assert root("raising") == root("raise")
    assert root("skills") == root("skill") and root("adults") == root("adult")
    assert root("carers") == root("carer")


def test_same_terms_find_each_other_and_related_ones_count_less() -> None:
    thesaurus = Thesaurus([Group(("looked after children", "LAC"), ("care leavers",))])
    found = {e.label: e.similarity for e in thesaurus.equivalents(key("LAC"))}
    assert found == {"looked after children": SYNONYM, "care leavers": RELATED}
    back = {e.label for e in thesaurus.equivalents(key("looked after children"))}
    assert back == {"LAC", "care leavers"}
    assert not thesaurus.equivalents(key("care leavers"))  # related is one way
    assert key("looked after children") in thesaurus.phrases


def test_a_synonym_counts_a_little_less_than_the_word_itself() -> None:
    engine = week("Family violence in practice", "Domestic abuse: whole-family work")
    # both are about domestic abuse; the one that says it comes first
    assert ids(engine, "domestic abuse") == ["s1", "s0"]
    assert ids(engine, "family violence") == ["s0", "s1"]
    answer = week("Domestic abuse: whole-family work").answer("DV", now=NOW)
    assert answer.note == "Showing “domestic abuse” for “DV”."
    related = week("Coercive control in families", "Domestic abuse: whole-family work")
    assert ids(related, "coercive control") == ["s0"]  # related only when not there as asked


def test_what_is_only_related_is_shown_when_the_word_is_not_there() -> None:
    engine = week("Self-neglect and safeguarding", "Hoarding: a practical guide")
    assert ids(engine, "hoarding") == ["s1"]
    without = week("Self-neglect and safeguarding")
    assert ids(without, "hoarding") == ["s0"]

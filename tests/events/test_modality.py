"""Modality from the clause: reported plans are future, conditions hypothetical, and event
nouns can be put in the future by their modifiers."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "modality"), [
    ("The Chilean foreign minister said Santiago would send aid to Peru.", "future"),
    ("Chile's foreign minister said Chile had sent aid and would send aid to Peru.", "future"),
    ("If Peru asked, Chile would send aid to Peru.", "hypothetical"),
    ("The Chilean foreign minister is about to travel to Peru.", "future"),
    ("The Chilean president's planned visit to Peru was confirmed on Monday.", "future"),
    ("Chile's visit to Peru in the near future was confirmed.", "future"),
    ("The Chilean president's visit to Peru was confirmed on Monday.", "asserted"),
], ids=["reported-would", "reported-conjoined", "conditional", "about-to", "planned-noun",
        "near-future", "plain-noun"])
def test_modality_of_the_clause(events_of, text, modality):
    # the act towards Peru ("had sent aid", with no one named, is an event of its own)
    found = [e for e in events_of(text) if e.actor1.code.startswith("CHL")
             and e.trigger in ("send", "travel", "visit")
             and e.actor2 is not None and e.actor2.code.startswith("PER")]
    assert found, "no event by Chile"
    assert {e.modality for e in found} == {modality}


@pytest.mark.parametrize(("text", "negated"), [
    ("Chile will never be able to attack Peru again, the Chilean president said.", True),
    ("Chile is not ready to send aid to Peru, the Chilean foreign minister said.", True),
    ("Chile was able to send aid to Peru, the Chilean foreign minister said.", False),
], ids=["never-able", "not-ready", "able"])
def test_a_negated_adjective_over_the_act_negates_it(events_of, text, negated):
    # "never be able to attack": the negation sits on "be", above "able", above the act
    found = [e for e in events_of(text) if e.trigger in ("attack", "send")]
    assert found, "no event from the act"
    assert {e.negated for e in found} == {negated}

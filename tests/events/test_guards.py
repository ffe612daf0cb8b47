"""Guards for real pages: results, idioms, crowds and datelines are not violence or actors.

Sentences written for the project, run through the real model and the whole coder.
"""

from __future__ import annotations

import pytest

VIOLENT = -5.0


@pytest.mark.parametrize("text", [
    "Russia beat Croatia 3-1 on Monday.",
    "Russia beat Croatia on Monday.",
    "Ottawa held on to beat Detroit.",
    "Kenya edged Uganda in the final of the regional cup.",
    "Chile routed Peru 4-0 in the qualifier on Tuesday.",
    "The Lakers crushed the Celtics 112-98 on Sunday.",
    "Brazil needed the doubles match to defeat Argentina and reach the semifinal.",
    "Lula narrowly defeated Bolsonaro in the runoff.",
    "Juan Martinez and Pierre Dubois rallied to defeat Kenji Sato and Tom Walker of Japan "
    "6-7 (4), 6-4, 7-5 in the deciding doubles match.",
    "Sports Insider Jason Lamb has reported that the NFL will fine Rudolph for his role in "
    "the fight.",
], ids=["score", "two-countries", "two-cities", "cup-final", "routed", "basketball",
        "tennis", "election", "players-defeat-is-no-show-of-force", "league-fine"])
def test_results_between_teams_or_candidates_are_not_violence(events_of, text):
    assert not [e for e in events_of(text) if e.goldstein <= VIOLENT]


def test_a_threatened_attack_is_a_threat_not_an_attack(events_of):
    events = events_of("Chilean protesters threatened to attack the Peruvian embassy in "
                       "Santiago on Friday.")
    assert [(e.actor1.code, e.cameo_code, e.actor2.code if e.actor2 else None)
            for e in events] == [("CHLCVL", "1384", "PERGOV")]


def test_a_battle_won_by_armed_forces_is_still_violence(events_of):
    events = events_of("Peruvian troops defeated the rebels near the border.")
    assert [(e.actor1.code, e.cameo_code, e.actor2.code if e.actor2 else None)
            for e in events] == [("PERMIL", "190", "PERREB")]


@pytest.mark.parametrize("text", [
    "The Chilean government beat the deadline for the filing by a day.",
    "Peru's president fought back tears at the funeral in Lima.",
    "Chilean firefighters fought the blaze for three days.",
    "The new tariffs will hurt China's economy.",
    "A war of words broke out between Chile and Peru over the fishing rights.",
    "The Brazilian minister suffered a heart attack in Brasilia.",
    "Smith attributed the rally in bank stocks to the Supreme Court's ruling on the steel "
    "company.",
], ids=["deadline", "tears", "blaze", "economy", "war-of-words", "heart-attack",
        "stock-rally"])
def test_idioms_are_not_acts_of_force(events_of, text):
    assert not [e for e in events_of(text) if e.goldstein <= VIOLENT]


def test_a_war_of_words_is_verbal_conflict(coder, nlp):
    doc = nlp("Chile's war of words with Peru escalated on Monday.")
    war = next(t for t in doc if t.lower_ == "war")
    assert coder.trigger_of(war).cameo == "111"


def test_a_crowd_surrounding_a_building_protests(events_of):
    events = events_of("Peruvian protesters surrounded the parliament in Lima.")
    # a protest (CAMEO 141, Goldstein -6.5 in GDELT's table), not an assault (18x-20x)
    assert [(e.actor1.code, e.cameo_code, e.quad_class) for e in events] == [
        ("PERCVL", "141", 3)]


def test_a_crowd_of_unknown_country_at_a_building_is_no_assault(events_of):
    text = "Several thousand teachers wearing red surrounded the statehouse on Tuesday."
    assert not [e for e in events_of(text) if e.goldstein <= VIOLENT]


@pytest.mark.parametrize("dateline", [
    "HANOI, Vietnam (AP) — ", "HANOI (Reuters) — ", "HANOI, Dec 4 (Reuters) - ", "Hanoi – "])
def test_a_dateline_place_is_never_an_actor(events_of, dateline):
    text = (dateline + "U.S. Defense Secretary Mark Esper on Wednesday accused China of "
            "using coercion against smaller nations in the region.")
    events = events_of(text)
    assert [(e.actor1.code[:3], e.cameo_code, e.actor2.code) for e in events] == [
        ("USA", "112", "CHN")]

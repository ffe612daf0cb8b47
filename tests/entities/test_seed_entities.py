"""The seed article through the real spaCy model: the canonical entities the issue lists."""

import pytest

from pipeline.analysis import analyse_articles
from pipeline.clean import clean_articles
from pipeline.readers import read_file
from tests.conftest import SEED_ARTICLE


@pytest.fixture(scope="module")
def seed_mentions(nlp, gazetteer):
    raw = list(read_file(SEED_ARTICLE, max_bytes=1_000_000))
    result = analyse_articles(clean_articles(raw).ok, nlp, gazetteer)
    assert not result.failed
    return result.ok[0].mentions


def _entity(mentions, name):
    found = {(m.entity_name, m.entity_type, m.country_code) for m in mentions
             if m.entity_name == name}
    assert len(found) == 1, found
    return found.pop()


def test_every_wang_is_the_person_wang_yi_of_china(seed_mentions):
    wangs = [m for m in seed_mentions if m.text.startswith("Wang")]
    assert len(wangs) >= 9
    assert {(m.entity_name, m.entity_type, m.country_code) for m in wangs} == {
        ("Wang Yi", "PERSON", "CHN")}


@pytest.mark.parametrize(("short", "full", "country"), [
    ("Putin", "Vladimir Putin", "RUS"),
    ("Kim", "Kim Jong Un", "PRK"),
    ("Sullivan", "Jake Sullivan", "USA"),
], ids=["putin", "kim", "sullivan"])
def test_short_names_link_to_full_names(seed_mentions, short, full, country):
    shorts = [m for m in seed_mentions if m.text == short]
    assert shorts, short
    assert {m.entity_name for m in shorts} == {full}
    assert _entity(seed_mentions, full) == (full, "PERSON", country)


@pytest.mark.parametrize(("name", "code"), [
    ("China", "CHN"), ("Russia", "RUS"), ("Ukraine", "UKR"), ("North Korea", "PRK"),
    ("United States", "USA"), ("Malta", "MLT"), ("Moscow", "RUS"), ("Beijing", "CHN"),
], ids=lambda v: v if isinstance(v, str) and len(v) > 3 else None)
def test_places_carry_country_codes(seed_mentions, name, code):
    assert _entity(seed_mentions, name) == (name, "GPE", code)


def test_nationality_adjectives_link_to_countries(seed_mentions):
    by_text = {}
    for m in seed_mentions:
        by_text.setdefault(m.text, set()).add((m.label, m.entity_name))
    assert by_text["Chinese"] == {("NORP", "China")}
    assert by_text["Russian"] == {("NORP", "Russia")}
    assert by_text["North Korean"] == {("NORP", "North Korea")}


def test_titles_and_role_fragments_are_not_entities(seed_mentions):
    names = {m.entity_name for m in seed_mentions}
    assert "US National Security" not in names
    assert not any(name.startswith(("President", "Russian President", "Foreign Minister"))
                   for name in names)
    assert "International Criminal Court" in names

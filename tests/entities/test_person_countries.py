"""Countries for people: the people table (office holders, with their periods), and what
titles and appositives around a name say."""

from datetime import date

import pytest

from pipeline.entities.canonical import (
    candidates_from_doc,
    resolve_mentions,
    with_known_countries,
)
from tests.entities.helpers import ruler_pipeline


def _countries(text, entities, gazetteer, *, known=True):
    nlp = ruler_pipeline(entities)
    mentions = resolve_mentions(candidates_from_doc(nlp(text), gazetteer), gazetteer)
    if known:
        mentions = with_known_countries(mentions, gazetteer)
    return {m.text: m.country_code for m in mentions}


@pytest.mark.parametrize(("name", "country"), [
    ("Vladimir Putin", "RUS"), ("Putin", "RUS"), ("Vladimir V. Putin", "RUS"),
    ("Benjamin Netanyahu", "ISR"), ("Xi Jinping", "CHN"),
], ids=["full-name", "listed-surname", "listed-variant", "israel", "china"])
def test_office_holders_come_from_the_people_table(gazetteer, name, country):
    assert gazetteer.person(name).country_code == country


def test_a_person_holds_the_code_of_the_period(gazetteer):
    putin = gazetteer.person("Vladimir Putin")
    assert putin.code_on(date(2005, 6, 1)) == "RUSGOV"
    assert putin.code_on(date(1985, 6, 1)) == "RUSELI"


def test_first_names_and_places_are_not_people(gazetteer):
    assert gazetteer.person("Charlotte") is None
    assert gazetteer.person("United States") is None


def test_the_table_fills_in_where_the_article_says_nothing(gazetteer):
    text = "Putin spoke with Ilse Varga on Monday."
    found = _countries(text, {"Putin": "PERSON", "Ilse Varga": "PERSON"}, gazetteer)
    assert found == {"Putin": "RUS", "Ilse Varga": None}
    assert _countries(text, {"Putin": "PERSON"}, gazetteer, known=False) == {"Putin": None}


@pytest.mark.parametrize(("text", "name", "country"), [
    ("Rep. Dana Whitfield (D-Calif.) opened the hearing.", "Dana Whitfield", "USA"),
    ("The hearing was led by Dana Whitfield, R-Texas, on Tuesday.", "Dana Whitfield", "USA"),
    ("Democratic Sen. Dana Whitfield voted against it.", "Dana Whitfield", "USA"),
    ("Congresswoman Dana Whitfield voted against it.", "Dana Whitfield", "USA"),
    ("Kentucky Gov. Dana Whitfield signed the bill.", "Dana Whitfield", "USA"),
    ("Dana Whitfield, the Irish ambassador to Spain, left early.", "Dana Whitfield", "IRL"),
    ("Dana Whitfield, Canada's foreign minister, left early.", "Dana Whitfield", "CAN"),
    ("Dana Whitfield, a Republican senator from Ohio, left early.", "Dana Whitfield", "USA"),
    ("Kremlin spokesman Dana Whitfield denied it.", "Dana Whitfield", "RUS"),
], ids=["party-tag", "party-tag-comma", "party-before-title", "country-title",
        "state-before-title", "appositive-demonym", "appositive-possessive",
        "appositive-party", "national-body"])
def test_titles_and_appositives_give_a_person_a_country(gazetteer, text, name, country):
    entities = {name: "PERSON"}
    for place in ("Spain", "Ohio", "Kentucky", "Canada", "Kremlin"):
        if place in text:
            entities[place] = "GPE"
    assert _countries(text, entities, gazetteer)[name] == country


@pytest.mark.parametrize("text", [
    "Dana Whitfield, the ambassador to Spain, left early.",
    "Dana Whitfield, who met Spain's king, left early.",
    "Dana Whitfield, 54, lives in Spain.",
], ids=["host-country", "relative-clause", "age"])
def test_appositives_that_say_nothing_of_her_country(gazetteer, text):
    found = _countries(text, {"Dana Whitfield": "PERSON", "Spain": "GPE"}, gazetteer)
    assert found["Dana Whitfield"] is None

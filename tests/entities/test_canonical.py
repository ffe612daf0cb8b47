import pytest
from spacy.tokens import Span

from pipeline.entities.canonical import candidates_from_doc, resolve_mentions
from tests.entities.helpers import ruler_pipeline


def _mentions(text, entities, gazetteer):
    nlp = ruler_pipeline(entities)
    mentions = resolve_mentions(candidates_from_doc(nlp(text), gazetteer), gazetteer)
    for mention in mentions:
        assert text[mention.start_char:mention.end_char] == mention.text
    return mentions


def _by_text(mentions):
    return {(m.text, m.start_char): m for m in mentions}


def test_short_names_resolve_to_the_full_name_seen_earlier(gazetteer):
    text = ("Chinese Foreign Minister Wang Yi arrived in Moscow. Wang met Jake Sullivan in "
            "Malta. Sullivan and Wang discussed Ukraine.")
    mentions = _mentions(text, {"Chinese": "NORP", "Wang Yi": "PERSON", "Wang": "ORG",
                                "Jake Sullivan": "PERSON", "Sullivan": "PERSON",
                                "Moscow": "GPE", "Malta": "GPE", "Ukraine": "GPE"}, gazetteer)
    wangs = [m for m in mentions if m.text.startswith("Wang")]
    assert len(wangs) == 3
    assert {(m.entity_name, m.entity_type, m.country_code) for m in wangs} == {
        ("Wang Yi", "PERSON", "CHN")}
    assert [m.label for m in wangs] == ["PERSON", "ORG", "ORG"]  # spaCy's label is kept
    sullivans = {m.entity_name for m in mentions if "Sullivan" in m.text}
    assert sullivans == {"Jake Sullivan"}


def test_a_short_name_takes_the_nearest_earlier_full_name(gazetteer):
    text = "Kim Jong Un met officials. Kim Yo Jong spoke later. Kim said no talks were planned."
    mentions = _mentions(text, {"Kim Jong Un": "PERSON", "Kim Yo Jong": "PERSON",
                                "Kim": "PERSON"}, gazetteer)
    assert mentions[-1].text == "Kim"
    assert mentions[-1].entity_name == "Kim Yo Jong"


def test_a_short_name_before_the_full_name_resolves_forward(gazetteer):
    text = "Putin will travel abroad. Russian President Vladimir Putin has not left Russia."
    mentions = _mentions(text, {"Putin": "PERSON", "Russian": "NORP",
                                "Vladimir Putin": "PERSON", "Russia": "GPE"}, gazetteer)
    assert mentions[0].entity_name == "Vladimir Putin"
    assert mentions[0].country_code == "RUS"


def test_titles_are_stripped_from_person_spans(gazetteer):
    text = "Russian President Vladimir Putin met Prime Minister Ilse Varga."
    mentions = _mentions(text, {"Russian President Vladimir Putin": "PERSON",
                                "Prime Minister Ilse Varga": "PERSON"}, gazetteer)
    assert [(m.text, m.entity_name, m.country_code) for m in mentions] == [
        ("Vladimir Putin", "Vladimir Putin", "RUS"),
        ("Ilse Varga", "Ilse Varga", None),
    ]


def test_role_fragments_are_not_entities_but_give_their_country(gazetteer):
    text = "Wang met US National Security Adviser Jake Sullivan in Malta."
    mentions = _mentions(text, {"Wang": "PERSON", "US National Security": "ORG",
                                "Jake Sullivan": "PERSON", "Malta": "GPE"}, gazetteer)
    assert "US National Security" not in {m.text for m in mentions}
    sullivan = next(m for m in mentions if m.text == "Jake Sullivan")
    assert sullivan.country_code == "USA"


def test_possessive_appositive_gives_the_country(gazetteer):
    text = "China's top diplomat, Wang Yi, is in Russia."
    mentions = _mentions(text, {"China": "GPE", "Wang Yi": "PERSON", "Russia": "GPE"},
                         gazetteer)
    assert next(m for m in mentions if m.text == "Wang Yi").country_code == "CHN"


@pytest.mark.parametrize("surface", ["US", "U.S.", "United States", "the United States",
                                     "American", "USA"],
                         ids=["US", "U.S.", "United-States", "the-United-States", "American",
                              "USA"])
def test_country_aliases_and_demonyms_resolve_to_one_country(surface, gazetteer):
    label = "NORP" if surface == "American" else "GPE"
    text = f"Officials from {surface} arrived."
    [mention] = _mentions(text, {surface: label}, gazetteer)
    assert (mention.entity_name, mention.entity_type, mention.country_code) == (
        "United States", "GPE", "USA")


def test_nationality_adjectives_link_to_the_country(gazetteer):
    text = "North Korean and Chinese officials met Russian diplomats."
    mentions = _mentions(text, {"North Korean": "NORP", "Chinese": "NORP", "Russian": "NORP"},
                         gazetteer)
    assert [(m.label, m.entity_name, m.country_code) for m in mentions] == [
        ("NORP", "North Korea", "PRK"), ("NORP", "China", "CHN"), ("NORP", "Russia", "RUS")]


def test_capitals_keep_their_name_and_get_the_country_even_when_mislabelled(gazetteer):
    text = "Talks moved from Moscow to Kyiv and then to PARIS."
    mentions = _mentions(text, {"Moscow": "GPE", "Kyiv": "PERSON", "PARIS": "GPE"}, gazetteer)
    assert [(m.entity_name, m.entity_type, m.country_code) for m in mentions] == [
        ("Moscow", "GPE", "RUS"), ("Kyiv", "GPE", "UKR"), ("Paris", "GPE", "FRA")]


def test_known_organizations_use_one_name(gazetteer):
    text = "The ICC issued a warrant. The International Criminal Court said more would follow."
    mentions = _mentions(text, {"ICC": "ORG", "The International Criminal Court": "ORG"},
                         gazetteer)
    assert {m.entity_name for m in mentions} == {"International Criminal Court"}
    assert mentions[1].text == "International Criminal Court"  # the article is not a name


def test_numbers_and_dates_are_not_entities(gazetteer):
    text = "On Monday 40 soldiers crossed into Ukraine."
    mentions = _mentions(text, {"Monday": "DATE", "40": "CARDINAL", "Ukraine": "GPE"},
                         gazetteer)
    assert [m.text for m in mentions] == ["Ukraine"]


def test_generic_place_words_are_not_subdivisions(gazetteer):
    text = "Distrust of the West grew in the North."
    mentions = _mentions(text, {"West": "LOC", "North": "LOC"}, gazetteer)
    assert all(m.country_code is None for m in mentions)


def test_a_name_tagged_org_after_a_title_is_a_person(gazetteer):
    text = ("German Chancellor Olaf Scholz welcomed Lula in Berlin. Scholz said the deal was "
            "within reach.")
    mentions = _mentions(text, {"Olaf Scholz": "ORG", "Scholz": "ORG", "Lula": "PERSON",
                                "Berlin": "GPE"}, gazetteer)
    scholz = [m for m in mentions if "Scholz" in m.text]
    assert {(m.entity_name, m.entity_type, m.country_code) for m in scholz} == {
        ("Olaf Scholz", "PERSON", "DEU")}
    assert [m.label for m in scholz] == ["ORG", "ORG"]  # spaCy's label is kept


def test_an_organization_after_a_title_stays_an_organization(gazetteer):
    text = "The contract was signed by Chairman Mazagon Dock Shipbuilders in Mumbai."
    [org] = [m for m in _mentions(text, {"Mazagon Dock Shipbuilders": "ORG"}, gazetteer)]
    assert (org.entity_name, org.entity_type) == ("Mazagon Dock Shipbuilders", "ORG")


def test_a_place_does_not_take_the_country_of_a_role_before_it(gazetteer):
    text = "A spokesperson for U.S. Forces Korea declined to comment."
    mentions = _by_text(_mentions(text, {"U.S.": "GPE", "Korea": "GPE"}, gazetteer))
    assert mentions[("U.S.", 19)].country_code == "USA"
    assert mentions[("Korea", 31)].country_code is None


@pytest.mark.parametrize(("text", "entities", "short", "expected"), [
    ("The European Commission studied the ruling. A Commission spokesperson declined comment.",
     {"The European Commission": "ORG", "Commission": "ORG"}, "Commission",
     ("European Commission", "ORG", None)),
    ("Fighting spread in the Democratic Republic of the Congo. Rebels hold towns in eastern "
     "Congo.", {"the Democratic Republic of the Congo": "GPE", "Congo": "GPE"}, "Congo",
     ("Democratic Republic of the Congo", "GPE", "COD")),
    ("Kallas said the EU would act. No member state should hold the whole Union hostage.",
     {"EU": "ORG", "Union": "ORG"}, "Union", ("European Union", "ORG", None)),
    ("The European Union and the African Union met. The Union said little.",
     {"The European Union": "ORG", "the African Union": "ORG", "Union": "ORG"}, "Union",
     ("Union", "ORG", None)),
    ("Kallas said the EU would act. No member state should hold the whole Union hostage.",
     {"EU": "ORG", "Union": "GPE"}, "Union", ("European Union", "ORG", None)),
], ids=["org-suffix", "country-suffix", "suffix-of-an-alias-entity", "two-candidates-stay",
        "the-article-outranks-the-cities-table"])
def test_a_short_name_ends_the_one_longer_name_of_the_article(text, entities, short, expected,
                                                               gazetteer):
    mentions = _mentions(text, entities, gazetteer)
    [mention] = [m for m in mentions if m.text == short]
    assert (mention.entity_name, mention.entity_type, mention.country_code) == expected


@pytest.mark.parametrize(("text", "entities", "surface", "expected"), [
    ("Rebels seized Goma last month.", {"Goma": "GPE"}, "Goma", ("Goma", "GPE", "COD")),
    ("Protests spread to Mumbai.", {"Mumbai": "GPE"}, "Mumbai", ("Mumbai", "GPE", "IND")),
    ("Talks opened in Hyderabad.", {"Hyderabad": "GPE"}, "Hyderabad",
     ("Hyderabad", "GPE", None)),
    ("Charlotte said the talks failed.", {"Charlotte": "PERSON"}, "Charlotte",
     ("Charlotte", "PERSON", None)),
], ids=["city", "city-2", "name-of-cities-in-two-countries", "city-name-tagged-person"])
def test_cities_get_their_country_where_the_text_names_a_place(text, entities, surface,
                                                                expected, gazetteer):
    [mention] = [m for m in _mentions(text, entities, gazetteer) if m.text == surface]
    assert (mention.entity_name, mention.entity_type, mention.country_code) == expected


def test_one_name_has_one_type_within_an_article(gazetteer):
    text = ("Talks on Nagorno-Karabakh resumed. Nagorno-Karabakh was the focus. Armenia and "
            "Nagorno-Karabakh were named.")
    doc = ruler_pipeline({"Nagorno-Karabakh": "GPE", "Armenia": "GPE"})(text)
    # The statistical model tags the same words differently from one sentence to the next.
    first, second, *rest = doc.ents
    doc.ents = [first, Span(doc, second.start, second.end, label="WORK_OF_ART"), *rest]
    mentions = resolve_mentions(candidates_from_doc(doc, gazetteer), gazetteer)
    karabakh = [m for m in mentions if m.text == "Nagorno-Karabakh"]
    assert [m.label for m in karabakh] == ["GPE", "WORK_OF_ART", "GPE"]
    assert {(m.entity_name, m.entity_type) for m in karabakh} == {("Nagorno-Karabakh", "GPE")}


def test_a_titled_name_that_is_also_a_city_is_still_a_person(gazetteer):
    text = "Defense Secretary Lloyd Austin arrived in Manila."
    mentions = _by_text(_mentions(text, {"Lloyd Austin": "ORG", "Manila": "GPE"}, gazetteer))
    assert mentions[("Lloyd Austin", 18)].entity_type == "PERSON"

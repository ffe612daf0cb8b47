"""Span hygiene: no entity name holds a score or a number, ends with an adverb or an ordinary
word the model ran on into, or starts lower-case; a place the model called a person or an
organization is a place where the words before it say so. Sentences written for the project."""

import pytest

from pipeline.entities.canonical import candidates_from_doc, resolve_mentions
from tests.entities.helpers import ruler_pipeline


def _names(text, entities, gazetteer):
    nlp = ruler_pipeline(entities)
    mentions = resolve_mentions(candidates_from_doc(nlp(text), gazetteer), gazetteer)
    for mention in mentions:
        assert text[mention.start_char:mention.end_char] == mention.text  # offsets exact
    return {(m.text, m.entity_name, m.entity_type) for m in mentions}


@pytest.mark.parametrize(("text", "span", "label", "expected"), [
    ("Lena Ortiz 6-3 in the opening set surprised the crowd.", "Lena Ortiz 6-3", "PERSON",
     ("Lena Ortiz", "Lena Ortiz", "PERSON")),
    ("The laptop beat the Zephyr Book 2021 in the tests.", "Zephyr Book 2021", "PRODUCT",
     ("Zephyr Book", "Zephyr Book", "PRODUCT")),
    ("The new Zephyr Book Remarkably lasts a whole day.", "Zephyr Book Remarkably", "PERSON",
     ("Zephyr Book", "Zephyr Book", "PERSON")),
    ("The phone rang Ruth Okafor twice before dawn.", "rang Ruth Okafor", "PERSON",
     ("Ruth Okafor", "Ruth Okafor", "PERSON")),
    ("She reviewed a Zephyr Book for the magazine.", "a Zephyr Book", "PERSON",
     ("Zephyr Book", "Zephyr Book", "PERSON")),
    ("The talk was given by Ruth Okafor; questions followed.", "Ruth Okafor;", "PERSON",
     ("Ruth Okafor", "Ruth Okafor", "PERSON")),
    ("Crumble ¼ cup feta over the salad.", "¼ cup feta", "ORG", None),
], ids=["score", "year", "trailing-adverb", "leading-verb", "leading-article",
        "trailing-punctuation", "nothing-left"])
def test_spans_are_cut_back_to_the_name(gazetteer, text, span, label, expected):
    found = _names(text, {span: label}, gazetteer)
    assert found == ({expected} if expected else set())


def test_a_heading_that_runs_a_name_into_its_verb(gazetteer):
    text = ("What Does Nimbus Offer?\nNimbus is a new service. Nimbus streams games, and "
            "Nimbus works on phones.")
    found = _names(text, {"Nimbus Offer": "PERSON", "Nimbus": "ORG"}, gazetteer)
    assert {name for _text, name, _type in found} == {"Nimbus"}


def test_a_surname_that_is_also_a_verb_stays(gazetteer):
    text = "Donald Trump spoke first. Donald Trump spoke again, and then Donald left."
    found = _names(text, {"Donald Trump": "PERSON", "Donald": "PERSON"}, gazetteer)
    assert ("Donald Trump", "Donald Trump", "PERSON") in found


def test_a_name_starting_with_a_particle_is_capitalized_in_the_entity(gazetteer):
    text = "Troops stayed near al-Qasr for a week."
    found = _names(text, {"al-Qasr": "PERSON"}, gazetteer)
    assert found == {("al-Qasr", "Al-Qasr", "LOC")}


@pytest.mark.parametrize(("text", "span", "expected"), [
    ("Rebels advanced on the roads into Goma at dawn.", "Goma", ("GPE", "COD")),
    ("Shelling near Tadmur went on overnight.", "Tadmur", ("GPE", "SYR")),
    ("Fighting near Qaryatayn went on overnight.", "Qaryatayn", ("LOC", None)),
    ("Officials in Bukavu said the road was closed.", "Bukavu", ("GPE", "COD")),
], ids=["known-city-into", "known-city-near", "unknown-near", "known-city-in"])
def test_a_place_tagged_person_is_a_place_where_the_context_says_so(gazetteer, text, span,
                                                                    expected):
    nlp = ruler_pipeline({span: "PERSON"})
    [mention] = resolve_mentions(candidates_from_doc(nlp(text), gazetteer), gazetteer)
    assert (mention.entity_type, mention.country_code) == expected


@pytest.mark.parametrize("text", [
    "Goma said the talks had failed.",
    "Reporters waited outside Okafor's house.",
    "He wrote to Okafor about the plan.",
], ids=["no-preposition", "possessive", "unknown-name-after-to"])
def test_people_stay_people_without_place_context(gazetteer, text):
    span = "Goma" if "Goma" in text else "Okafor"
    nlp = ruler_pipeline({span: "PERSON"})
    [mention] = resolve_mentions(candidates_from_doc(nlp(text), gazetteer), gazetteer)
    assert mention.entity_type == "PERSON"


def test_with_the_real_model_no_name_has_these_shapes(nlp, gazetteer):
    """The statistical model, on sentences of the shapes it gets wrong."""
    from pipeline.entities import entity_mentions
    from pipeline.parsing import ParsedArticle, parse_articles
    from pipeline.records import Article, RawArticle

    text = ("Lena Ortiz won 6-4 7-5 against Marta Kowal in the final. The new Zephyr Book "
            "Impressively handles long tasks, and the older Zephyr Book is slower. "
            "Shelling near Tadmur and Goma continued. Police said Ruth Okafor was released.")
    article = Article(RawArticle("file:///t.txt", "txt", text), text, "h", 40, "en", None)
    [parsed] = parse_articles([article], nlp)
    assert isinstance(parsed, ParsedArticle)
    names = {m.entity_name for m in entity_mentions(parsed, gazetteer)}
    import re
    for name in names:
        assert not re.search(r"(^|\s)[\d\-–:/]+(\s|$)", name), name
        assert not name[:1].islower(), name
        assert not name.endswith("ly"), name


def test_a_persons_name_ends_before_a_possessive(gazetteer):
    text = "Okafor’s New Plan Fails\nRuth Okafor spoke. Okafor left."
    found = _names(text, {"Okafor’s New Plan": "PERSON", "Ruth Okafor": "PERSON",
                          "Okafor": "PERSON"}, gazetteer)
    assert {name for _text, name, _type in found} == {"Ruth Okafor"}


def test_in_running_text_a_surname_that_is_a_word_stays(gazetteer):
    text = ("Mike Ford wrote the letter. Mike said it was late. Mike called again, and Mike "
            "Ford signed it.")
    found = _names(text, {"Mike Ford": "PERSON", "Mike": "PERSON"}, gazetteer)
    assert {name for _text, name, _type in found} == {"Mike Ford"}


@pytest.mark.parametrize(("span", "label"), [("Theresa May", "PERSON"), ("George Will", "PERSON"),
                                             ("Japan-US", "ORG")],
                         ids=["may", "will", "us"])
def test_names_ending_in_a_stop_word_keep_it(gazetteer, span, label):
    text = f"Reporters asked {span} about it on Monday."
    assert (span, span, label) in _names(text, {span: label}, gazetteer)

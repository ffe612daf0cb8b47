"""Cross-article name rules, as pure functions of the stored forms and their mention counts."""

import itertools

import pytest

from pipeline.entities.names import Form, group_words, resolve_group
from pipeline.entities.store import FormRules
from pipeline.gazetteer import NameRules

RULES = FormRules(NameRules.load())


def _resolve(*forms):
    return resolve_group([Form(*f) for f in forms], participating=RULES.participating)


def test_a_surname_is_the_one_known_person_with_that_name():
    decided = _resolve(("PERSON", "Donald Trump", 3), ("PERSON", "Trump", 2))
    assert decided[("PERSON", "Trump")] == ("PERSON", "Donald Trump")


@pytest.mark.parametrize(("short", "people"), [
    ("Kim", ["Kim Jong Un", "Kim Yo Jong"]),
    ("Ford", ["Doug Ford", "Mike Ford"]),
], ids=["family-name-first", "surname"])
def test_a_name_two_known_people_share_is_left_alone(short, people):
    decided = _resolve(*[("PERSON", name, 2) for name in people], ("PERSON", short, 4))
    assert decided[("PERSON", short)] == ("PERSON", short)


def test_a_family_name_written_first_resolves_too():
    decided = _resolve(("PERSON", "Kim Jong Un", 5), ("PERSON", "Kim", 1))
    assert decided[("PERSON", "Kim")] == ("PERSON", "Kim Jong Un")


def test_middle_names_and_initials_are_the_same_person():
    decided = _resolve(("PERSON", "Donald Trump", 3), ("PERSON", "Donald J. Trump", 1),
                       ("PERSON", "Donald John Trump", 1), ("PERSON", "Trump", 1))
    assert set(decided.values()) == {("PERSON", "Donald Trump")}


def test_contradicting_middle_names_stay_apart_and_the_bare_name_with_them():
    decided = _resolve(("PERSON", "George W. Bush", 3), ("PERSON", "George H. W. Bush", 2),
                       ("PERSON", "George Bush", 1), ("PERSON", "Bush", 4))
    assert decided[("PERSON", "George W. Bush")] == ("PERSON", "George W. Bush")
    assert decided[("PERSON", "George H. W. Bush")] == ("PERSON", "George H. W. Bush")
    assert decided[("PERSON", "George Bush")] == ("PERSON", "George Bush")
    assert decided[("PERSON", "Bush")] == ("PERSON", "Bush")


def test_a_name_tagged_person_and_organization_goes_with_most_mentions():
    decided = _resolve(("PERSON", "Donald Trump", 7), ("PERSON", "Trump", 4),
                       ("ORG", "Trump", 2), ("PERSON", "Twitter", 1), ("ORG", "Twitter", 9))
    assert decided[("ORG", "Trump")] == ("PERSON", "Donald Trump")
    assert decided[("PERSON", "Twitter")] == ("ORG", "Twitter")
    assert decided[("ORG", "Twitter")] == ("ORG", "Twitter")


@pytest.mark.parametrize("org", ["Trump Organization", "NASA", "the United Nations", "ICC"],
                         ids=["org-word", "acronym", "known-org", "known-acronym"])
def test_organization_names_never_become_people(org):
    decided = _resolve(("PERSON", org, 9), ("ORG", org, 1))
    assert decided[("ORG", org)] == ("ORG", org)


def test_forms_without_mentions_make_no_name_ambiguous():
    decided = _resolve(("PERSON", "Kim Jong Un", 5), ("PERSON", "Kim Yo Jong", 0),
                       ("PERSON", "Kim", 1))
    assert decided[("PERSON", "Kim")] == ("PERSON", "Kim Jong Un")


def test_the_decision_does_not_depend_on_the_order_of_the_forms():
    forms = [("PERSON", "Donald Trump", 3), ("PERSON", "Donald J. Trump", 1),
             ("PERSON", "Trump", 2), ("ORG", "Trump", 1), ("PERSON", "Melania Trump", 0)]
    results = {tuple(sorted(_resolve(*order).items()))
               for order in itertools.permutations(forms)}
    assert len(results) == 1


def test_forms_are_grouped_by_their_first_and_last_word():
    assert group_words("Donald J. Trump") == {"donald", "trump"}
    assert group_words("Trump") == {"trump"}

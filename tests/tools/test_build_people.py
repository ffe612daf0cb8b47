"""Which Phoenix dictionary entries make the people table, with what names and periods."""

from datetime import date

import pytest

from tools.build_people import Period, entries, is_name, parse_codes, people

EXCLUDED = frozenset({"president", "minister", "prime", "forces", "of", "the", "national",
                      "security", "secretary-general", "secretary", "general"})

DICTIONARY = """\
# A made-up dictionary in the Phoenix (TABARI) layout.
FREEDONIA_  [ISL]
+FREEDONIAN_
+FREEDONIA_CITY_

RUFUS_T._FIREFLY_  # CountryInfo.txt
+RUFUS_FIREFLY_
+FIREFLY_
+PRESIDENT_FIREFLY_
+RUFUS_
\t[ISLELI 700101-330101]
\t[ISLGOV 330101-991231]
\t[ISLELI]
FREEDONIAN_NATIONAL_SECURITY_FORCES
\t[ISLMIL]
OLD_TIMER_  # CountryInfo.txt
\t[ISLGOV 500101-600101]
SECRETARY-GENERAL_ANNA_BERG
+ANNA_BERG_
\t[IGOUNO >20070101]
ANNA_BERG_LOOKALIKE_CO_\t[MNCISL]
"""


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "Phoenix.Test.actors.txt"
    path.write_text(DICTIONARY, encoding="utf-8")
    return {p.name: p for p in people([path], EXCLUDED, date(1990, 1, 1),
                                     places={"freedonia city"})}


def test_a_person_with_other_names_and_dated_codes(table):
    firefly = table["Rufus T. Firefly"]
    assert firefly.alpha3 == "ISL"
    assert firefly.aliases == ["Firefly", "Rufus Firefly"]  # a surname, a name; no title
    assert Period("ISLGOV", date(1933, 1, 1), date(1999, 12, 31)) in firefly.periods


@pytest.mark.parametrize("name", ["Freedonia", "Freedonian National Security Forces",
                                  "Old Timer", "Anna Berg Lookalike Co"],
                         ids=["country", "institution", "ended-before-1990", "company"])
def test_entries_that_are_not_people_of_the_period(table, name):
    assert name not in table


def test_an_entry_named_with_its_title_keeps_the_name_after_it(table):
    assert table["Anna Berg"].periods == [Period("IGOUNO", date(2007, 1, 1), None)]


def test_codes_and_dates():
    assert parse_codes("[RUSGOV 991231-080507] [RUSELI] [USAGOV >130701] [AUSELI <19501231]"
                       ) == [Period("RUSGOV", date(1999, 12, 31), date(2008, 5, 7)),
                             Period("RUSELI", None, None),
                             Period("USAGOV", date(2013, 7, 1), None),
                             Period("AUSELI", None, date(1950, 12, 31))]


def test_names():
    assert is_name("Vladimir V. Putin", EXCLUDED)
    assert not is_name("President Putin", EXCLUDED)
    assert not is_name("Putin", EXCLUDED)


def test_entries_split_where_a_name_follows_codes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A_B_\n\t[USAGOV]\nC_D_\n+C_E_\n\t[RUSGOV]\n", encoding="utf-8")
    assert [e.names for e in entries(path)] == [["A B"], ["C D", "C E"]]

"""Which GeoNames cities make the cities table: big enough, and naming one country."""

import pytest

from tools.build_cities import dominant_cities

CITIES = [
    {"name": "London", "countrycode": "GB", "population": 8_961_989},
    {"name": "London", "countrycode": "CA", "population": 422_324},
    {"name": "Hyderabad", "countrycode": "IN", "population": 6_993_262},
    {"name": "Hyderabad", "countrycode": "PK", "population": 1_921_275},
    {"name": "Goma", "countrycode": "CD", "population": 432_587},
    {"name": "Mitrovicë", "countrycode": "XK", "population": 107_045},
    {"name": "Smalltown", "countrycode": "FR", "population": 20_000},
    {"name": "Paris", "countrycode": "FR", "population": 2_138_551},
    {"name": "Nowhere", "countrycode": "ZZ", "population": 900_000},
]


@pytest.fixture
def rows():
    kept = dominant_cities(CITIES, min_population=50_000, dominance=10.0,
                           excluded={"paris"}, known={"GBR", "CAN", "IND", "PAK", "COD", "XKX",
                                                      "FRA"})
    return {name: code for name, code, _population in kept}


def test_a_name_kept_for_the_country_that_dominates_it(rows):
    assert rows["London"] == "GBR"


@pytest.mark.parametrize("name", ["Hyderabad", "Smalltown", "Paris", "Nowhere"],
                         ids=["two-big-cities", "too-small", "a-capital-already", "unknown-code"])
def test_names_left_out(rows, name):
    assert name not in rows


def test_user_assigned_kosovo_code(rows):
    assert rows["Mitrovicë"] == "XKX"

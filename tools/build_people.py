"""Build ``pipeline/data/people.tsv``: office holders and other named people with their country
and the CAMEO actor codes they held, with date ranges.

Source: the Phoenix actor dictionaries (Open Event Data Alliance, MIT license, compiled in
2014 from CountryInfo.txt), ``Phoenix.Countries.actors.txt`` and
``Phoenix.International.actors.txt``, in TABARI format: an entry's name line (words joined by
``_``), ``+`` lines with other names for it, and code lines ``[RUSGOV 991231-080507]``
(dates ``YYMMDD`` or ``YYYYMMDD``; ``>date`` from, ``<date`` until, none: at any time). Only
the data is read; no code is copied. The output is released with the project (MIT), with the
source's license noted in ``pipeline/data/README.md``.

A person is an entry whose name is two to five words, none of them a title, an
organization's word or a joiner (``of``, ``the``), with a country code or only international
(IGO) codes, so ministries, forces, companies and "US vice president" are left out. Other
names are kept when they are a name too (``Vladimir V. Putin``) or the surname of one
(``Putin``; not ``Charlotte``, a first name), not a title and a name (``President
Putin``); a name two people of different countries share is dropped from both. Countries and
places (entries with a bare country code, names in the countries, cities or ISO 3166-2
tables) are not people. People whose dated codes all ended before ``--since`` (default
1990) are left out.

Usage (from the repository root)::

    .venv/bin/python tools/build_people.py ../shared/reference/cameo
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pycountry

from pipeline.gazetteer import lookup_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipeline" / "data"
SOURCES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt")
CAMEO_TO_ISO = {"KSV": "XKX"}
"""CAMEO country codes that are not the ISO 3166-1 alpha-3 code of the same country."""
_JOINERS = frozenset({"of", "the", "and", "for", "in", "on", "to", "a", "an"})
_CODE = re.compile(r"\[\s*([A-Z]{3}[A-Z]*)\s*([^\]]*)\]")
_WORD = re.compile(r"^[A-Za-z][A-Za-z'\-]*\.?$|^[A-Z]\.$")


@dataclass(frozen=True, slots=True)
class Period:
    code: str
    start: date | None
    end: date | None


@dataclass(slots=True)
class Entry:
    names: list[str] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)


def _day(text: str) -> date | None:
    """``YYMMDD`` (years up to 14 are 20xx: the dictionaries date from 2014) or ``YYYYMMDD``."""
    digits = text.strip()
    try:
        if len(digits) == 6:
            year = int(digits[:2])
            return date(2000 + year if year <= 14 else 1900 + year, int(digits[2:4]),
                        int(digits[4:6]))
        if len(digits) == 8:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return None


def parse_codes(text: str) -> list[Period]:
    """Every ``[CODE dates]`` of a line."""
    periods = []
    for code, dates in _CODE.findall(text):
        dates = dates.strip()
        start = end = None
        if dates.startswith(">"):
            start = _day(dates[1:])
        elif dates.startswith("<"):
            end = _day(dates[1:])
        elif "-" in dates:
            first, _, last = dates.partition("-")
            start, end = _day(first), _day(last)
        periods.append(Period(code, start, end))
    return periods


def _name(raw: str) -> str:
    """``VLADIMIR_V._PUTIN_`` → ``Vladimir V. Putin``."""
    parts = [p for p in re.split(r"[_\s]+", raw.strip("+ ")) if p]
    return " ".join(p[:1].upper() + p[1:].lower() if not p.endswith(".") or len(p) > 2
                    else p.upper() for p in parts)


def entries(path: Path) -> Iterator[Entry]:
    """The entries of a TABARI actor file: names, then the codes that follow them."""
    entry = Entry()
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        text = line.strip()
        if not text:
            continue
        if text.startswith("["):  # an indented code line: for the names above it
            entry.periods += parse_codes(text)
            continue
        name, _, codes = text.partition("[")
        if entry.periods and not text.startswith("+"):
            yield entry
            entry = Entry()
        elif entry.names and not text.startswith("+") and _CODE.search(text):
            yield entry  # a name with its own codes on the line starts a new entry
            entry = Entry()
        entry.names.append(_name(name))
        if codes:
            entry.periods += parse_codes("[" + codes)
    if entry.names:
        yield entry


def is_name(name: str, excluded_words: frozenset[str]) -> bool:
    """Two to five words that make a person's name, not a title or an institution."""
    words = name.split()
    parts = [p.lower().strip(".") for w in words for p in w.split("-")]
    return (2 <= len(words) <= 5 and all(_WORD.match(w) for w in words)
            and not any(p in excluded_words for p in parts))


def country(code: str) -> str | None:
    """The ISO alpha-3 country a CAMEO actor code starts with, if it starts with one."""
    prefix = CAMEO_TO_ISO.get(code[:3], code[:3])
    return prefix if pycountry.countries.get(alpha_3=prefix) or prefix == "XKX" else None


def _latest(periods: list[Period]) -> Period:
    return max(periods, key=lambda p: (p.end or date.max, p.start or date.min))


@dataclass(slots=True)
class Person:
    name: str
    alpha3: str
    aliases: list[str]
    periods: list[Period]


def place_names() -> set[str]:
    """Folded names of countries (every form), cities and subdivisions: never people."""
    names = {lookup_key(s.name) for s in pycountry.subdivisions}
    for table, columns in (("countries.tsv", ("name", "demonyms", "capitals", "aliases")),
                           ("cities.tsv", ("name",))):
        with (DATA / table).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                names.update(lookup_key(v.removeprefix("the ")) for column in columns
                             for v in (row[column] or "").split("|") if v.strip())
    return names


def people(sources: list[Path], excluded_words: frozenset[str], since: date,
           places: set[str] | frozenset[str] = frozenset()) -> list[Person]:
    found: list[Person] = []
    for path in sources:
        for entry in entries(path):
            if any(len(p.code) == 3 for p in entry.periods):
                continue  # a country ("[USA]"), with its other names and cities
            entry.names = [n for n in entry.names if lookup_key(n) not in places]
            dated = [p for p in entry.periods if p.code[:3] != "---"]
            # The entry's first name that is a name ("Ban Ki-moon" after "Secretary-General
            # Ban Ki-moon").
            primary = next((n for n in entry.names if is_name(n, excluded_words)), None)
            if not dated or primary is None:
                continue
            spans = [p for p in dated if p.start or p.end]
            if spans and all(p.end is not None and p.end < since for p in spans):
                continue
            countries = [country(p.code) for p in dated]
            latest = country(_latest(dated).code)
            alpha3 = latest or next((c for c in countries if c), "")
            if not alpha3 and not all(p.code.startswith("IGO") for p in dated):
                continue  # a company or a group, not a person of a country or an IGO
            full = [n for n in entry.names if is_name(n, excluded_words)]
            surnames = {n.split()[-1].lower() for n in full}
            aliases = sorted({n for n in entry.names
                              if (n in full or (len(n.split()) == 1 and n.lower() in surnames))
                              and n.isascii() and n != primary
                              and not any(p.lower().strip(".") in excluded_words
                                          for w in n.split() for p in w.split("-"))})
            found.append(Person(primary, alpha3, aliases, dated))
    return _unambiguous(found)


def _unambiguous(found: list[Person]) -> list[Person]:
    """One row per name; a name (or alias) two people of different countries share is
    dropped from both."""
    merged: dict[str, Person] = {}
    for person in found:
        key = lookup_key(person.name)
        if key in merged and merged[key].alpha3 == person.alpha3:
            merged[key].aliases = sorted(set(merged[key].aliases) | set(person.aliases))
            merged[key].periods += [p for p in person.periods if p not in merged[key].periods]
        elif key in merged:
            merged[key].alpha3 = "?"
        else:
            merged[key] = person
    kept = [p for p in merged.values() if p.alpha3 != "?"]
    owners: dict[str, set[str]] = defaultdict(set)
    for person in kept:
        for name in [person.name, *person.aliases]:
            owners[lookup_key(name)].add(person.alpha3)
    for person in kept:
        person.aliases = [a for a in person.aliases if len(owners[lookup_key(a)]) == 1
                          and lookup_key(a) != lookup_key(person.name)]
    return sorted(kept, key=lambda p: (p.name, p.alpha3))


def _when(day: date | None) -> str:
    return day.isoformat() if day else ""


def write(rows: list[Person], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["name", "alpha3", "aliases", "periods"])
        for person in rows:
            periods = "|".join(f"{p.code} {_when(p.start)} {_when(p.end)}".rstrip()
                               for p in person.periods)
            out.writerow([person.name, person.alpha3, "|".join(person.aliases), periods])


def _words(path: Path) -> frozenset[str]:
    return frozenset(line.strip().lower() for line in path.read_text(encoding="utf-8")
                     .splitlines() if line.strip() and not line.startswith("#"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cameo", type=Path, help="the folder with the Phoenix actor files")
    parser.add_argument("--since", type=date.fromisoformat, default=date(1990, 1, 1),
                        help="leave out people whose every code ended before this day")
    parser.add_argument("--out", type=Path, default=DATA / "people.tsv")
    args = parser.parse_args(argv)
    excluded = _words(DATA / "titles.txt") | _words(DATA / "org_words.txt") | _JOINERS
    rows = people([args.cameo / name for name in SOURCES], excluded, args.since, place_names())
    write(rows, args.out)
    print(f"{len(rows)} people written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

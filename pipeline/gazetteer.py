"""Lookup tables for canonical entities: countries, organizations and role words.

Built once per run from the data files in ``pipeline/data`` plus pycountry (the ISO 3166 names
and subdivisions), then passed to the functions that need it. It is an ordinary object: nothing
is cached at module level.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import pycountry

_DATA = resources.files("pipeline") / "data"

_USER_ASSIGNED = frozenset({"XKX"})
"""Codes in common use that ISO has not assigned (Kosovo)."""

_GENERIC_PLACE_WORDS = frozenset({
    "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
    "capital", "centre", "center", "coast", "coastal", "islands", "island", "lakes", "lake",
    "upper", "lower", "middle", "river", "mountain", "mountains", "valley", "plateau",
    "highlands", "lowlands", "border", "region", "district", "city",
})
"""Subdivisions named only with these words ("West", "Central") are common words, not places."""


@dataclass(frozen=True, slots=True)
class CountryRef:
    """What a country name, alias, demonym or capital refers to."""

    alpha3: str
    country_name: str
    kind: str
    """``name``, ``alias``, ``demonym``, ``capital``, ``subdivision`` or ``city``."""
    form: str
    """The table's spelling of the matched name (``Paris`` for ``PARIS``)."""


@dataclass(frozen=True, slots=True)
class RolePeriod:
    """A CAMEO actor code a person held (``RUSGOV``), from ``start`` to ``end`` (None: open)."""

    code: str
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """A person of the people table (office holders from the Phoenix dictionaries)."""

    name: str
    country_code: str | None
    """ISO 3166-1 alpha-3; None for people known only in international bodies."""
    periods: tuple[RolePeriod, ...]

    def code_on(self, day: date | None) -> str | None:
        """The actor code the person held on ``day``: a dated period that covers it, else
        their undated code (what they are when not in office), else None."""
        if day is not None:
            for period in self.periods:
                if (period.start or period.end) and period.covers(day):
                    return period.code
        return next((p.code for p in self.periods if not (p.start or p.end)), None)


@dataclass(frozen=True, slots=True)
class KnownOrg:
    name: str
    type: str
    country_code: str | None


def lookup_key(text: str) -> str:
    """Case-, accent- and punctuation-tolerant key: ``U.S.`` → ``us``, ``Türkiye`` → ``turkiye``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("’", "'").lower().replace(".", "")
    return " ".join(stripped.replace("-", " ").split())


def _period(text: str) -> RolePeriod:
    """``RUSGOV 1999-12-31 2008-05-07`` (either date may be empty)."""
    code, _, dates = text.partition(" ")
    start, _, end = dates.partition(" ")
    return RolePeriod(code, date.fromisoformat(start) if start else None,
                      date.fromisoformat(end) if end else None)


def _strip_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _word_list(path: Path) -> frozenset[str]:
    """A data file of lower-case words, one a line, ``#`` comments."""
    return frozenset(line.strip().lower()
                     for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def _organization_rows(path: Path) -> list[tuple[KnownOrg, list[str]]]:
    """Each well-known organization with every form of its name."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            org = KnownOrg(row["name"], row["type"] or "ORG", row["country_code"] or None)
            forms = [org.name, *(row.get("aliases") or "").split("|")]
            rows.append((org, [f.strip() for f in forms if f.strip()]))
    return rows


@dataclass(frozen=True, slots=True)
class NameRules:
    """What the loader needs to know of names, without the whole gazetteer: the words that
    make an organization's name and the well-known organizations (which are never people)."""

    org_words: frozenset[str]
    organizations: frozenset[str]
    """:func:`lookup_key` of every name of a well-known organization."""

    @classmethod
    def load(cls, data_dir: Path | None = None) -> NameRules:
        base = Path(str(data_dir or _DATA))
        orgs = {lookup_key(_strip_article(form))
                for _org, forms in _organization_rows(base / "organizations.tsv")
                for form in forms}
        return cls(_word_list(base / "org_words.txt"), frozenset(orgs))

    def is_org_word(self, word: str) -> bool:
        return word.lower().strip(".") in self.org_words

    def is_known_organization(self, name: str) -> bool:
        return lookup_key(_strip_article(name)) in self.organizations


class Gazetteer:
    """Countries, organizations and role words, looked up by normalized surface form."""

    def __init__(self, data_dir: Path | None = None) -> None:
        base = Path(str(data_dir or _DATA))
        self._countries: dict[str, CountryRef] = {}
        self._country_names: dict[str, str] = {}
        self._orgs: dict[str, KnownOrg] = {}
        self._load_countries(base / "countries.tsv")
        self._load_subdivisions()
        self._load_cities(base / "cities.tsv")
        self._load_orgs(base / "organizations.tsv")
        self._actor_orgs: dict[str, str] = {}
        for name in ("actor_organizations_curated.tsv", "actor_organizations.tsv"):
            if (base / name).exists():  # the hand-curated file first
                with (base / name).open(encoding="utf-8", newline="") as handle:
                    rows = csv.reader((line for line in handle if not line.startswith("#")),
                                      delimiter="\t")
                    next(rows)
                    for org, code in rows:
                        self._actor_orgs.setdefault(lookup_key(org), code)
        self.title_words = _word_list(base / "titles.txt")
        self.org_words = _word_list(base / "org_words.txt")
        self._people: dict[str, KnownPerson] = {}
        self._load_people(base / "people.tsv")
        self._common_words: dict[str, str] = {}
        with (base / "common_words.tsv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                self._common_words[row["word"]] = row["parts"]
        self._affiliations: dict[str, str] = {}
        with (base / "affiliations.tsv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                self._affiliations[lookup_key(row["word"])] = row["alpha3"]

    def _load_people(self, path: Path) -> None:
        """People by name and alias; a key two people share is nobody's."""
        owners: dict[str, list[KnownPerson]] = defaultdict(list)
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                person = KnownPerson(row["name"], row["alpha3"] or None,
                                     tuple(_period(p) for p in row["periods"].split("|") if p))
                for name in [row["name"], *(row["aliases"] or "").split("|")]:
                    if name.strip():
                        owners[lookup_key(name)].append(person)
        self._people = {key: found[0] for key, found in owners.items()
                        if len({p.country_code for p in found}) == 1}

    def _load_countries(self, path: Path) -> None:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        for row in rows:
            code, name = row["alpha3"].strip(), row["name"].strip()
            self._country_names[code] = name
            if code not in _USER_ASSIGNED and pycountry.countries.get(alpha_3=code) is None:
                raise ValueError(f"{path}: {code} is not an ISO 3166-1 alpha-3 code")
            # pycountry's own names are not added: some are ambiguous in news text ("Congo").
            names = {name: "name"}
            for column, kind in (("aliases", "alias"), ("demonyms", "demonym"),
                                 ("capitals", "capital")):
                for value in (row.get(column) or "").split("|"):
                    if value.strip():
                        names.setdefault(value.strip(), kind)
            for value, kind in names.items():
                for form in {value, _strip_article(value)}:
                    self._countries.setdefault(lookup_key(form),
                                               CountryRef(code, name, kind, _strip_article(value)))

    def _load_subdivisions(self) -> None:
        """ISO 3166-2 subdivision names (states, provinces, oblasts) whose name is unambiguous."""
        owners: dict[str, set[str]] = defaultdict(set)
        for subdivision in pycountry.subdivisions:
            country = pycountry.countries.get(alpha_2=subdivision.country_code)
            if country is not None:
                owners[lookup_key(subdivision.name)].add(country.alpha_3)
        names = {lookup_key(s.name): s.name for s in pycountry.subdivisions}
        for key, codes in owners.items():
            generic = set(key.split()) <= _GENERIC_PLACE_WORDS
            if len(codes) != 1 or key in self._countries or generic:
                continue
            code = next(iter(codes))
            if code in self._country_names:
                self._countries[key] = CountryRef(code, self._country_names[code],
                                                  "subdivision", names[key])

    def _load_cities(self, path: Path) -> None:
        """Cities whose name points to one country (derived from GeoNames, see the data README);
        country names, capitals and subdivisions keep their meaning."""
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                code = row["alpha3"]
                if code in self._country_names:
                    self._countries.setdefault(lookup_key(row["name"]), CountryRef(
                        code, self._country_names[code], "city", row["name"]))

    def _load_orgs(self, path: Path) -> None:
        for org, forms in _organization_rows(path):
            for form in forms:
                self._orgs.setdefault(lookup_key(_strip_article(form)), org)

    def country(self, text: str, *, local_places: bool = True) -> CountryRef | None:
        """The country a name, alias, demonym, capital, subdivision or city refers to, if known.

        ``local_places=False`` leaves out subdivisions and cities (other than capitals): their
        names are safe only where the text is known to name a place."""
        ref = self._country(text)
        if ref is not None and ref.kind in ("subdivision", "city") and not local_places:
            return None
        return ref

    def _country(self, text: str) -> CountryRef | None:
        key = lookup_key(text)
        ref = self._countries.get(key)
        if ref is None and key.startswith("the "):
            ref = self._countries.get(key[4:])
        if ref is None and key.endswith("'s"):
            ref = self._countries.get(key[:-2])
        return ref

    def country_name(self, alpha3: str) -> str | None:
        """The short English name newsflow uses for a country code."""
        return self._country_names.get(alpha3)

    def organization(self, text: str) -> KnownOrg | None:
        """A well-known organization by any of its names (``ICC``, ``the United Nations``)."""
        return self._orgs.get(lookup_key(_strip_article(text)))

    def actor_organization(self, text: str) -> str | None:
        """The CAMEO actor code an organization or armed group stands for (``IGO``,
        ``AFGREB``, ``NGO``, ``USABUS``), from the Phoenix dictionaries
        (``actor_organizations.tsv``, built by ``tools/build_organizations.py``)."""
        return self._actor_orgs.get(lookup_key(_strip_article(text)))

    def person(self, name: str) -> KnownPerson | None:
        """A known office holder by name or alias (``Vladimir V. Putin``, ``Putin``)."""
        return self._people.get(lookup_key(name))

    def affiliation(self, word: str) -> str | None:
        """The country a party or office word ties a person to (``Democratic`` → USA)."""
        return self._affiliations.get(lookup_key(word))

    def is_adverb(self, word: str) -> bool:
        """An ``-ly`` adverb (``Impressively``), which no name ends with."""
        lower = word.lower()
        return lower.endswith("ly") and "adv" in self._common_words.get(lower, "")

    def is_common_word(self, word: str) -> bool:
        """An English verb, adjective or adverb, inflected or not (``Offer``, ``Falls``)."""
        lower = word.lower()
        forms = {lower}
        if lower.endswith("ies"):
            forms.add(lower[:-3] + "y")
        for suffix in ("s", "es", "ed", "d", "ing"):
            if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
                forms.add(lower[:-len(suffix)])
        return any(form in self._common_words for form in forms)

    def is_title_word(self, word: str) -> bool:
        return word.lower().strip(".") in self.title_words

    def is_org_word(self, word: str) -> bool:
        return word.lower().strip(".") in self.org_words

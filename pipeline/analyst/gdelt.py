"""GDELT 2.0 rows: an event cluster as a 61-column Events row, an events row as a 16-column
Mentions row.

``event_clusters`` is GDELT's Events table (GLOBALEVENTID = cluster id, stable across
``reprocess``) and ``events`` its Mentions table (one row per sentence of an article that
states the event). ``docs/gdelt.md`` maps every column to its source or says why it is empty;
the column names here are GDELT's, in file order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

EVENT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode",
    "Actor1EthnicCode", "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code",
    "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode",
    "Actor2EthnicCode", "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code",
    "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

MENTION_COLUMNS = (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
    "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset",
    "ActionCharOffset", "InRawText", "Confidence", "MentionDocLen", "MentionDocTone",
    "MentionDocTranslationInfo", "Extras",
)

MENTION_WEB = 1
"""MentionType of a document with a URL; a local file has only a citation (2)."""
MENTION_CITATION = 2


@dataclass(frozen=True, slots=True)
class ActorCodes:
    """An actor code split as GDELT splits it."""

    country: str
    """CAMEO country or region code, or empty."""
    types: tuple[str, str, str]
    """Up to three role/type codes (GOV, MIL, IGO, ...)."""


class CodeBook:
    """What splitting actor codes needs: the CAMEO country codes (and the ISO ones the coder
    writes) and the CAMEO region codes, read once per export from the database and the
    package data."""

    def __init__(self, cameo_of_alpha3: Mapping[str, str], regions: set[str]) -> None:
        self._cameo_of_alpha3 = dict(cameo_of_alpha3)
        self._cameo_codes = set(cameo_of_alpha3.values())
        self._regions = set(regions)

    def cameo_country(self, alpha3: str | None) -> str:
        return self._cameo_of_alpha3.get(alpha3 or "", "")

    def split(self, code: str | None) -> ActorCodes:
        if not code:
            return ActorCodes("", ("", "", ""))
        prefix, rest = code[:3], code[3:]
        if prefix in self._cameo_codes or prefix in self._regions:
            country = prefix
        elif prefix in self._cameo_of_alpha3:
            country = self._cameo_of_alpha3[prefix]
        else:
            country, rest = "", code
        chunks = [rest[i:i + 3] for i in range(0, 9, 3)]
        return ActorCodes(country, (chunks[0], chunks[1], chunks[2]))


def _yyyymmdd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _timestamp(moment: datetime | None) -> str:
    return f"{moment:%Y%m%d%H%M%S}" if moment else ""


def fraction_date(day: date) -> str:
    """GDELT's YYYY.FFFF, where FFFF is (month * 30 + day) / 365 (its own approximation)."""
    return f"{day.year + (day.month * 30 + day.day) / 365:.4f}"


def _text(value: Any) -> str:
    """A field value with the characters that would break a tab-separated line replaced."""
    if value is None:
        return ""
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _actor_name(name: str | None, country_name: str | None) -> str:
    # GDELT writes names in capitals (UNITED STATES, VLADIMIR PUTIN); a country-only actor
    # without an entity is named after its country, as GDELT names a geographic match.
    return (name or country_name or "").upper()


def event_row(row: Mapping[str, Any], codes: CodeBook) -> list[str]:
    """The 61 fields of one event cluster (a row of the ``events`` export query)."""
    day: date = row["event_date"]
    fields: list[Any] = [row["event_id"], _yyyymmdd(day), day.year * 100 + day.month, day.year,
                         fraction_date(day)]
    for n in (1, 2):
        code = row[f"actor{n}_code"] or ""
        split = codes.split(code)
        country = codes.cameo_country(row[f"actor{n}_country"]) or split.country
        fields += [code, _actor_name(row[f"actor{n}_name"], row[f"actor{n}_country_name"])
                   if code else "", country, "", "", "", "", *split.types]
    cameo = row["cameo_code"]
    fields += [1 if row["first_sentence_index"] == 0 else 0, cameo, row["base_code"] or cameo[:3],
               row["root_code"] or cameo[:2], row["quad_class"], row["goldstein"],
               row["num_mentions"], row["num_sources"], row["num_articles"], ""]
    fields += [""] * 24  # Actor1Geo_*, Actor2Geo_*, ActionGeo_*: no geocoding yet
    fields += [_timestamp(row["first_seen_at"]), row["source_url"]]
    return [_text(value) for value in fields]


def mention_source_name(url: str | None, outlet: str | None) -> str:
    """GDELT's MentionSourceName: the web domain (www. dropped), else the outlet's name."""
    if url:
        host = (urlsplit(url).hostname or "").lower()
        if host:
            return host.removeprefix("www.")
    return outlet or ""


def action_offset(start_char: int, evidence: str, trigger: str) -> int | None:
    """Where the trigger word starts in the article: its first occurrence in the sentence as
    the start of a word (a lemma such as 'meet' is not found in 'met': None then)."""
    found = re.search(rf"\b{re.escape(trigger)}", evidence, flags=re.IGNORECASE)
    return start_char + found.start() if found else None


def mention_row(row: Mapping[str, Any]) -> list[str]:
    """The 16 fields of one events row (a row of the ``event-mentions`` export query)."""
    url = row["url"]
    fields = [row["cluster_id"], _timestamp(row["first_seen_at"]),
              _timestamp(row["ingested_at"]), MENTION_WEB if url else MENTION_CITATION,
              mention_source_name(url, row["outlet"]), url or row["source_uri"],
              row["sentence_index"] + 1, row["actor1_offset"], row["actor2_offset"],
              action_offset(row["start_char"], row["evidence"], row["trigger"]), 1,
              round(row["confidence"] * 100), row["doc_length"], "", "", ""]
    return [_text(value) for value in fields]

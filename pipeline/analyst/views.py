"""The analyst views as typed SQLAlchemy table objects, for the code that reads them.

The views are created by migration 0009 (``db/migrations/versions/0009_analyst_views.py``);
a view has no column types SQLite could report, so the types are stated here and SQLAlchemy
turns values into dates, aware UTC datetimes and booleans on both engines.
``tests/analyst/test_views.py`` checks these column lists against the views in a migrated
database.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    Integer,
    String,
    TableClause,
    Text,
    column,
    table,
)

from pipeline.db.schema import UTCDateTime

_INT, _FLOAT, _TEXT, _DATE, _BOOL = BigInteger(), Float(), Text(), Date(), Boolean()
_TS = UTCDateTime()


def _view(name: str, *columns: tuple[str, object]) -> TableClause:
    return table(name, *(column(column_name, type_) for column_name, type_ in columns))


events_view = _view(
    "events_view",
    ("event_id", _INT), ("cluster_id", _INT), ("article_id", _INT),
    ("sentence_index", Integer()), ("start_char", Integer()), ("end_char", Integer()),
    ("event_date", _DATE), ("event_week", _DATE), ("event_month", String(7)),
    ("actor1_code", _TEXT), ("actor1_entity_id", _INT), ("actor1_name", _TEXT),
    ("actor1_type", _TEXT), ("actor1_country", _TEXT), ("actor1_country_name", _TEXT),
    ("actor2_code", _TEXT), ("actor2_entity_id", _INT), ("actor2_name", _TEXT),
    ("actor2_type", _TEXT), ("actor2_country", _TEXT), ("actor2_country_name", _TEXT),
    ("cameo_code", _TEXT), ("cameo_name", _TEXT), ("base_code", _TEXT), ("root_code", _TEXT),
    ("root_name", _TEXT), ("quad_class", Integer()), ("quad_class_name", _TEXT),
    ("goldstein", _FLOAT), ("plover_type", _TEXT), ("plover_mode", _TEXT),
    ("negated", _BOOL), ("modality", _TEXT), ("confidence", _FLOAT), ("trigger", _TEXT),
    ("evidence", _TEXT), ("location_entity_id", _INT), ("location_name", _TEXT),
    ("location_country", _TEXT), ("title", _TEXT), ("url", _TEXT), ("source_uri", _TEXT),
    ("published_at", _TS), ("published_date", _DATE), ("language", _TEXT),
    ("outlet", _TEXT), ("source_id", _INT), ("source", _TEXT), ("duplicate_of", _INT),
    ("ingested_at", _TS), ("pipeline_version", _TEXT),
)

event_clusters_view = _view(
    "event_clusters_view",
    ("cluster_id", _INT), ("event_date", _DATE), ("event_week", _DATE),
    ("event_month", String(7)), ("actor1_code", _TEXT), ("actor1_country", _TEXT),
    ("actor1_country_name", _TEXT), ("actor2_code", _TEXT), ("actor2_country", _TEXT),
    ("actor2_country_name", _TEXT), ("cameo_code", _TEXT), ("cameo_name", _TEXT),
    ("root_code", _TEXT), ("root_name", _TEXT), ("quad_class", Integer()),
    ("quad_class_name", _TEXT), ("goldstein", _FLOAT), ("plover_type", _TEXT),
    ("num_mentions", _INT), ("num_articles", _INT), ("num_sources", _INT),
    ("first_seen_at", _TS), ("first_seen_day", _DATE), ("last_seen_at", _TS),
)

event_dyads_daily = _view(
    "event_dyads_daily",
    ("actor1_country", _TEXT), ("actor2_country", _TEXT), ("day", _DATE), ("week", _DATE),
    ("month", String(7)), ("quad_class", Integer()), ("events", _INT),
    ("mean_goldstein", _FLOAT), ("mentions", _INT),
)

entity_mentions_daily = _view(
    "entity_mentions_daily",
    ("entity_id", _INT), ("entity_name", _TEXT), ("entity_type", _TEXT),
    ("country_code", _TEXT), ("country_name", _TEXT), ("day", _DATE), ("week", _DATE),
    ("month", String(7)), ("mentions", _INT), ("articles", _INT),
    ("original_articles", _INT),
)

_ERROR_STAGES = ("read", "feed", "sitemap", "fetch", "extract", "clean", "entities", "load")

source_health_daily = _view(
    "source_health_daily",
    ("source_id", _INT), ("source", _TEXT), ("day", _DATE), ("week", _DATE),
    ("month", String(7)), ("articles", _INT), ("near_duplicates", _INT),
    ("duplicates", _INT), ("runs", _INT), ("failed_runs", _INT), ("errors", _INT),
    ("errors_open", _INT), *((f"errors_{stage}", _INT) for stage in _ERROR_STAGES),
    ("errors_other", _INT),
)

VIEW_TABLES: dict[str, TableClause] = {view.name: view for view in (
    events_view, event_clusters_view, event_dyads_daily, entity_mentions_daily,
    source_health_daily)}

"""Analyst views: events with names, countries and sources; event clusters with when they
were first seen; deduplicated country-pair counts per day; entity mentions per day; source
health per day.

The same SELECT on SQLite and PostgreSQL, except the three date expressions the two engines
spell differently, which are filled in per dialect below: the UTC calendar day of a stored
timestamp, the Monday of a date's week, and a date's month (``YYYY-MM``). Analysts then group
by ``day``, ``week`` or ``month`` columns and never need ``strftime`` or ``to_char``.

A later migration that changes a column one of these views reads must drop and recreate the
view (PostgreSQL refuses to drop or retype such a column).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ERROR_STAGES = ("read", "feed", "sitemap", "fetch", "extract", "clean", "entities", "load")


def _dates(dialect: str) -> dict[str, str]:
    """Templates for the three date expressions, ``{x}`` standing for the operand."""
    if dialect == "postgresql":
        return {"utc_day": "CAST(({x}) AT TIME ZONE 'UTC' AS DATE)",
                "week": "CAST(date_trunc('week', CAST({x} AS TIMESTAMP)) AS DATE)",
                "month": "to_char({x}, 'YYYY-MM')"}
    # SQLite stores timestamps as naive UTC text ('2024-09-20 08:50:00.000000').
    return {"utc_day": "date({x})",
            "week": "date({x}, 'weekday 0', '-6 days')",
            "month": "strftime('%Y-%m', {x})"}


def view_sql(dialect: str) -> dict[str, str]:
    """The CREATE VIEW statement of each view, in creation order."""
    dates = _dates(dialect)

    def utc_day(x: str) -> str:
        return dates["utc_day"].format(x=x)

    def week(x: str) -> str:
        return dates["week"].format(x=x)

    def month(x: str) -> str:
        return dates["month"].format(x=x)

    events_view = f"""
CREATE VIEW events_view AS
SELECT e.id AS event_id,
       e.cluster_id,
       e.article_id,
       e.sentence_index,
       e.start_char,
       e.end_char,
       e.event_date,
       {week('e.event_date')} AS event_week,
       {month('e.event_date')} AS event_month,
       e.actor1_code,
       e.actor1_entity_id,
       a1.name AS actor1_name,
       a1.type AS actor1_type,
       e.actor1_country,
       c1.name AS actor1_country_name,
       e.actor2_code,
       e.actor2_entity_id,
       a2.name AS actor2_name,
       a2.type AS actor2_type,
       e.actor2_country,
       c2.name AS actor2_country_name,
       e.cameo_code,
       cc.name AS cameo_name,
       cc.base_code,
       e.cameo_root AS root_code,
       rc.name AS root_name,
       e.quad_class,
       qc.name AS quad_class_name,
       e.goldstein,
       e.plover_type,
       e.plover_mode,
       e.negated,
       e.modality,
       e.confidence,
       e.trigger,
       e.evidence,
       e.location_entity_id,
       loc.name AS location_name,
       loc.country_code AS location_country,
       a.title,
       a.url,
       a.source_uri,
       a.published_at,
       a.published_date,
       a.language,
       COALESCE(a.site_name, a.source_name) AS outlet,
       a.source_id,
       s.name AS source,
       a.duplicate_of,
       a.ingested_at,
       e.pipeline_version
FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN entities a1 ON a1.id = e.actor1_entity_id
LEFT JOIN entities a2 ON a2.id = e.actor2_entity_id
LEFT JOIN entities loc ON loc.id = e.location_entity_id
LEFT JOIN countries c1 ON c1.alpha3 = e.actor1_country
LEFT JOIN countries c2 ON c2.alpha3 = e.actor2_country
LEFT JOIN cameo_codes cc ON cc.code = e.cameo_code
LEFT JOIN cameo_codes rc ON rc.code = e.cameo_root
LEFT JOIN quad_classes qc ON qc.code = e.quad_class
LEFT JOIN sources s ON s.id = a.source_id
"""

    # GDELT's Events table as SQL: one row per cluster with when it was first and last seen.
    event_clusters_view = f"""
CREATE VIEW event_clusters_view AS
SELECT c.id AS cluster_id,
       c.event_date,
       {week('c.event_date')} AS event_week,
       {month('c.event_date')} AS event_month,
       c.actor1_code,
       f.actor1_country,
       c1.name AS actor1_country_name,
       NULLIF(c.actor2_code, '') AS actor2_code,
       f.actor2_country,
       c2.name AS actor2_country_name,
       c.cameo_code,
       cc.name AS cameo_name,
       cc.root_code,
       rc.name AS root_name,
       cc.quad_class,
       qc.name AS quad_class_name,
       cc.goldstein,
       cc.plover_type,
       c.num_mentions,
       c.num_articles,
       c.num_sources,
       f.first_seen_at,
       {utc_day('f.first_seen_at')} AS first_seen_day,
       f.last_seen_at
FROM event_clusters c
JOIN (SELECT e.cluster_id,
             MIN(e.actor1_country) AS actor1_country,
             MIN(e.actor2_country) AS actor2_country,
             MIN(a.ingested_at) AS first_seen_at,
             MAX(a.ingested_at) AS last_seen_at
      FROM events e
      JOIN articles a ON a.id = e.article_id
      WHERE e.cluster_id IS NOT NULL
      GROUP BY e.cluster_id) f ON f.cluster_id = c.id
LEFT JOIN countries c1 ON c1.alpha3 = f.actor1_country
LEFT JOIN countries c2 ON c2.alpha3 = f.actor2_country
LEFT JOIN cameo_codes cc ON cc.code = c.cameo_code
LEFT JOIN cameo_codes rc ON rc.code = cc.root_code
LEFT JOIN quad_classes qc ON qc.code = cc.quad_class
"""

    # One row per cluster first (a cluster is one real-world event however many articles,
    # near-duplicate copies included, report it), then the clusters per country pair and day.
    event_dyads_daily = f"""
CREATE VIEW event_dyads_daily AS
SELECT d.actor1_country,
       d.actor2_country,
       d.day,
       {week('d.day')} AS week,
       {month('d.day')} AS month,
       d.quad_class,
       COUNT(*) AS events,
       AVG(d.goldstein) AS mean_goldstein,
       SUM(d.num_mentions) AS mentions
FROM (SELECT c.id,
             c.event_date AS day,
             cc.quad_class,
             cc.goldstein,
             c.num_mentions,
             MIN(e.actor1_country) AS actor1_country,
             MIN(e.actor2_country) AS actor2_country
      FROM event_clusters c
      JOIN cameo_codes cc ON cc.code = c.cameo_code
      JOIN events e ON e.cluster_id = c.id
      WHERE NOT e.negated AND e.modality = 'asserted'
      GROUP BY c.id, c.event_date, cc.quad_class, cc.goldstein, c.num_mentions) d
GROUP BY d.actor1_country, d.actor2_country, d.day, d.quad_class
"""

    entity_mentions_daily = f"""
CREATE VIEW entity_mentions_daily AS
SELECT x.entity_id,
       en.name AS entity_name,
       en.type AS entity_type,
       en.country_code,
       co.name AS country_name,
       x.day,
       {week('x.day')} AS week,
       {month('x.day')} AS month,
       COUNT(*) AS mentions,
       COUNT(DISTINCT x.article_id) AS articles,
       COUNT(DISTINCT CASE WHEN x.duplicate_of IS NULL THEN x.article_id END)
           AS original_articles
FROM (SELECT m.entity_id,
             m.article_id,
             a.duplicate_of,
             COALESCE(a.published_date, {utc_day('a.ingested_at')}) AS day
      FROM mentions m
      JOIN articles a ON a.id = m.article_id) x
JOIN entities en ON en.id = x.entity_id
LEFT JOIN countries co ON co.alpha3 = en.country_code
GROUP BY x.entity_id, en.name, en.type, en.country_code, co.name, x.day
"""

    stage_zeros = ", ".join(f"0 AS errors_{stage}" for stage in ERROR_STAGES)
    stage_flags = ", ".join(f"CASE WHEN stage = '{stage}' THEN 1 ELSE 0 END AS errors_{stage}"
                            for stage in ERROR_STAGES)
    stage_sums = ",\n       ".join(f"SUM(h.errors_{stage}) AS errors_{stage}"
                                   for stage in ERROR_STAGES)
    known = ", ".join(f"'{stage}'" for stage in ERROR_STAGES)
    source_health_daily = f"""
CREATE VIEW source_health_daily AS
SELECT h.source_id,
       s.name AS source,
       h.day,
       {week('h.day')} AS week,
       {month('h.day')} AS month,
       SUM(h.articles) AS articles,
       SUM(h.near_duplicates) AS near_duplicates,
       SUM(h.duplicates) AS duplicates,
       SUM(h.runs) AS runs,
       SUM(h.failed_runs) AS failed_runs,
       SUM(h.errors) AS errors,
       SUM(h.errors_open) AS errors_open,
       {stage_sums},
       SUM(h.errors_other) AS errors_other
FROM (SELECT source_id, {utc_day('ingested_at')} AS day,
             1 AS articles,
             CASE WHEN duplicate_of IS NULL THEN 0 ELSE 1 END AS near_duplicates,
             0 AS duplicates, 0 AS runs, 0 AS failed_runs, 0 AS errors, 0 AS errors_open,
             {stage_zeros}, 0 AS errors_other
      FROM articles
      UNION ALL
      SELECT source_id, {utc_day('started_at')} AS day,
             0, 0, duplicate_count, 1, CASE WHEN status = 'failed' THEN 1 ELSE 0 END, 0, 0,
             {stage_zeros}, 0
      FROM pipeline_runs
      UNION ALL
      SELECT source_id, {utc_day('created_at')} AS day,
             0, 0, 0, 0, 0, 1, CASE WHEN status = 'open' THEN 1 ELSE 0 END,
             {stage_flags},
             CASE WHEN stage IN ({known}) THEN 0 ELSE 1 END
      FROM ingest_errors) h
LEFT JOIN sources s ON s.id = h.source_id
GROUP BY h.source_id, s.name, h.day
"""
    return {"events_view": events_view, "event_clusters_view": event_clusters_view,
            "event_dyads_daily": event_dyads_daily,
            "entity_mentions_daily": entity_mentions_daily,
            "source_health_daily": source_health_daily}


def upgrade() -> None:
    for statement in view_sql(op.get_bind().dialect.name).values():
        op.execute(statement)


def downgrade() -> None:
    for name in reversed(list(view_sql(op.get_bind().dialect.name))):
        op.execute(f"DROP VIEW {name}")

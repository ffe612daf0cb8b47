"""The analyst views on SQLite and PostgreSQL: the columns pipeline/analyst/views.py states,
and the same rows as the hand-written joins they save analysts from writing."""

import shutil
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import inspect, select, text

from pipeline.analyst.catalog import VIEWS
from pipeline.analyst.views import VIEW_TABLES
from pipeline.db.migrate import MIGRATIONS_DIR, head_revision, upgrade
from tests.conftest import CASES


def _rows(engine, sql):
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def _same(engine, view_sql, hand_sql):
    view, hand = _rows(engine, view_sql), _rows(engine, hand_sql)
    assert view, "the seeds should give rows"
    assert Counter(view) == Counter(hand)
    return view


def test_the_views_have_the_columns_the_code_reads(seeds_db):
    inspector = inspect(seeds_db.engine)
    assert set(inspector.get_view_names()) == set(VIEWS) == set(VIEW_TABLES)
    for name, view in VIEW_TABLES.items():
        assert [c["name"] for c in inspector.get_columns(name)] == [c.name for c in view.c]


def test_typed_view_columns_read_as_dates_booleans_and_aware_datetimes(seeds_db):
    view = VIEW_TABLES["events_view"]
    with seeds_db.engine.connect() as connection:
        row = connection.execute(select(view).where(view.c.event_date.is_not(None))
                                 .order_by(view.c.event_id).limit(1)).one()
    assert isinstance(row.event_date, date) and isinstance(row.event_week, date)
    assert isinstance(row.negated, bool)
    assert row.ingested_at.utcoffset() == timedelta(0)


def test_events_view_is_the_five_table_join(seeds_db):
    _same(seeds_db.engine, """
        SELECT event_id, actor1_name, actor1_country, actor1_country_name, actor2_name,
               actor2_country, cameo_code, cameo_name, root_name, quad_class_name, goldstein,
               modality, negated, location_name, title, url, published_at, outlet, source
        FROM events_view""", """
        SELECT e.id, a1.name, e.actor1_country, c1.name, a2.name, e.actor2_country,
               e.cameo_code, cc.name, rc.name, q.name, e.goldstein, e.modality, e.negated,
               loc.name, a.title, a.url, a.published_at, COALESCE(a.site_name, a.source_name),
               s.name
        FROM events e
        JOIN articles a ON a.id = e.article_id
        LEFT JOIN entities a1 ON a1.id = e.actor1_entity_id
        LEFT JOIN entities a2 ON a2.id = e.actor2_entity_id
        LEFT JOIN entities loc ON loc.id = e.location_entity_id
        LEFT JOIN countries c1 ON c1.alpha3 = substr(e.actor1_code, 1, 3)
                               OR c1.cameo_code = substr(e.actor1_code, 1, 3)
        LEFT JOIN cameo_codes cc ON cc.code = e.cameo_code
        LEFT JOIN cameo_codes rc ON rc.code = substr(e.cameo_code, 1, 2)
        LEFT JOIN quad_classes q ON q.code = e.quad_class
        LEFT JOIN sources s ON s.id = a.source_id""")


def test_event_dyads_daily_counts_each_real_world_event_once(seeds_db):
    view = _same(seeds_db.engine, """
        SELECT actor1_country, actor2_country, day, quad_class, events, mentions
        FROM event_dyads_daily""", """
        SELECT e1.actor1_country, e1.actor2_country, c.event_date, q.quad_class,
               COUNT(DISTINCT c.id), SUM(c.num_mentions)
        FROM event_clusters c
        JOIN cameo_codes q ON q.code = c.cameo_code
        JOIN (SELECT DISTINCT cluster_id, actor1_country, actor2_country FROM events
              WHERE cluster_id IS NOT NULL AND NOT negated AND modality = 'asserted') e1
          ON e1.cluster_id = c.id
        GROUP BY e1.actor1_country, e1.actor2_country, c.event_date, q.quad_class""")
    # The near-duplicate copy repeats its original's sentences: more rows, no more events.
    [(rows, clusters)] = _rows(seeds_db.engine, """
        SELECT COUNT(*), COUNT(DISTINCT e.cluster_id) FROM events e
        JOIN articles a ON a.id = e.article_id
        WHERE e.cluster_id IS NOT NULL AND (a.duplicate_of IS NOT NULL OR a.id IN
              (SELECT duplicate_of FROM articles WHERE duplicate_of IS NOT NULL))""")
    assert rows > clusters > 0
    assert sum(row[4] for row in view) == _rows(
        seeds_db.engine, "SELECT COUNT(*) FROM event_clusters")[0][0]


def test_event_dyads_daily_weeks_and_months(seeds_db):
    for day, week, month in _rows(seeds_db.engine,
                                  "SELECT day, week, month FROM event_dyads_daily"):
        day, week = date.fromisoformat(str(day)), date.fromisoformat(str(week))
        assert week.weekday() == 0 and week <= day < week + timedelta(days=7)
        assert month == f"{day:%Y-%m}"


def test_event_clusters_view_is_the_cluster_with_its_first_and_last_report(seeds_db):
    _same(seeds_db.engine, """
        SELECT cluster_id, cameo_name, quad_class, num_articles, first_seen_at, last_seen_at,
               actor1_country, actor2_code
        FROM event_clusters_view""", """
        SELECT c.id, cc.name, cc.quad_class, c.num_articles, MIN(a.ingested_at),
               MAX(a.ingested_at), MIN(e.actor1_country), NULLIF(c.actor2_code, '')
        FROM event_clusters c
        JOIN events e ON e.cluster_id = c.id
        JOIN articles a ON a.id = e.article_id
        JOIN cameo_codes cc ON cc.code = c.cameo_code
        GROUP BY c.id, cc.name, cc.quad_class, c.num_articles, c.actor2_code""")


def test_entity_mentions_daily_is_mentions_per_entity_and_publication_day(seeds_db):
    view = _same(seeds_db.engine, """
        SELECT entity_id, entity_name, day, mentions, articles, original_articles
        FROM entity_mentions_daily""", """
        SELECT m.entity_id, e.name, a.published_date, COUNT(*), COUNT(DISTINCT a.id),
               COUNT(DISTINCT CASE WHEN a.duplicate_of IS NULL THEN a.id END)
        FROM mentions m
        JOIN entities e ON e.id = m.entity_id
        JOIN articles a ON a.id = m.article_id
        GROUP BY m.entity_id, e.name, a.published_date""")
    assert any(articles > original for *_, articles, original in view), "the copy counts"


def test_source_health_daily_counts_articles_errors_and_copies_per_source(seeds_db):
    rows = _rows(seeds_db.engine, """
        SELECT source, articles, near_duplicates, runs, errors, errors_open, errors_fetch,
               errors_clean, errors_read
        FROM source_health_daily ORDER BY source""")
    hand = _rows(seeds_db.engine, """
        SELECT s.name, COUNT(*), COUNT(a.duplicate_of)
        FROM articles a LEFT JOIN sources s ON s.id = a.source_id
        GROUP BY s.name ORDER BY s.name""")
    assert [(row[0], row[1], row[2]) for row in rows] == hand
    by_source = {row[0]: row for row in rows}
    assert by_source["wire"][3:] == (1, 2, 2, 1, 1, 0)
    assert by_source[None][3:] == (1, 0, 0, 0, 0, 0)


def test_a_migration_that_rebuilds_events_keeps_the_views_working(engine, tmp_path):
    upgrade(engine)
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations)
    template = (CASES / "migrations" / "test_only_rebuild_events.py.tmpl").read_text()
    (migrations / "versions" / "9998_test_only.py").write_text(
        template.replace("{head}", head_revision(engine)))
    upgrade(engine, migrations_dir=migrations)
    assert _rows(engine, "SELECT COUNT(*) FROM events_view") == [(0,)]
    assert {c["name"] for c in inspect(engine).get_check_constraints("events")} >= {
        "ck_events_confidence_range"}

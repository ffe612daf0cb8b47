import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from pipeline.analyst.catalog import VIEWS
from pipeline.db.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    upgrade,
)
from pipeline.db.schema import Base
from pipeline.errors import RunError, SchemaOutOfDateError
from tests.conftest import CASES

CONTRACT = {
    "articles": {"id", "source_uri", "url", "title", "author", "site_name", "published_at",
                 "language", "text", "content_hash", "word_count", "image", "ingested_at",
                 "pipeline_version"},
    "entities": {"id", "name", "type", "country_code"},
    "entity_aliases": {"entity_id", "alias"},
    "mentions": {"id", "article_id", "entity_id", "text", "label", "start_char", "end_char",
                 "sentence_index"},
    "pipeline_runs": {"id", "status", "started_at", "finished_at", "parameters", "read_count",
                      "new_count", "duplicate_count", "failed_count"},
    "ingest_errors": {"id", "run_id", "source_uri", "stage", "error_type", "message",
                      "created_at"},
}


def test_upgrade_downgrade_upgrade(engine):
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(CONTRACT) <= set(inspect(engine).get_table_names())


def test_models_match_migrations(engine):
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    # The analyst views are not models: reflection lists tables only, so the comparison above
    # skips them by design; tests/analyst/test_views.py checks their columns instead.
    assert set(VIEWS) <= set(inspect(engine).get_view_names())


def test_contract_columns_exist(engine):
    upgrade(engine)
    inspector = inspect(engine)
    for table, columns in CONTRACT.items():
        assert columns <= {c["name"] for c in inspector.get_columns(table)}, table


def test_ensure_schema_creates_on_an_empty_database(engine):
    status = ensure_schema(engine)
    assert status.created and status.current == head_revision(engine)
    assert ensure_schema(engine).created is False


def test_a_database_behind_the_newest_migration_is_refused(engine, tmp_path):
    ensure_schema(engine)
    newer = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, newer)
    template = (CASES / "migrations" / "test_only_extra_table.py.tmpl").read_text()
    head = head_revision(engine)
    (newer / "versions" / "9999_test_only.py").write_text(template.replace("{head}", head))
    with pytest.raises(SchemaOutOfDateError, match="run `newsflow db upgrade` first"):
        ensure_schema(engine, migrations_dir=newer)
    upgrade(engine, migrations_dir=newer)
    assert ensure_schema(engine, migrations_dir=newer).current == "9999"
    with pytest.raises(RunError, match="newer version"):
        ensure_schema(engine)


def test_a_foreign_database_is_not_touched(engine):
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY)"))
    with pytest.raises(RunError, match="no newsflow schema version"):
        ensure_schema(engine)
    assert set(inspect(engine).get_table_names()) == {"customers"}


def _populate(engine):
    from datetime import UTC, datetime

    from pipeline.load import record_failures
    from pipeline.records import ItemFailure
    from pipeline.runs import start_run

    run_id = start_run(engine, flow_name="ingest", parameters={}, pipeline_version="1")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO articles (source_uri, text, content_hash, word_count, source_format, "
            "ingested_at, pipeline_version, run_id) VALUES ('file:///a.txt', 'Wang met Kim.', "
            "'h', 3, 'txt', :now, '1', :run)"), {"now": datetime.now(UTC), "run": run_id})
        connection.execute(text(
            "INSERT INTO event_clusters (actor1_code, actor2_code, cameo_code, event_date, "
            "num_mentions, num_articles, num_sources) VALUES ('CHN', 'PRK', '040', "
            "'2024-09-20', 1, 1, 1)"))
    record_failures(engine, [ItemFailure("file:///b.txt", "read", "EmptyInput", "empty")],
                    run_id=run_id)


def test_stepping_back_a_populated_database_keeps_its_rows_and_refuses_to_drop_rows(engine):
    """Failure 13: on a populated SQLite database the step back failed with FOREIGN KEY
    constraint failed [DROP TABLE pipeline_runs]; and a step that drops tables holding rows
    now names them and changes nothing unless forced."""
    upgrade(engine)
    _populate(engine)
    for _ in range(10):  # step back one migration at a time, as the README shows
        if current_revision(engine) == "0003":
            break
        downgrade(engine, "-1")
    assert current_revision(engine) == "0003"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar_one() == 1
        assert connection.execute(text("SELECT count(*) FROM ingest_errors")).scalar_one() == 1
    with pytest.raises(RunError, match=r"event_clusters \(1 row\)"):
        downgrade(engine, "-1")
    assert current_revision(engine) == "0003"
    assert "event_clusters" in inspect(engine).get_table_names()
    downgrade(engine, "-1", force=True)
    assert current_revision(engine) == "0002"
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar_one() == 1

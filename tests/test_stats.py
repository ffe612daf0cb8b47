"""Reports over the output tables: open errors, recent runs with their source."""

from datetime import UTC, datetime

from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.load import item_key
from pipeline.registry import add_source
from pipeline.runs import finish_run, start_run
from pipeline.stats import open_errors, recent_runs


def test_errors_report_lists_open_items_unless_asked_for_all(engine):
    ensure_schema(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(schema.IngestError.__table__.insert(), [
            {"source_uri": f"file:///a{i}.txt", "item_key": item_key(f"file:///a{i}.txt"),
             "stage": "clean", "error_type": "EmptyText", "message": "empty",
             "created_at": now, "status": status, "attempts": 1}
            for i, status in enumerate(["open", "resolved", "open"])])
    counts, latest = open_errors(engine)
    assert counts == [("clean", "EmptyText", 2)]
    assert {row["source_uri"] for row in latest} == {"file:///a0.txt", "file:///a2.txt"}
    assert open_errors(engine, include_resolved=True)[0] == [("clean", "EmptyText", 3)]


def test_runs_report_names_the_source_and_counts_events(engine):
    ensure_schema(engine)
    source = add_source(engine, "wire", "feed", "https://example.com/rss.xml")
    run_id = start_run(engine, flow_name="ingest-source", parameters={},
                       pipeline_version="v", source_id=source.id)
    finish_run(engine, run_id, status="completed", counts={"event_count": 7})
    start_run(engine, flow_name="ingest", parameters={}, pipeline_version="v")
    rows = recent_runs(engine)
    assert [(r["flow_name"], r["source_name"], r["event_count"]) for r in rows] == [
        ("ingest", None, 0), ("ingest-source", "wire", 7)]

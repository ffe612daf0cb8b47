"""Retry bookkeeping on real databases: which items an error row names, and how an attempt's
outcome settles the open rows (never a second open row for an item)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.load import record_attempts, record_failures
from pipeline.records import ItemFailure
from pipeline.retry import classify, loaded_already, open_items, outcomes
from pipeline.runs import start_run


@pytest.mark.parametrize(("uri", "stage", "flow", "params", "kind"), [
    ("file:///in/a.txt", "read", "ingest", {"paths": ["/in"]}, "file"),
    ("file:///in/a.jsonl#line=3", "read", "ingest", {"paths": ["/in"]}, "line"),
    ("https://x.example/feed.xml", "fetch", "ingest", {"feeds": ["https://x.example/feed.xml"]},
     "feed"),
    ("https://x.example/sitemap.xml", "sitemap", "ingest", {}, "sitemap"),
    ("https://x.example/story", "fetch", "ingest", {"urls": ["https://x.example/story"]}, "page"),
    ("https://x.example/story", "extract", "ingest", {"paths": ["/in/cc.warc.gz"]}, "archived"),
    ("https://x.example/story", "fetch", None, None, "page"),
    ("file:///in/a.txt", "load", "reprocess", {}, "reprocess"),
    ("ftp://x.example/a", "read", "ingest", {"urls": ["ftp://x.example/a"]}, "unknown"),
])
def test_classify(uri, stage, flow, params, kind):
    assert classify(uri, stage, flow, params)[0] == kind


def test_outcomes():
    bad = ItemFailure("file:///b.txt", "read", "EmptyInput", "file is empty")
    result = outcomes(required=["file:///l.jsonl#line=2", "file:///l.jsonl#line=9"],
                      optimistic=["file:///b.txt", "file:///w.warc"],
                      succeeded=["file:///l.jsonl#line=2"], failures=[bad])
    assert result["file:///b.txt"] is bad
    assert result["file:///w.warc"] is None and result["file:///l.jsonl#line=2"] is None
    assert result["file:///l.jsonl#line=9"].error_type == "NotFound"


def test_attempts_update_open_rows_and_resolve_them(engine):
    ensure_schema(engine)
    run = start_run(engine, flow_name="ingest", parameters={"paths": ["/in"]},
                    pipeline_version="1")
    record_failures(engine, [ItemFailure("file:///in/a.txt", "read", "EmptyInput", "empty"),
                             ItemFailure("file:///in/a.txt", "read", "EmptyInput", "empty"),
                             ItemFailure("file:///in/b.txt", "clean", "EmptyText", "none")],
                    run_id=run)
    items = open_items(engine)
    assert [(i.source_uri, i.kind) for i in items] == [("file:///in/a.txt", "file"),
                                                       ("file:///in/b.txt", "file")]
    assert [i.source_uri for i in open_items(engine, stage="clean")] == ["file:///in/b.txt"]

    retry = start_run(engine, flow_name="retry-failed", parameters={}, pipeline_version="1")
    settled = record_attempts(engine, {
        "file:///in/a.txt": ItemFailure("file:///in/a.txt", "read", "BinaryInput", "binary"),
        "file:///in/b.txt": None,
        "file:///in/c.txt": ItemFailure("file:///in/c.txt", "read", "EmptyInput", "empty"),
        "file:///in/d.txt": None}, run_id=retry)

    assert (settled.still_failing, settled.resolved, settled.new_failures) == (
        {"file:///in/a.txt"}, {"file:///in/b.txt"}, {"file:///in/c.txt"})
    table = schema.IngestError
    with engine.connect() as connection:
        found = connection.execute(select(
            table.source_uri, table.status, table.attempts, table.error_type, table.run_id,
            table.resolved_at.is_not(None), table.last_attempt_at.is_not(None))
            .order_by(table.id)).all()
    # One open row per item (the item named twice in one call has one row); another attempt
    # updates it, with the latest reason and the run that made the attempt.
    assert found == [("file:///in/a.txt", "open", 2, "BinaryInput", retry, False, True),
                     ("file:///in/b.txt", "resolved", 2, "EmptyText", run, True, True),
                     ("file:///in/c.txt", "open", 1, "EmptyInput", retry, False, True)]


def test_loaded_already_by_source_uri_or_url(engine):
    from pipeline.retry import RetryItem

    ensure_schema(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        article = connection.execute(schema.Article.__table__.insert().values(
            source_uri="https://x.example/a?utm_source=feed", url="https://x.example/a",
            text="t", content_hash="h", word_count=1, source_format="web", ingested_at=now,
            pipeline_version="1").returning(schema.Article.id)).scalar_one()
        connection.execute(schema.ArticleUrl.__table__.insert().values(
            article_id=article, url="https://x.example/b", seen_at=now))
    items = [RetryItem("https://x.example/a?utm_source=feed", "page", "fetch"),
             RetryItem("https://X.example/b#top", "page", "fetch"),
             RetryItem("https://x.example/c", "page", "fetch"),
             RetryItem("file:///in/a.txt", "file", "read")]
    assert loaded_already(engine, items) == {"https://x.example/a?utm_source=feed",
                                             "https://X.example/b#top"}

"""Named sources: adding, validating, listing, removing, and what the ingest flow gets."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.errors import RunError
from pipeline.registry import (
    UnknownSourceError,
    add_source,
    get_source,
    inputs_for,
    list_sources,
    parse_schedule,
    remove_source,
)
from tests.conftest import SEEDS


@pytest.fixture
def db(engine):
    ensure_schema(engine)
    return engine


def test_defaults_by_kind_and_listing_in_name_order(db, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text("# comment\nhttps://example.com/a\n\nhttps://example.com/b\n")
    add_source(db, "wire", "feed", "https://example.com/rss.xml")
    add_source(db, "maps", "sitemap", "https://example.com/sitemap.xml")
    add_source(db, "local", "path", str(SEEDS))
    add_source(db, "list", "urls", str(urls), schedule="6h")
    assert [(s.name, s.kind, s.schedule) for s in list_sources(db)] == [
        ("list", "urls", "6h"), ("local", "path", None), ("maps", "sitemap", "1d"),
        ("wire", "feed", "15m")]
    assert inputs_for(get_source(db, "list")).urls == ["https://example.com/a",
                                                       "https://example.com/b"]
    assert inputs_for(get_source(db, "local")).paths == [str(SEEDS.resolve())]
    assert inputs_for(get_source(db, "wire")).feeds == ["https://example.com/rss.xml"]


@pytest.mark.parametrize(("name", "kind", "location", "schedule", "message"), [
    ("Bad Name", "feed", "https://e.com/rss", "default", "invalid source name"),
    ("x", "ftp", "ftp://e.com", "default", "unknown source kind"),
    ("x", "feed", "ftp://e.com/rss", "default", "needs an http"),
    ("x", "path", "/no/such/dir", "default", "does not exist"),
    ("x", "urls", "/no/such/file", "default", "is not a file"),
    ("x", "feed", "https://e.com/rss", "every day", "not a schedule"),
    ("x", "feed", "https://e.com/rss", "61 * * * *", "not a valid cron"),
], ids=["name", "kind", "feed-scheme", "missing-dir", "missing-url-file", "schedule",
        "cron-range"])
def test_bad_sources_are_refused_with_the_reason(db, name, kind, location, schedule, message):
    with pytest.raises(RunError, match=message):
        add_source(db, name, kind, location, schedule=schedule)
    assert list_sources(db) == []


def test_names_are_unique_and_unknown_names_list_the_known(db):
    add_source(db, "wire", "feed", "https://example.com/rss.xml")
    with pytest.raises(RunError, match="exists already"):
        add_source(db, "wire", "sitemap", "https://example.com/sitemap.xml")
    with pytest.raises(UnknownSourceError, match="known: wire"):
        get_source(db, "wires")


def test_removing_a_source_keeps_its_articles_and_drops_its_ledger(db):
    source = add_source(db, "wire", "feed", "https://example.com/rss.xml")
    now = datetime.now(UTC)
    with db.begin() as connection:
        connection.execute(schema.Article.__table__.insert().values(
            source_uri="https://example.com/a", text="t", content_hash="h", word_count=1,
            source_format="web", ingested_at=now, pipeline_version="v", source_id=source.id))
        connection.execute(schema.BackfillWindow.__table__.insert().values(
            source_id=source.id, window_start=now, window_end=now + timedelta(days=1),
            status="done", attempts=1, listed=1, fetched=1, loaded=1, duplicate=0, failed=0))
    remove_source(db, "wire")
    with db.connect() as connection:
        articles = connection.execute(select(schema.Article.source_id)).scalars().all()
        windows = connection.execute(
            select(func.count()).select_from(schema.BackfillWindow)).scalar()
    assert (articles, windows, list_sources(db)) == ([None], 0, [])


@pytest.mark.parametrize(("text", "interval", "cron"), [
    ("15m", timedelta(minutes=15), None), ("0 6 * * *", None, "0 6 * * *"),
    ("*/10 8-18 * * mon-fri", None, "*/10 8-18 * * mon-fri"),
], ids=["interval", "daily-cron", "weekday-cron"])
def test_schedules_parse(text, interval, cron):
    schedule = parse_schedule(text)
    assert (schedule.interval, schedule.cron) == (interval, cron)

"""Named sources under Prefect: the overlap guard, and a backfill that is killed after its
first window and resumes where it stopped without loading anything twice."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from flows.sources import SkippedRun, backfill_flow, source_flow
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.leases import current_lease
from pipeline.registry import add_source
from tests.flows.helpers import cli_env, kill_cli_when, serve_seed_pages
from tests.flows.test_ingest_web import _settings

pytestmark = pytest.mark.usefixtures("prefect_server")

DAYS = {"/world/rafale": "2024-01-01", "/world/tbilisi": "2024-01-02",
        "/world/drills": "2024-01-03"}


def _serve_sitemap(httpserver, stalled: str | None,
                   release: threading.Event) -> threading.Event:
    """A sitemap of the three seed pages, one a day; ``stalled`` answers only once released.
    Returns an event set when the stalled page has been asked for."""
    urlset = "".join(f"<url><loc>{httpserver.url_for(path)}</loc><lastmod>{day}</lastmod></url>"
                     for path, day in DAYS.items())
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urlset}</urlset>", content_type="application/xml")
    return serve_seed_pages(httpserver, stalled, release)


def test_a_run_that_finds_its_predecessor_active_skips(httpserver, sqlite_url, release):
    arrived = _serve_sitemap(httpserver, stalled="/world/tbilisi", release=release)
    settings = _settings(sqlite_url)
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    source = add_source(engine, "wire", "sitemap", httpserver.url_for("/sitemap.xml"))
    results = []
    first = threading.Thread(target=lambda: results.append(source_flow("wire", settings)))
    first.start()
    try:
        assert arrived.wait(120)
        assert current_lease(engine, source.id) is not None

        second = source_flow("wire", settings)
    finally:
        release.set()
        first.join(120)

    assert isinstance(second, SkippedRun)
    assert "another run holds it" in second.reason
    [summary] = results
    assert (summary.listed, summary.new) == (3, 3)
    assert current_lease(engine, source.id) is None
    with engine.connect() as connection:
        runs = connection.execute(select(schema.PipelineRun.flow_name,
                                         schema.PipelineRun.source_id)).all()
    assert runs == [("ingest-source", source.id)]


def test_backfill_killed_after_its_first_window_resumes_without_duplicates(
        httpserver, sqlite_url, release):
    _serve_sitemap(httpserver, stalled="/world/tbilisi", release=release)
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    add_source(engine, "wire", "sitemap", httpserver.url_for("/sitemap.xml"))
    env = cli_env()
    args = ["backfill", "wire", "--start", "2024-01-01", "--end", "2024-01-04", "--window", "1d",
            "--db", sqlite_url]
    table = schema.BackfillWindow.__table__

    def statuses() -> list[str]:
        with engine.connect() as connection:
            return list(connection.execute(select(table.c.status)
                                           .order_by(table.c.window_start)).scalars())
    kill_cli_when(args, env, lambda: statuses()[:2] == ["done", "running"], release)
    assert statuses() == ["done", "running", "pending"]

    report = backfill_flow("wire", datetime(2024, 1, 1, tzinfo=UTC),
                           datetime(2024, 1, 4, tzinfo=UTC), "1d",
                           settings=_settings(sqlite_url))

    assert (report.windows, report.skipped_done, report.done, report.failed) == (3, 1, 2, 0)
    with engine.connect() as connection:
        windows = connection.execute(select(table.c.status, table.c.attempts, table.c.listed,
                                            table.c.loaded).order_by(table.c.window_start)).all()
        urls = connection.execute(select(schema.Article.url)).scalars().all()
        errors = connection.execute(select(func.count()).select_from(schema.IngestError)).scalar()
    assert windows == [("done", 1, 1, 1), ("done", 2, 1, 1), ("done", 1, 1, 1)]
    assert len(urls) == len(set(urls)) == 3
    assert errors == 0
    fetched = [r.path for r, _ in httpserver.log if r.path in DAYS]
    assert fetched.count("/world/rafale") == 1


def test_a_window_whose_listing_failed_is_retried_by_the_same_command(httpserver, sqlite_url):
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    add_source(engine, "wire", "sitemap", httpserver.url_for("/sitemap.xml"))
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_oneshot_request("/sitemap.xml").respond_with_data("down", status=404)
    settings = _settings(sqlite_url)
    span = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))

    first = backfill_flow("wire", *span, "1d", settings=settings)
    _serve_sitemap(httpserver, stalled=None, release=threading.Event())
    second = backfill_flow("wire", *span, "1d", settings=settings)

    assert (first.done, first.failed) == (0, 1)
    assert (second.skipped_done, second.done, second.failed) == (0, 1, 0)
    with engine.connect() as connection:
        row = connection.execute(select(schema.BackfillWindow.status,
                                        schema.BackfillWindow.attempts,
                                        schema.BackfillWindow.loaded)).one()
    assert tuple(row) == ("done", 2, 1)

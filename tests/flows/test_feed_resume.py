"""A feed ingest killed in the middle: the entries loaded before the kill are not fetched again,
the one in flight is fetched again, and nothing is loaded twice. The per-source state commits
with the articles it covers, so a crash can lose only work that left no rows."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from flows.ingest import ingest_flow
from pipeline.db import schema
from pipeline.db.engine import make_engine
from tests.flows.helpers import cli_env, kill_cli_when, serve_seed_pages
from tests.flows.test_ingest_web import PAGES, _settings

pytestmark = pytest.mark.usefixtures("prefect_server")

STALLED = "/world/drills"


def _serve_feed(httpserver, release: threading.Event) -> threading.Event:
    """A feed of the three seed pages; the last answers only once released."""
    items = "".join(
        f"<item><title>Story {i}</title><link>{httpserver.url_for(path)}</link>"
        f"<guid>{path}</guid><pubDate>Mon, 0{i} Jan 2024 10:00:00 GMT</pubDate></item>"
        for i, path in enumerate(PAGES, start=1))
    httpserver.expect_request("/feed.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}'
        "</channel></rss>", content_type="application/rss+xml")
    return serve_seed_pages(httpserver, STALLED, release)


def test_a_killed_feed_run_resumes_without_refetching_or_duplicating(
        httpserver, sqlite_url, release):
    arrived = _serve_feed(httpserver, release)
    engine = make_engine(sqlite_url)
    # One page per batch: each page is loaded before the next is fetched.
    env = cli_env(NEWSFLOW_BATCH_SIZE="1")
    feed = httpserver.url_for("/feed.xml")

    def articles() -> int:
        try:
            with engine.connect() as connection:
                return connection.execute(
                    select(func.count()).select_from(schema.Article)).scalar_one()
        except OperationalError:  # the run has not created the schema yet
            return 0
    kill_cli_when(["ingest", "--feed", feed, "--db", sqlite_url, "--no-progress"], env,
                  lambda: arrived.is_set() and articles() == 2, release)
    assert articles() == 2

    summary = ingest_flow(feeds=[feed], settings=_settings(sqlite_url))

    assert (summary.listed, summary.unchanged, summary.new) == (3, 2, 1)
    with engine.connect() as connection:
        urls = connection.execute(select(schema.Article.url)).scalars().all()
        errors = connection.execute(select(func.count()).select_from(schema.IngestError)).scalar()
    assert len(urls) == len(set(urls)) == 3
    assert errors == 0
    # The killed run's row no longer says running: the next run found its process gone.
    with engine.connect() as connection:
        killed = connection.execute(select(
            schema.PipelineRun.status, schema.PipelineRun.new_count, schema.PipelineRun.message)
            .where(schema.PipelineRun.id < summary.run_id)).one()
    assert killed.status == "abandoned" and killed.new_count == 2
    assert f"found by run {summary.run_id}" in killed.message
    fetched = [r.path for r, _ in httpserver.log if r.path in PAGES]
    assert {path: fetched.count(path) for path in PAGES} == {
        "/world/rafale": 1, "/world/tbilisi": 1, STALLED: 2}

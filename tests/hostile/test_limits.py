"""Failures 4-6: limits that hold. What one input holds never decides memory or run time:
article text, every layer of compression, and the items one listing or one run may queue
(memory itself is measured by ``bench/hostile.py``, not here)."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime

import pytest
from werkzeug import Request, Response

from flows.ingest import ingest_flow
from flows.sources import backfill_flow
from pipeline.db.migrate import ensure_schema
from pipeline.registry import add_source
from tests.hostile.conftest import hostile_settings, loaded_uris, open_errors, run_status
from tests.hostile.inputs import body, gzip_bomb, html_page, jsonl_line, rss, sitemap, write_warc

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_an_article_over_the_text_limit_is_quarantined_and_the_rest_loads(tmp_path,
                                                                        sqlite_url, analyzer,
                                                                        sqlite_db):
    """Failure 4: 2 MB of text held its batch for 122 s at 6.5 GB and stored 160,000
    mentions; 20 MB took 22 minutes and 12.3 GB, and nothing of the batch was written."""
    lines = [jsonl_line(url="https://wire.example/1", text=body(1)),
             jsonl_line(url="https://wire.example/2", text=body(2) * 20),
             jsonl_line(url="https://wire.example/3", text=body(3))]
    (tmp_path / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = hostile_settings(sqlite_url, max_text_chars=20_000)
    summary = ingest_flow([str(tmp_path)], settings=settings, analyzer=analyzer)
    assert run_status(sqlite_db, summary.run_id) == "completed"
    uri = (tmp_path / "wire.jsonl").resolve().as_uri()
    assert loaded_uris(sqlite_db) == {f"{uri}#line=1", f"{uri}#line=3"}
    [(failed, (stage, kind, _n))] = open_errors(sqlite_db).items()
    assert (failed, stage, kind) == (f"{uri}#line=2", "read", "TextTooLong")


def test_a_body_that_is_a_gzip_file_is_inflated_within_the_limit_at_every_layer(
        tmp_path, sqlite_url, analyzer, sqlite_db, httpserver):
    """Failure 5: a page or WARC payload that was itself a gzip file was inflated whole, past
    max_decompressed_bytes: 310 KB became 300 MB, at a peak of 1.6 GB."""
    bomb = gzip_bomb(40_000_000)
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/bomb").respond_with_data(bomb, content_type="text/html")
    httpserver.expect_request("/encoded-bomb").respond_with_data(
        gzip.compress(bomb), content_type="text/html", headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/zipped-page").respond_with_data(
        gzip.compress(html_page(body(6)).encode()), content_type="text/html")
    archive = write_warc(tmp_path / "crawl.warc.gz", [
        ("https://archive.example/bomb", bomb),
        ("https://archive.example/page", html_page(body(7)).encode())])
    settings = hostile_settings(sqlite_url, fetch={"max_decompressed_bytes": 5_000_000})
    summary = ingest_flow([str(archive)], urls=[httpserver.url_for(p) for p in (
        "/bomb", "/encoded-bomb", "/zipped-page")], settings=settings, analyzer=analyzer)
    assert run_status(sqlite_db, summary.run_id) == "completed"
    assert loaded_uris(sqlite_db) == {"https://archive.example/page",
                               httpserver.url_for("/zipped-page")}
    assert {uri: (stage, kind) for uri, (stage, kind, _n) in open_errors(sqlite_db).items()} == {
        "https://archive.example/bomb": ("extract", "DecompressionLimit"),
        httpserver.url_for("/bomb"): ("extract", "DecompressionLimit"),
        httpserver.url_for("/encoded-bomb"): ("extract", "DecompressionLimit")}


def _serve_numbered_pages(httpserver) -> list[str]:
    fetched: list[str] = []

    def page(request: Request) -> Response:
        fetched.append(request.path)
        number = int(request.path.rsplit("/", 1)[1])
        return Response(html_page(body(100 + number), f"Page {number}"),
                        content_type="text/html")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request(re.compile(r"/p/\d+")).respond_with_handler(page)
    return fetched


def test_listings_are_capped_and_the_rest_waits_for_the_next_run(sqlite_url, analyzer, sqlite_db,
                                                                 httpserver):
    """Failure 6: one 0.5 MB gzipped sitemap of 200,000 URLs queued 200,000 fetches (2.3 days
    at 1 s per host); nothing capped items per sitemap, per feed or per run."""
    fetched = _serve_numbered_pages(httpserver)
    httpserver.expect_request("/sitemap.xml.gz").respond_with_data(
        gzip.compress(sitemap(httpserver.url_for(f"/p/{n}") for n in range(2_000))),
        content_type="application/gzip")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(httpserver.url_for(f"/p/{n}") for n in range(30_000, 30_010)),
        content_type="application/rss+xml")
    settings = hostile_settings(sqlite_url, max_items_per_sitemap=5, max_items_per_feed=3,
                                max_items_per_run=6)
    listings = {"sitemaps": [httpserver.url_for("/sitemap.xml.gz")],
                "feeds": [httpserver.url_for("/feed.xml")]}
    first = ingest_flow(settings=settings, analyzer=analyzer, **listings)
    assert (first.pages, first.new, first.capped) == (6, 6, True)
    assert first.deferred == (2_000 - 5) + (10 - 3) + (8 - 6)
    second = ingest_flow(settings=settings, analyzer=analyzer, **listings)
    assert (second.pages, second.new, second.unchanged) == (6, 6, 6)
    assert len(fetched) == len(set(fetched)) == 12  # what waited was fetched, nothing twice
    assert len(loaded_uris(sqlite_db)) == 12 and open_errors(sqlite_db) == {}


def test_a_backfill_window_whose_listing_was_capped_is_partial_until_done(sqlite_db, sqlite_url,
                                                                         httpserver):
    _serve_numbered_pages(httpserver)
    lastmod = datetime(2024, 10, 2, 12, tzinfo=UTC)
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        sitemap((httpserver.url_for(f"/p/{n}") for n in range(4)), lastmod=lastmod),
        content_type="application/xml")
    ensure_schema(sqlite_db)
    add_source(sqlite_db, "capped", "sitemap", httpserver.url_for("/sitemap.xml"))
    settings = hostile_settings(sqlite_url, max_items_per_sitemap=3)
    start, end = datetime(2024, 10, 2, tzinfo=UTC), datetime(2024, 10, 3, tzinfo=UTC)

    first = backfill_flow("capped", start, end, "1d", settings=settings)
    assert (first.done, first.partial, first.failed) == (0, 1, 0)
    [(_window, status, ledger)] = first.ledgers
    assert (status, ledger.loaded, ledger.deferred) == ("partial", 3, 1)
    second = backfill_flow("capped", start, end, "1d", settings=settings)
    assert (second.done, second.partial, second.skipped_done) == (1, 0, 0)
    third = backfill_flow("capped", start, end, "1d", settings=settings)
    assert (third.skipped_done, len(loaded_uris(sqlite_db))) == (1, 4)

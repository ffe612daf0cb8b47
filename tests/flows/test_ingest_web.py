"""Web sources end to end: a real HTTP server on 127.0.0.1 serves feeds, a sitemap, pages and
robots.txt, some of them misbehaving; the flow loads what it should and quarantines the rest."""

import gzip
import re
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from flows.ingest import ingest_flow
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.fetch.settings import FetchSettings
from pipeline.settings import Settings
from tests.conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_server")

PAGES = {
    "/world/rafale": "006_india_france_rafale_marine_deal.html",
    "/world/tbilisi": "007_tbilisi_protest_before_election.html",
    "/world/drills": "008_philippines_us_japan_drills.html",
}


def _settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, fetch=FetchSettings(
        allowed_private_hosts=["127.0.0.1", "localhost"], per_host_delay_seconds=0,
        retries=1, backoff_base_seconds=0.01, timeout_seconds=3))


def _page(httpserver: HTTPServer, path: str, seed: str) -> str:
    """A seed page whose canonical link points at the test server."""
    html = (SEEDS / seed).read_text(encoding="utf-8")
    [original] = re.findall(r'<link rel="canonical" href="([^"]+)"', html)
    return html.replace(original, httpserver.url_for("/c" + path))  # og:url, JSON-LD too


def _serve_site(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    for path, seed in PAGES.items():
        httpserver.expect_request(path).respond_with_data(
            _page(httpserver, path, seed), content_type="text/html; charset=utf-8",
            headers={"ETag": f'"{seed}"'})
    # The same wire story as /world/rafale on another path, lightly edited: a near-duplicate.
    copy = _page(httpserver, "/syndicated/rafale", PAGES["/world/rafale"])
    copy = copy.replace("New Delhi", "NEW DELHI")
    httpserver.expect_request("/syndicated/rafale").respond_with_data(
        copy, content_type="text/html")
    httpserver.expect_request("/private/secret").respond_with_data("<p>never fetched</p>")
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)
    httpserver.expect_request("/to-metadata").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    items = "".join(
        f"<item><title>Story {i}</title><link>{httpserver.url_for(path)}</link>"
        f"<guid>{path}</guid><pubDate>Mon, 0{i} Jan 2024 10:00:00 GMT</pubDate></item>"
        for i, path in enumerate([*PAGES, "/syndicated/rafale", "/private/secret", "/gone",
                                  "/to-metadata"], start=1))
    httpserver.expect_request("/feed.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}'
        "</channel></rss>", content_type="application/rss+xml")


def test_feed_end_to_end_with_misbehaving_entries(httpserver, sqlite_url):
    _serve_site(httpserver)
    settings = _settings(sqlite_url)

    summary = ingest_flow(feeds=[httpserver.url_for("/feed.xml")], settings=settings)

    assert (summary.listed, summary.pages, summary.new, summary.near_duplicate) == (7, 7, 4, 1)
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        errors = {uri.rsplit("/", 1)[1]: kind for uri, kind in connection.execute(
            select(schema.IngestError.source_uri, schema.IngestError.error_type)).all()}
        rows = connection.execute(select(schema.Article.url, schema.Article.duplicate_of,
                                         schema.Article.fetched_at,
                                         schema.Article.raw_document_id)).all()
    assert errors == {"secret": "RobotsDisallowed", "gone": "HTTPStatusError",
                      "to-metadata": "BlockedAddress"}
    assert all(fetched is not None and document is not None for _u, _d, fetched, document in rows)
    assert sum(duplicate is not None for _u, duplicate, _f, _d in rows) == 1
    assert not any(log[0].path == "/private/secret" for log in httpserver.log)

    # A second run: every entry was handled at this version, nothing is fetched again.
    requests_before = len(httpserver.log)
    again = ingest_flow(feeds=[httpserver.url_for("/feed.xml")], settings=settings)
    assert (again.listed, again.unchanged, again.new) == (7, 4, 0)
    fetched_again = {r.path for r, _ in httpserver.log[requests_before:]}
    assert not fetched_again & set(PAGES)


def test_sitemap_with_since_and_conditional_get(httpserver, sqlite_url):
    _serve_site(httpserver)
    urlset = "".join(
        f"<url><loc>{httpserver.url_for(path)}</loc><lastmod>{day}</lastmod></url>"
        for path, day in (("/world/rafale", "2024-02-09"), ("/world/tbilisi", "2024-10-03"),
                          ("/world/drills", "2025-04-15")))
    body = gzip.compress(('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                          f'schemas/sitemap/0.9">{urlset}</urlset>').encode())
    httpserver.expect_request("/sitemap.xml.gz").respond_with_data(
        body, content_type="application/x-gzip")
    settings = _settings(sqlite_url)

    first = ingest_flow(sitemaps=[httpserver.url_for("/sitemap.xml.gz")],
                        since=datetime(2024, 6, 1, tzinfo=UTC), settings=settings)
    assert (first.listed, first.new) == (2, 2)

    # The pages change their lastmod; the server answers 304 to the stored ETag.
    httpserver.clear()

    def not_modified(request: Request) -> Response:
        assert request.headers.get("If-None-Match", "").startswith('"00')
        return Response(status=304)

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/world/tbilisi").respond_with_handler(not_modified)
    httpserver.expect_request("/world/drills").respond_with_handler(not_modified)
    newer = urlset.replace("2024-10-03", "2024-10-04").replace("2025-04-15", "2025-04-16")
    httpserver.expect_request("/sitemap.xml.gz").respond_with_data(gzip.compress(
        ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         f"{newer}</urlset>").encode()), content_type="application/x-gzip")
    second = ingest_flow(sitemaps=[httpserver.url_for("/sitemap.xml.gz")],
                         since=datetime(2024, 6, 1, tzinfo=UTC), settings=settings)
    assert (second.pages, second.not_modified, second.new, second.failed) == (2, 2, 0, 0)
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        versions = dict(connection.execute(select(schema.SourceItem.item_key,
                                                  schema.SourceItem.version)).all())
        articles = connection.execute(select(func.count()).select_from(schema.Article)).scalar()
    assert sorted(v[:10] for v in versions.values()) == ["2024-10-04", "2025-04-16"]
    assert articles == 2


def test_unsafe_feed_is_refused_and_other_sources_still_load(httpserver, sqlite_url, tmp_path):
    _serve_site(httpserver)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    httpserver.expect_request("/xxe.xml").respond_with_data(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>&x;</title><item><title>&x;</title>'
        f"<link>{httpserver.url_for('/world/drills')}</link></item></channel></rss>",
        content_type="application/rss+xml")
    summary = ingest_flow(urls=[httpserver.url_for("/world/tbilisi")],
                          feeds=[httpserver.url_for("/xxe.xml")],
                          settings=_settings(sqlite_url))
    assert (summary.new, summary.failed) == (1, 1)
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        error = connection.execute(select(schema.IngestError)).mappings().one()
        texts = " ".join(connection.execute(select(schema.Article.text)).scalars())
    assert (error["stage"], error["error_type"]) == ("feed", "UnsafeXML")
    assert "TOP-SECRET-VALUE" not in texts + error["message"]


def test_misbehaving_servers_end_as_clear_errors_and_lose_nothing(httpserver, sqlite_url):
    import time

    _serve_site(httpserver)
    attempts = {"/flaky-429": 0, "/flaky-503": 0}

    def flaky(status: int, retry_after: str | None, seed: str):
        def handler(request: Request) -> Response:
            attempts[request.path] += 1
            if attempts[request.path] == 1:
                headers = {"Retry-After": retry_after} if retry_after else {}
                return Response("busy", status=status, headers=headers)
            return Response(_page(httpserver, request.path, seed), content_type="text/html")
        return handler

    def slow(_request: Request) -> Response:
        time.sleep(3)
        return Response("<p>too late</p>", content_type="text/html")

    httpserver.expect_request("/flaky-429").respond_with_handler(
        flaky(429, "1", PAGES["/world/drills"]))
    httpserver.expect_request("/flaky-503").respond_with_handler(
        flaky(503, None, PAGES["/world/rafale"]))
    httpserver.expect_request("/slow").respond_with_handler(slow)
    httpserver.expect_request("/huge").respond_with_data(
        "<html><body><article><p>" + "word " * 400_000 + "</p></article></body></html>",
        content_type="text/html")
    httpserver.expect_request("/bomb").respond_with_data(
        gzip.compress(b"<html>" + b" " * 30_000_000 + b"</html>"), content_type="text/html",
        headers={"Content-Encoding": "gzip"})
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
              '<rss version="2.0"><channel><title>&lol3;</title></channel></rss>')
    httpserver.expect_request("/laughs.xml").respond_with_data(
        laughs, content_type="application/rss+xml")
    settings = _settings(sqlite_url)
    settings.fetch.timeout_seconds = 1.5
    settings.fetch.max_body_bytes = 1_000_000
    settings.fetch.max_decompressed_bytes = 5_000_000
    urls = [httpserver.url_for(p) for p in ("/flaky-429", "/flaky-503", "/slow", "/huge",
                                             "/bomb", "/world/tbilisi")]

    summary = ingest_flow(urls=urls, feeds=[httpserver.url_for("/laughs.xml")],
                          settings=settings)

    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        errors = {uri.rsplit("/", 1)[1]: (stage, kind) for uri, stage, kind in connection.execute(
            select(schema.IngestError.source_uri, schema.IngestError.stage,
                   schema.IngestError.error_type)).all()}
        loaded = set(connection.execute(select(schema.Article.source_uri)).scalars())
    assert errors == {"slow": ("fetch", "RequestTimeout"), "huge": ("fetch", "BodyTooLarge"),
                      "bomb": ("fetch", "DecompressionLimit"),
                      "laughs.xml": ("feed", "UnsafeXML")}
    assert {u.rsplit("/", 1)[1] for u in loaded} == {"flaky-429", "flaky-503", "tbilisi"}
    assert attempts == {"/flaky-429": 2, "/flaky-503": 2}
    assert (summary.new, summary.failed) == (3, 4)


def test_sitemap_index_is_followed(httpserver, sqlite_url):
    _serve_site(httpserver)
    namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
    httpserver.expect_request("/index.xml").respond_with_data(
        f'<sitemapindex xmlns="{namespace}"><sitemap><loc>{httpserver.url_for("/part-1.xml")}'
        "</loc></sitemap></sitemapindex>", content_type="application/xml")
    httpserver.expect_request("/part-1.xml").respond_with_data(
        f'<urlset xmlns="{namespace}"><url><loc>{httpserver.url_for("/world/drills")}</loc>'
        "</url></urlset>", content_type="application/xml")
    summary = ingest_flow(sitemaps=[httpserver.url_for("/index.xml")],
                          settings=_settings(sqlite_url))
    assert (summary.listed, summary.new, summary.failed) == (1, 1, 0)


def test_warc_archive_end_to_end(tmp_path, sqlite_url):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    archive = tmp_path / "news.warc.gz"
    with archive.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, seed in (("https://www.globalwire.example/rafale", PAGES["/world/rafale"]),
                          ("https://meridiandaily.example/tbilisi", PAGES["/world/tbilisi"])):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=BytesIO((SEEDS / seed).read_bytes()),
                http_headers=headers, warc_headers_dict={"WARC-Date": "2024-10-05T08:00:00Z"}))
    summary = ingest_flow([str(archive)], settings=_settings(sqlite_url))
    assert (summary.new, summary.failed) == (2, 0)
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        rows = connection.execute(select(schema.Article.source_format, schema.Article.fetched_at,
                                         schema.Article.raw_document_id)).all()
    assert {fmt for fmt, _f, _d in rows} == {"warc"}
    assert all(fetched == datetime(2024, 10, 5, 8, tzinfo=UTC) and document
               for _fmt, fetched, document in rows)

"""Property: whatever hostile value sits in whatever field of whatever input, the run completes,
every good item is loaded, and every item is accounted for: loaded, or one open row in
``ingest_errors`` with a reason. Nothing is lost and nothing stops the others.

Values come from a seeded generator (no new dependency, the same cases on every run): each
item of every reader and source (JSON lines, text and HTML files, gzip files, WARC records,
web pages, feed entries, sitemap URLs) gets hostile values in one or two of its fields, drawn
from lone surrogates, NUL and other control characters, huge strings, malformed URLs and
impossible dates; control items between them carry none. ``NEWSFLOW_HOSTILE_SEEDS`` (comma
separated) runs other seeds.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug import Request, Response

from flows.ingest import ingest_flow
from tests.hostile.conftest import hostile_settings, loaded_uris, open_errors, run_status
from tests.hostile.inputs import BODY_SEEDS, seed_text, write_warc

pytestmark = pytest.mark.usefixtures("prefect_server")

SEEDS = [int(s) for s in os.environ.get("NEWSFLOW_HOSTILE_SEEDS", "20241002").split(",")]

TEXT_VALUES = ["\ud800", "a\udfffb", "\x00", "nul\x00inside", "\x01\x02\x1b[31m\x7f",
               "\u2028\u2029", "\u202eevil", "\ufeff\u200b", " \t\r\n ", "x" * 30_000, "☃" * 5_000,
               "&lt;b&gt;", "<script>alert(1)</script>", "Robert'); DROP TABLE articles;--"]
URL_VALUES = ["http://[::1", "http://a\x00b.example/", "javascript:alert(1)",
              "http://x.example:99999/", "//no-scheme.example/a", "http:///no-host",
              "http://" + "a" * 9_000 + ".example/", "http://ex ample.com/", "ftp://e.org/f",
              "https://e.org/\ud800", "mailto:x@e.org", ""]
DATE_VALUES = ["9999-12-31T23:59:59Z", "0001-01-01", "2024-13-45", "not a date", "",
               "10000-01-01T00:00:00", "2024-02-30", "-2024-01-01", "1e9", "2024-10-02T25:61:00Z"]
XML_TEXT_VALUES = ["x" * 30_000, "\u2028", "\u202eevil", "&lt;b&gt;", "☃" * 2_000, " "]
XML_URL_VALUES = ["http://[::1", "javascript:alert(1)", "http://x.example:99999/", "http:///p",
                  "ftp://e.org/f", "http://" + "a" * 9_000 + ".example/", "not a url"]


def _short_body(n: int) -> str:
    text = seed_text(BODY_SEEDS[n % len(BODY_SEEDS)])
    return f"Item {n} of the property run. " + text[:700]


@dataclass
class Plan:
    """What one seed builds: the inputs, and the item URIs that must load (controls)."""

    paths: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    controls: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)
    """Every item's URI as loading or quarantine names it."""


def _jsonl(plan: Plan, rng: random.Random, root: Path, n0: int) -> int:
    lines = []
    path = root / "wire.jsonl"
    for i in range(14):
        n = n0 + i
        record: dict[str, object] = {
            "url": f"https://wire.example/{n}", "title": f"Title {n}", "text": _short_body(n),
            "published_at": "2024-10-02T10:00:00Z", "source": "Wire", "author": "Ana Lima",
            "language": "en", "image": f"img{n}.png"}
        control = i % 4 == 0
        if not control:
            for name in rng.sample(sorted(record), rng.choice([1, 2])):
                if name == "url":
                    record[name] = rng.choice(URL_VALUES)
                elif name == "published_at":
                    record[name] = rng.choice(DATE_VALUES)
                elif name == "text":
                    record[name] = _short_body(n) + rng.choice(TEXT_VALUES)
                else:
                    record[name] = rng.choice(TEXT_VALUES)
            if rng.random() < 0.2:
                record["html"] = f"<p>{record.pop('text')}</p>{rng.choice(TEXT_VALUES)}"
        lines.append(json.dumps(record, ensure_ascii=True))
        uri = f"{path.resolve().as_uri()}#line={i + 1}"
        plan.items.add(uri)
        if control:
            plan.controls.add(uri)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gz = root / "more.jsonl.gz"
    gz.write_bytes(gzip.compress((json.dumps({"url": f"https://wire.example/gz{n0}",
                                              "text": _short_body(n0 + 50)}) + "\n").encode()))
    plan.items.add(gz.resolve().as_uri() + "#line=1")
    plan.controls.add(gz.resolve().as_uri() + "#line=1")
    plan.paths.append(str(root))
    return n0 + 14


def _files(plan: Plan, rng: random.Random, root: Path, n0: int) -> int:
    for i in range(6):
        n = n0 + i
        title, dateline, text = f"Story {n}", "October, Wednesday 2, 2024", _short_body(n)
        page_title, lang, canonical = f"Page {n}", "en", f"https://site.example/{n}"
        control = i % 3 == 0
        if not control:
            title = rng.choice(TEXT_VALUES).replace("\n", " ")
            text += rng.choice(TEXT_VALUES)
            page_title = rng.choice(XML_TEXT_VALUES)
            lang, canonical = "x" * 44, rng.choice(XML_URL_VALUES)
        txt = root / f"story{n}.txt"
        txt.write_bytes(f"{dateline}\n\n{title}\n\n{text}\n".encode("utf-8", "surrogatepass"))
        html = root / f"page{n}.html"
        html.write_bytes(
            (f'<html lang="{lang}"><head><title>{page_title}</title>'
             f'<link rel="canonical" href="{canonical}"><script type="application/ld+json">'
             '{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}</script></head>'
             f"<body><article><p>{text}</p></article></body></html>"
             ).encode("utf-8", "surrogatepass"))
        for path in (txt, html):
            plan.items.add(path.resolve().as_uri())
            if control:
                plan.controls.add(path.resolve().as_uri())
    return n0 + 6


def _warc(plan: Plan, rng: random.Random, root: Path, n0: int) -> int:
    records = []
    for i in range(6):
        n = n0 + i
        uri = f"https://archive.example/{n}"
        if i % 3:  # what a WARC header can hold: no surrogates; warcio encodes spaces itself
            uri = rng.choice([u for u in URL_VALUES if u.isascii()]) or uri + "/\x00"
            uri = uri.replace(" ", "%20")
        page = f"<html><head><title>{rng.choice(XML_TEXT_VALUES)}</title></head><body>" \
               f"<article><p>{_short_body(n)}</p></article></body></html>"
        records.append((uri, page.encode()))
        if uri.startswith("http"):  # records of other schemes (dns:, ftp:) are not pages
            plan.items.add(uri.replace("\x00", ""))
        if i % 3 == 0:
            plan.controls.add(uri)
    write_warc(root / "crawl.warc.gz", records)
    plan.paths.append(str(root / "crawl.warc.gz"))
    return n0 + 6


def _web(plan: Plan, rng: random.Random, httpserver, n0: int) -> int:
    pages: dict[str, tuple[bytes, str]] = {}
    feed_items, sitemap_urls = [], []
    for i in range(9):
        n = n0 + i
        path = f"/w/{n}"
        charset = "utf-8" if i % 3 == 0 else rng.choice(["utf-16", "utf-8", "koi8-r", "bogus"])
        body = _short_body(n) + ("" if i % 3 == 0 else rng.choice(XML_TEXT_VALUES))
        encoded = (f'<html><head><link rel="canonical" href="{rng.choice(XML_URL_VALUES)}">'
                   f"</head><body><article><p>{body}</p></article></body></html>").encode(
                       "cp1252", "replace")
        pages[path] = (encoded, f"text/html; charset={charset}")
        url = httpserver.url_for(path)
        (plan.urls, feed_items, sitemap_urls)[i % 3].append(url)
        plan.items.add(url)
        if i % 3 == 0:
            plan.controls.add(url)
    for _ in range(3):  # hostile links in the listings themselves
        feed_items.append(rng.choice(XML_URL_VALUES))
        sitemap_urls.append(rng.choice(XML_URL_VALUES))

    def serve(request: Request) -> Response:
        content, content_type = pages[request.path]
        return Response(content, headers={"Content-Type": content_type})

    for path in pages:
        httpserver.expect_request(path).respond_with_handler(serve)
    escape = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

    def xml(value: str) -> str:
        return "".join(escape.get(c, c) for c in value)

    items = "".join(f"<item><title>{xml(rng.choice(XML_TEXT_VALUES))}</title><link>{xml(link)}"
                    f"</link><guid>g{k}</guid><pubDate>{xml(rng.choice(DATE_VALUES))}</pubDate>"
                    "</item>" for k, link in enumerate(feed_items))
    httpserver.expect_request("/feed.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel>'
        "</rss>", content_type="application/rss+xml")
    urls = "".join(f"<url><loc>{xml(u)}</loc><lastmod>{xml(rng.choice(DATE_VALUES))}</lastmod>"
                   "</url>" for u in sitemap_urls)
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>", content_type="application/xml")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    plan.feeds.append(httpserver.url_for("/feed.xml"))
    plan.sitemaps.append(httpserver.url_for("/sitemap.xml"))
    return n0 + 9


@pytest.mark.parametrize("seed", SEEDS)
def test_hostile_values_in_every_field_never_cost_a_good_item(seed, tmp_path, database_url,
                                                              analyzer, db, httpserver):
    rng = random.Random(seed)
    plan = Plan()
    files = tmp_path / "files"
    files.mkdir()
    n = _jsonl(plan, rng, files, 0)
    n = _files(plan, rng, files, n)
    n = _warc(plan, rng, tmp_path, n)
    _web(plan, rng, httpserver, n)

    summary = ingest_flow(plan.paths, urls=plan.urls, feeds=plan.feeds, sitemaps=plan.sitemaps,
                          settings=hostile_settings(database_url), analyzer=analyzer)

    assert run_status(db, summary.run_id) == "completed"
    loaded, failed = loaded_uris(db), open_errors(db)
    assert plan.controls <= loaded, plan.controls - loaded
    assert not loaded & set(failed)
    # Every item of a file, archive or page is loaded or has its one open row; the listings'
    # own bad links have rows too (their URIs are the links as written).
    missing = {uri for uri in plan.items if uri.strip() and uri not in loaded | set(failed)
               and uri.replace("\ud800", "\ufffd") not in loaded | set(failed)}
    assert not missing, missing
    assert summary.failed >= len(failed)  # one row per item, though two listings name it
    for uri, (stage, kind, _n) in failed.items():
        assert kind not in ("NoContent", "UnicodeEncodeError", "DataError", "OverflowError",
                            "ValueError"), (uri, stage, kind)

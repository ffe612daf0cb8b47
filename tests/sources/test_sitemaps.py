import gzip
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.errors import ItemError
from pipeline.sources.sitemaps import (
    SITEMAP_NAMESPACE,
    SitemapEntry,
    entries_since,
    parse_lastmod,
    parse_sitemap,
)
from tests.conftest import CASES

SOURCES = CASES / "sources"
URL = "https://news.example.com/sitemap.xml"

URLSET_ENTRIES = [
    SitemapEntry("https://news.example.com/world/2024/09/20/ministers-moscow",
                 datetime(2024, 9, 20, tzinfo=UTC)),
    SitemapEntry("https://news.example.com/world/2024/09/20/summit-trade",
                 datetime(2024, 9, 20, 12, 30, tzinfo=UTC)),
    SitemapEntry("https://news.example.com/business/markets-open",
                 datetime(2024, 9, 19, 23, 59, 59, 250_000, tzinfo=UTC)),
    SitemapEntry("https://news.example.com/science/comet?utm=1&ref=sitemap",
                 datetime(2024, 9, 18, 8, 0, tzinfo=UTC)),
    SitemapEntry("https://news.example.com/archive/2024-08", datetime(2024, 8, 1, tzinfo=UTC)),
    SitemapEntry("https://news.example.com/about", None),
    SitemapEntry("https://news.example.com/undated-by-typo", None),
]


def _bomb(decompressed_size: int) -> bytes:
    """A gzip of ``decompressed_size`` bytes of whitespace inside a urlset, built in pieces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head, tail = b"<urlset>", b"</urlset>"
    parts = [compressor.compress(head)]
    remaining = decompressed_size - len(head) - len(tail)
    block = b" " * 1_000_000
    while remaining > 0:
        piece = block[:remaining]
        parts.append(compressor.compress(piece))
        remaining -= len(piece)
    parts.append(compressor.compress(tail))
    parts.append(compressor.flush())
    return b"".join(parts)


def test_urlset_locs_and_lastmod_formats():
    sitemap = parse_sitemap((SOURCES / "sitemap_urlset.xml").read_bytes(), url=URL)
    assert (sitemap.url, sitemap.kind) == (URL, "urlset")
    # News, image and hreflang extension tags are ignored; the <url> without <loc> is skipped.
    assert sitemap.entries == URLSET_ENTRIES
    assert all(e.lastmod is None or e.lastmod.tzinfo is UTC for e in sitemap.entries)


def test_sitemap_index_with_relative_loc():
    sitemap = parse_sitemap((SOURCES / "sitemap_index.xml").read_bytes(), url=URL)
    assert sitemap.kind == "index"
    assert sitemap.entries == [
        SitemapEntry("https://news.example.com/sitemaps/news-2024-09.xml.gz",
                     datetime(2024, 9, 20, 6, 0, tzinfo=UTC)),
        SitemapEntry("https://news.example.com/sitemaps/news-2024-08.xml.gz",
                     datetime(2024, 8, 31, tzinfo=UTC)),
        SitemapEntry("https://news.example.com/sitemaps/sections.xml", None),
    ]


def test_sitemap_without_namespace():
    sitemap = parse_sitemap((SOURCES / "sitemap_no_namespace.xml").read_bytes(),
                            url="https://blog.example.org/sitemap.xml")
    assert sitemap.entries == [
        SitemapEntry("https://blog.example.org/posts/1", datetime(2024, 9, 1, 17, 0, tzinfo=UTC)),
        SitemapEntry("https://blog.example.org/posts/2", None),
    ]


@pytest.mark.parametrize("root", [
    f'<sm:urlset xmlns:sm="{SITEMAP_NAMESPACE}"><sm:url><sm:loc>{{loc}}</sm:loc></sm:url>'
    "</sm:urlset>",
    '<urlset xmlns="https://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{loc}</loc></url>'
    "</urlset>",
    '<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"><url><loc>{loc}</loc></url>'
    "</urlset>",
], ids=["prefixed", "https-namespace-typo", "google-0.84"])
def test_namespace_variants(root):
    content = root.format(loc="https://a.example/1").encode()
    assert parse_sitemap(content, url=URL).entries == [SitemapEntry("https://a.example/1", None)]


def test_extension_loc_is_not_taken_for_the_page_loc():
    content = (f'<urlset xmlns="{SITEMAP_NAMESPACE}" '
               'xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">'
               "<url><video:loc>https://cdn.example/v.mp4</video:loc></url>"
               "<url><loc>https://a.example/2</loc></url></urlset>").encode()
    assert [e.loc for e in parse_sitemap(content, url=URL).entries] == ["https://a.example/2"]


@pytest.mark.parametrize("url", [URL, "https://news.example.com/sitemap.xml.gz"],
                         ids=["named-xml", "named-gz"])
def test_gzip_is_detected_by_magic_bytes_not_name(url):
    compressed = gzip.compress((SOURCES / "sitemap_urlset.xml").read_bytes())
    assert parse_sitemap(compressed, url=url).entries == URLSET_ENTRIES


def test_plain_xml_named_gz_is_read_as_plain():
    content = (SOURCES / "sitemap_index.xml").read_bytes()
    sitemap = parse_sitemap(content, url="https://news.example.com/sitemap_index.xml.gz")
    assert len(sitemap.entries) == 3


def test_concatenated_gzip_members_are_one_document():
    content = (SOURCES / "sitemap_no_namespace.xml").read_bytes()
    middle = len(content) // 2
    compressed = gzip.compress(content[:middle]) + gzip.compress(content[middle:])
    assert len(parse_sitemap(compressed, url=URL).entries) == 2


def test_gzip_bomb_stops_at_the_limit():
    bomb = _bomb(60_000_000)
    assert len(bomb) < 100_000
    with pytest.raises(ItemError) as caught:
        parse_sitemap(bomb, url=URL, max_decompressed_bytes=1_000_000)
    assert (caught.value.stage, caught.value.error_type) == ("sitemap", "DecompressionLimit")
    assert "more than 1,000,000 bytes" in caught.value.reason


@pytest.mark.parametrize(("size", "allowed"), [(1_000_000, True), (1_000_001, False)],
                         ids=["exactly-the-limit", "one-byte-over"])
def test_decompression_limit_boundary(size, allowed):
    bomb = _bomb(size)
    if allowed:
        assert parse_sitemap(bomb, url=URL, max_decompressed_bytes=1_000_000).entries == []
    else:
        with pytest.raises(ItemError, match="more than 1,000,000 bytes"):
            parse_sitemap(bomb, url=URL, max_decompressed_bytes=1_000_000)


@pytest.mark.parametrize(("content", "reason"), [
    (gzip.compress(b"<urlset></urlset>")[:-12], "gzip content is truncated"),
    (b"\x1f\x8b\x08\x00garbage-not-deflate", "gzip content is corrupt"),
], ids=["truncated", "garbage"])
def test_corrupt_gzip(content, reason):
    with pytest.raises(ItemError) as caught:
        parse_sitemap(content, url=URL)
    assert caught.value.error_type == "CorruptGzip"
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(("content", "reason"), [
    ((SOURCES / "rss2.xml").read_bytes(),
     "root element <rss> is neither <urlset> nor <sitemapindex>"),
    ((SOURCES / "html_page.html").read_bytes(), "document is an HTML page, not a sitemap"),
    (b"https://news.example.com/a\nhttps://news.example.com/b\n",
     "document is not XML, so not a sitemap"),
], ids=["rss-feed", "html-page", "text-sitemap"])
def test_not_a_sitemap(content, reason):
    with pytest.raises(ItemError) as caught:
        parse_sitemap(content, url=URL)
    assert (caught.value.stage, caught.value.error_type, caught.value.reason) == (
        "sitemap", "NotASitemap", reason)


@pytest.mark.parametrize(("content", "error_type"), [
    ((SOURCES / "sitemap_entities.xml").read_bytes(), "UnsafeXML"),
    (gzip.compress((SOURCES / "sitemap_entities.xml").read_bytes()), "UnsafeXML"),
    (gzip.compress((SOURCES / "billion_laughs.xml").read_bytes()), "UnsafeXML"),
    (b"<urlset><url><loc>https://a.example/</loc></urlset>", "MalformedXML"),
], ids=["xxe", "gzipped-xxe", "gzipped-billion-laughs", "malformed"])
def test_unsafe_or_malformed_sitemaps(content, error_type):
    with pytest.raises(ItemError) as caught:
        parse_sitemap(content, url=URL)
    assert (caught.value.stage, caught.value.error_type) == ("sitemap", error_type)
    assert "root:" not in caught.value.reason


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-09-20", datetime(2024, 9, 20, tzinfo=UTC)),
    ("2024-09-20T14:30:00+02:00", datetime(2024, 9, 20, 12, 30, tzinfo=UTC)),
    ("2024-09-20T14:30+02:00", datetime(2024, 9, 20, 12, 30, tzinfo=UTC)),
    ("2024-09-20T14:30:00-0500", datetime(2024, 9, 20, 19, 30, tzinfo=UTC)),
    ("2024-09-20T14:30:00Z", datetime(2024, 9, 20, 14, 30, tzinfo=UTC)),
    ("2024-09-20T14:30:00", datetime(2024, 9, 20, 14, 30, tzinfo=UTC)),
    ("2024-09-20 14:30:00", datetime(2024, 9, 20, 14, 30, tzinfo=UTC)),
    ("2024-09", datetime(2024, 9, 1, tzinfo=UTC)),
    ("2024", datetime(2024, 1, 1, tzinfo=UTC)),
    ("Fri, 20 Sep 2024 14:30:00 +0200", datetime(2024, 9, 20, 12, 30, tzinfo=UTC)),
    ("  2024-09-20\n", datetime(2024, 9, 20, tzinfo=UTC)),
    ("2024-13", None),
    ("yesterday", None),
    ("", None),
], ids=["date", "offset", "no-seconds", "basic-offset", "zulu", "naive", "space-separator",
        "year-month", "year", "rfc2822", "whitespace", "bad-month", "words", "empty"])
def test_parse_lastmod(value, expected):
    assert parse_lastmod(value) == expected


def test_entries_since_keeps_recent_and_undated():
    since = datetime(2024, 9, 20, 12, 30, tzinfo=UTC)
    assert [e.loc.rsplit("/", 1)[1] for e in entries_since(URLSET_ENTRIES, since)] == [
        "summit-trade", "about", "undated-by-typo"]


@pytest.mark.parametrize("since", [
    datetime(2024, 9, 20, 14, 30, tzinfo=timezone(timedelta(hours=2))),
    datetime(2024, 9, 20, 12, 30),
], ids=["other-offset", "naive-as-utc"])
def test_entries_since_compares_in_utc(since):
    assert len(entries_since(URLSET_ENTRIES, since)) == 3


def test_entries_since_none_keeps_everything():
    assert entries_since(iter(URLSET_ENTRIES), None) == URLSET_ENTRIES


def test_a_location_that_is_not_a_fetchable_url_is_listed_as_invalid():
    document = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                b"<url><loc>http://[::1</loc><lastmod>2024-10-01</lastmod></url>"
                b"<url><loc>ftp://example.com/a</loc></url>"
                b"<url><loc>https://example.com/ok</loc></url></urlset>")
    parsed = parse_sitemap(document, url="https://example.com/sitemap.xml")
    assert [e.loc for e in parsed.entries] == ["https://example.com/ok"]
    assert [(e.written, e.error_type) for e in parsed.invalid] == [
        ("http://[::1", "InvalidURL"), ("ftp://example.com/a", "UnsupportedScheme")]
    assert parsed.invalid[0].dated is not None

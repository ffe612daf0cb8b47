from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.errors import ItemError
from pipeline.sources.feeds import FeedEntry, parse_feed
from tests.conftest import CASES

SOURCES = CASES / "sources"


def _parse(name: str, url: str = "https://news.example.com/feeds/world.xml"):
    return parse_feed((SOURCES / name).read_bytes(), url=url)


def test_rss2_entries_links_dates_and_ids():
    feed = _parse("rss2.xml")
    assert feed.url == "https://news.example.com/feeds/world.xml"
    assert feed.title == "Example World News"
    assert feed.entries == [
        FeedEntry(
            link="https://news.example.com/world/2024/09/20/ministers-moscow",
            title="Foreign ministers meet in Moscow for security talks",
            published_at=datetime(2024, 9, 20, 8, 0, tzinfo=UTC),
            entry_id="ewn-1001",
            summary="<p>Talks focus on <b>regional security</b>.</p>",
        ),
        FeedEntry(
            link="https://news.example.com/world/2024/09/20/summit-trade",
            title="Summit ends with joint statement on trade",
            published_at=datetime(2024, 9, 20, 14, 30, tzinfo=UTC),
            entry_id="https://news.example.com/world/2024/09/20/summit-trade",
            summary="Leaders agreed on tariffs.",
        ),
        FeedEntry(
            link="https://news.example.com/analysis/border-accord",
            title="Analysis: what the border accord means",
            published_at=None,
            entry_id="https://news.example.com/analysis/border-accord",
            summary="No date on this one.",
        ),
    ]


def test_relative_link_resolves_against_the_feed_url():
    feed = _parse("rss2.xml", url="https://mirror.example.net/x/world.xml")
    assert feed.entries[1].link == "https://mirror.example.net/world/2024/09/20/summit-trade"


def test_rss091_latin1_skips_the_item_without_link():
    feed = _parse("rss091.xml", url="http://gazette.example.org/rss.xml")
    assert feed.title == "Café Gazette"
    assert [(e.title, e.link, e.published_at) for e in feed.entries] == [
        ("Marché de Noël opens", "http://gazette.example.org/2024/12/marche.html", None)]


def test_rss1_rdf_dates_from_dc_date_in_utc():
    feed = _parse("rdf.xml", url="https://wire.example.net/rss")
    assert feed.title == "Example Wire (RSS 1.0)"
    assert [(e.link, e.published_at) for e in feed.entries] == [
        ("https://wire.example.net/stories/4411", datetime(2024, 9, 19, 16, 45, tzinfo=UTC)),
        ("https://wire.example.net/stories/4410", datetime(2024, 9, 18, 7, 0, tzinfo=UTC)),
    ]


def test_atom_published_then_updated_alternate_link_and_relative_href():
    feed = _parse("atom.xml", url="https://tribune.example.com/atom.xml")
    assert feed.title == "Example Tribune"
    first, second = feed.entries  # the entry without a link is skipped
    assert first.link == "https://tribune.example.com/politics/budget"
    assert first.entry_id == "tag:tribune.example.com,2024:entry-77"
    assert first.published_at == datetime(2024, 9, 20, 13, 15, tzinfo=UTC)
    assert first.summary == "The vote was 212 to 190."
    assert second.link == "https://tribune.example.com/culture/festival"
    assert second.published_at == datetime(2024, 9, 19, 21, 30, tzinfo=UTC)
    assert second.summary is None
    assert all(e.published_at.tzinfo is UTC for e in feed.entries)


def test_links_that_are_not_web_urls_are_skipped():
    content = b"""<rss version="2.0"><channel><title>t</title>
      <item><link>javascript:alert(1)</link></item>
      <item><link>file:///etc/passwd</link></item>
      <item><link>  https://ok.example.com/a  </link></item>
    </channel></rss>"""
    feed = parse_feed(content, url="https://ok.example.com/feed")
    assert [e.link for e in feed.entries] == ["https://ok.example.com/a"]


@pytest.mark.parametrize(("name", "reason"), [
    ("billion_laughs.xml", "feed declares XML entities (possible entity-expansion attack)"),
    ("xxe.xml", "feed declares an external XML entity pointing at 'file:///etc/passwd'"),
], ids=["billion-laughs", "xxe"])
def test_unsafe_feeds_are_refused_before_feedparser_sees_them(name, reason, monkeypatch):
    import feedparser

    def fail(*args, **kwargs):
        raise AssertionError("feedparser must not see unsafe XML")

    monkeypatch.setattr(feedparser, "parse", fail)
    with pytest.raises(ItemError) as caught:
        _parse(name)
    assert (caught.value.stage, caught.value.error_type) == ("feed", "UnsafeXML")
    assert caught.value.reason.startswith(reason)


def test_rss091_with_netscape_doctype_is_read():
    feed = _parse("doctype_rss091.xml")
    assert feed.entries and all(e.link.startswith("http") for e in feed.entries)


def test_xxe_output_never_contains_the_file():
    passwd = Path("/etc/passwd")
    secret_lines = passwd.read_text().splitlines() if passwd.exists() else []
    with pytest.raises(ItemError) as caught:
        _parse("xxe.xml")
    output = f"{caught.value} {caught.value!r} {caught.value.__cause__!r}"
    assert "root:" not in output
    assert not any(line and line in output for line in secret_lines)


@pytest.mark.parametrize(("content", "reason"), [
    ((SOURCES / "html_page.html").read_bytes(),
     "document is an HTML page, not an RSS or Atom feed"),
    (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
     "document is an HTML page, not an RSS or Atom feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
     "document is not XML, so not an RSS or Atom feed"),
    (b"", "document is not XML, so not an RSS or Atom feed"),
    ((SOURCES / "sitemap_index.xml").read_bytes(), "root element <sitemapindex> is not RSS"),
], ids=["html-page", "xhtml", "json-feed", "empty", "sitemap"])
def test_documents_that_are_not_feeds(content, reason):
    with pytest.raises(ItemError) as caught:
        parse_feed(content, url="https://news.example.com/feed")
    assert (caught.value.stage, caught.value.error_type) == ("feed", "NotAFeed")
    assert caught.value.reason.startswith(reason)


def test_malformed_feed():
    with pytest.raises(ItemError) as caught:
        _parse("truncated.xml")
    assert caught.value.error_type == "MalformedXML"


def test_feedparser_bozo_keeps_entries(monkeypatch):
    # Well-formed XML rarely makes feedparser complain, so flag its real result as bozo.
    import feedparser

    real_parse = feedparser.parse

    def bozo_parse(*args, **kwargs):
        result = real_parse(*args, **kwargs)
        result["bozo"] = 1
        result["bozo_exception"] = feedparser.CharacterEncodingOverride("declared us-ascii")
        return result

    monkeypatch.setattr(feedparser, "parse", bozo_parse)
    feed = _parse("rss2.xml")
    assert len(feed.entries) == 3


def test_gb2312_feed():
    content = ('<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel>'
               "<title>新闻</title><item><title>外交部长访问莫斯科</title>"
               "<link>https://cn.example.com/1</link></item></channel></rss>").encode("gb2312")
    feed = parse_feed(content, url="https://cn.example.com/rss")
    assert feed.title == "新闻"
    assert [e.title for e in feed.entries] == ["外交部长访问莫斯科"]


def test_an_entry_whose_link_is_not_a_fetchable_url_is_listed_as_invalid():
    document = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                b"<item><title>a</title><link>http://[::1</link><guid>g1</guid></item>"
                b"<item><title>b</title><link>https://example.com/b</link></item>"
                b"</channel></rss>")
    feed = parse_feed(document, url="https://example.com/feed")
    assert [e.link for e in feed.entries] == ["https://example.com/b"]
    [invalid] = feed.invalid
    assert (invalid.written, invalid.error_type) == ("http://[::1", "InvalidURL")
    assert "entry 'https://example.com/g1'" in invalid.reason  # feedparser resolves guids

"""Web sources: pure parsers for feeds, sitemaps and WARC archives (bytes or files in, records
out; fetching and storing are someone else's job).

Feeds and sitemaps pass :func:`check_xml_safe` before anything else parses them.
"""

from __future__ import annotations

from pipeline.sources.feeds import Feed, FeedEntry, parse_feed
from pipeline.sources.sitemaps import Sitemap, SitemapEntry, entries_since, parse_sitemap
from pipeline.sources.warc import WarcPage, read_warc
from pipeline.sources.xmlsafety import check_xml_safe, parse_xml_safe, peek_root_name

__all__ = [
    "Feed",
    "FeedEntry",
    "Sitemap",
    "SitemapEntry",
    "WarcPage",
    "check_xml_safe",
    "entries_since",
    "parse_feed",
    "parse_sitemap",
    "parse_xml_safe",
    "peek_root_name",
    "read_warc",
]

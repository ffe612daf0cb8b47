"""RSS and Atom feeds: bytes in, entries out (no fetching).

RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 and Atom are parsed by feedparser, but only after the document
passed :func:`~pipeline.sources.xmlsafety.check_xml_safe`: feedparser is lenient and would parse
a hostile DTD. Each entry keeps its link (resolved against the feed URL), title, summary, id and
publication time in UTC.
"""

from __future__ import annotations

import calendar
import io
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element

import feedparser

from pipeline.errors import ItemError
from pipeline.sources.sitemaps import InvalidEntry
from pipeline.sources.xmlsafety import parse_xml_safe, peek_root_name
from pipeline.urls import BadURL, resolve_url, shown

STAGE = "feed"
_FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
"""Local names of feed root elements: RSS 0.9x/2.0, RDF (RSS 0.90 and 1.0), Atom."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item that has a link."""

    link: str
    """Absolute ``http(s)`` URL of the article."""
    title: str | None
    published_at: datetime | None
    """Aware UTC: the entry's published time, else its updated time, else ``None``."""
    entry_id: str
    """The entry's id (Atom ``id``, RSS ``guid``), else its link."""
    summary: str | None
    """As the feed gives it; may hold HTML, which feedparser has sanitized."""


@dataclass(slots=True)
class Feed:
    """A parsed feed: where it came from, its title and its entries in document order."""

    url: str
    title: str | None
    entries: list[FeedEntry]
    invalid: list[InvalidEntry] = field(default_factory=list)
    """Entries whose link is not a fetchable http(s) URL, in document order."""


def parse_feed(content: bytes, *, url: str) -> Feed:
    """Parse an RSS or Atom document fetched from ``url``.

    Relative links are resolved against ``url``; entries without a link are skipped, entries
    whose link is not a valid ``http(s)`` URL are listed in ``invalid``. Raises
    :class:`ItemError` (stage ``feed``) with ``error_type`` ``NotAFeed`` (an HTML page, JSON,
    XML with another root), ``UnsafeXML`` or ``MalformedXML``.
    Problems feedparser merely notes (its ``bozo`` flag) on a parsed feed are tolerated.
    """
    root_name = peek_root_name(content)
    if root_name is None:
        raise ItemError(STAGE, "document is not XML, so not an RSS or Atom feed",
                        error_type="NotAFeed")
    if _local_name(root_name).lower() == "html":
        raise ItemError(STAGE, "document is an HTML page, not an RSS or Atom feed",
                        error_type="NotAFeed")
    root = parse_xml_safe(content, what=STAGE)
    if _local_name(root.tag).lower() not in _FEED_ROOTS:
        raise ItemError(STAGE, f"root element <{_local_name(root.tag)}> is not RSS, RDF or Atom",
                        error_type="NotAFeed")
    # A BytesIO, never the bytes themselves: feedparser treats a string as a URL or file name.
    # Content-Location is the base for relative links; application/xml (unlike text/xml) lets
    # the XML declaration name the encoding.
    parsed = feedparser.parse(io.BytesIO(content), response_headers={
        "content-location": url, "content-type": "application/xml"})
    if not parsed.get("version"):
        raise ItemError(STAGE, "feedparser does not recognise the document as RSS or Atom",
                        error_type="NotAFeed")
    entries, invalid = [], []
    written = _written_links(root)
    if len(written) != len(parsed.entries):  # cannot pair them: trust feedparser alone
        written = [None] * len(parsed.entries)
    for entry, as_written in zip(parsed.entries, written, strict=True):
        given = _text(entry.get("link")) or as_written
        if given is None:
            continue
        published_at = _utc(entry.get("published_parsed") or entry.get("updated_parsed"))
        try:
            link = resolve_url(url, given)
        except BadURL as exc:
            entry_id = _text(entry.get("id"))
            invalid.append(InvalidEntry(given, exc.error_type, f"entry {shown(entry_id)}: "
                                        f"{exc.reason}" if entry_id else exc.reason,
                                        published_at))
            continue
        entries.append(FeedEntry(
            link=link,
            title=_text(entry.get("title")),
            published_at=published_at,
            entry_id=_text(entry.get("id")) or link,
            summary=_text(entry.get("summary")),
        ))
    return Feed(url=url, title=_text(parsed.feed.get("title")), entries=entries,
                invalid=invalid)


def _written_links(root: Element) -> list[str | None]:
    """Each item's or entry's link as the document wrote it, in document order: feedparser
    drops a link it cannot parse, and a dropped link must still be reported."""
    links: list[str | None] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or _local_name(element.tag) not in ("item", "entry"):
            continue
        found = None
        for child in element:
            if isinstance(child.tag, str) and _local_name(child.tag) == "link":
                found = _text(child.text) or _text(child.get("href"))
                if found and child.get("rel", "alternate") == "alternate":
                    break
        links.append(found)
    return links


def _local_name(name: str) -> str:
    """``rss`` for ``rss``, ``rdf:RDF`` and ``{http://...}RDF`` alike give ``RDF``."""
    return name.rpartition("}")[2].rpartition(":")[2]


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's struct_time is already UTC; timegm also absorbs leap seconds."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None

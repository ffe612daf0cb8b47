"""XML sitemaps (sitemaps.org): bytes in, page or child-sitemap URLs out (no fetching).

Handles ``urlset`` and ``sitemapindex`` documents, with or without the sitemaps.org namespace,
plain or gzip-compressed (recognised by its magic bytes, since servers and file names are not
reliable about it). Decompression is capped so a small gzip bomb cannot exhaust memory.
Extension elements (news, image, video, hreflang links) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import Element

from pipeline.compression import GZIP_MAGIC, CompressionError, gunzip
from pipeline.dates import parse_iso_datetime
from pipeline.errors import ItemError
from pipeline.sources.xmlsafety import parse_xml_safe, peek_root_name
from pipeline.urls import BadURL, resolve_url

STAGE = "sitemap"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
_KINDS = {"urlset": ("url", "urlset"), "sitemapindex": ("sitemap", "index")}
"""Root element → (element of each entry, ``Sitemap.kind``)."""
_REDUCED_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")
"""W3C Datetime's year-only and year-month forms, which ``fromisoformat`` does not take."""


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A page (in a ``urlset``) or a child sitemap (in a ``sitemapindex``)."""

    loc: str
    lastmod: datetime | None
    """Aware UTC; a date alone means midnight UTC, a time without offset is taken as UTC.
    ``None`` when absent or unreadable."""


@dataclass(frozen=True, slots=True)
class InvalidEntry:
    """A listed location that is not a URL newsflow can fetch (``http://[::1``, ``ftp:``)."""

    written: str
    """The location as the document wrote it."""
    error_type: str
    """``InvalidURL`` or ``UnsupportedScheme``."""
    reason: str
    dated: datetime | None = None
    """The entry's ``lastmod`` or publication time, if it has one."""


@dataclass(slots=True)
class Sitemap:
    """A parsed sitemap: ``kind`` is ``urlset`` (pages) or ``index`` (more sitemaps)."""

    url: str
    kind: str
    entries: list[SitemapEntry]
    invalid: list[InvalidEntry] = field(default_factory=list)
    """Entries whose location is not a fetchable http(s) URL, in document order."""


def parse_sitemap(content: bytes, *, url: str,
                  max_decompressed_bytes: int = 50_000_000) -> Sitemap:
    """Parse a sitemap or sitemap index fetched from ``url``.

    Gzip content is decompressed up to ``max_decompressed_bytes``. Elements are matched by
    local name within the root element's namespace, whichever it is: :data:`SITEMAP_NAMESPACE`,
    none, or a variant found in the wild (``https://``, Google's 0.84). Locations are stripped
    of whitespace and resolved against ``url``; entries without a location are skipped, and
    entries whose location is not a valid ``http(s)`` URL are listed in ``invalid``. Raises
    :class:`ItemError` (stage ``sitemap``) with ``error_type`` ``DecompressionLimit``,
    ``CorruptGzip``, ``NotASitemap``, ``UnsafeXML`` or ``MalformedXML``.
    """
    if max_decompressed_bytes < 0:
        raise ValueError(f"max_decompressed_bytes must be >= 0, not {max_decompressed_bytes}")
    if content.startswith(GZIP_MAGIC):
        try:
            content = gunzip(content, limit=max_decompressed_bytes)
        except CompressionError as exc:
            raise ItemError(STAGE, exc.reason, error_type=exc.error_type) from exc
    root_name = peek_root_name(content)
    if root_name is None:
        raise ItemError(STAGE, "document is not XML, so not a sitemap", error_type="NotASitemap")
    if _split(root_name)[1].lower() == "html":
        raise ItemError(STAGE, "document is an HTML page, not a sitemap",
                        error_type="NotASitemap")
    root = parse_xml_safe(content, what=STAGE)
    namespace, name = _split(root.tag)
    if name not in _KINDS:
        raise ItemError(STAGE, f"root element <{name}> is neither <urlset> nor <sitemapindex>",
                        error_type="NotASitemap")
    entry_name, kind = _KINDS[name]
    # Extension elements (news:, image:, xhtml:) live in their own namespaces; only the
    # sitemap's own namespace (or none) counts, so <image:loc> is never taken for <loc>.
    own = {namespace, ""}
    entries, invalid = [], []
    for element in root:
        element_namespace, element_name = _split(element.tag)
        if element_name != entry_name or element_namespace not in own:
            continue
        written = _child_text(element, "loc", own)
        if written is None:
            continue
        lastmod = _child_text(element, "lastmod", own)
        dated = parse_lastmod(lastmod) if lastmod else None
        try:
            loc = resolve_url(url, written)
        except BadURL as exc:
            invalid.append(InvalidEntry(written, exc.error_type, exc.reason, dated))
            continue
        entries.append(SitemapEntry(loc=loc, lastmod=dated))
    return Sitemap(url=url, kind=kind, entries=entries, invalid=invalid)


def entries_since(entries: Iterable[SitemapEntry], since: datetime | None) -> list[SitemapEntry]:
    """The entries modified at or after ``since``, plus every entry without a ``lastmod``.

    Entries without a date are kept because nothing says they are old. ``since=None`` keeps
    everything; a naive ``since`` is taken as UTC.
    """
    if since is None:
        return list(entries)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return [entry for entry in entries if entry.lastmod is None or entry.lastmod >= since]


def parse_lastmod(value: str) -> datetime | None:
    """A ``lastmod`` value as aware UTC, or ``None`` when it cannot be read.

    Takes W3C Datetime / ISO 8601 (``2024-09-20``, ``2024-09-20T10:00+02:00``, ``…Z``, year or
    year-month alone) and, as some generators write it, RFC 2822 (``Fri, 20 Sep 2024 …``).
    """
    text = value.strip()
    reduced = _REDUCED_DATE.fullmatch(text)
    if reduced:
        month = int(reduced[2] or 1)
        return datetime(int(reduced[1]), month, 1, tzinfo=UTC) if 1 <= month <= 12 else None
    try:
        return parse_iso_datetime(text)
    except (ValueError, OverflowError):
        pass
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return None


def _split(tag: str) -> tuple[str, str]:
    """``{namespace}name`` (ElementTree) or ``prefix:name`` (as written) → (namespace, name)."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag.rpartition(":")[2]


def _child_text(element: Element, name: str, namespaces: set[str]) -> str | None:
    for child in element:
        child_namespace, child_name = _split(child.tag)
        if child_name == name and child_namespace in namespaces:
            return (child.text or "").strip() or None
    return None

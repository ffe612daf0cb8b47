"""XML sitemaps (sitemaps.org): bytes in, page or child-sitemap URLs out (no fetching).

Handles ``urlset`` and ``sitemapindex`` documents, with or without the sitemaps.org namespace,
plain or gzip-compressed (recognised by its magic bytes, since servers and file names are not
reliable about it). Decompression is capped so a small gzip bomb cannot exhaust memory.
Extension elements (news, image, video, hreflang links) are ignored.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

from pipeline.dates import parse_iso_datetime
from pipeline.errors import ItemError
from pipeline.sources.xmlsafety import parse_xml_safe, peek_root_name

STAGE = "sitemap"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
GZIP_MAGIC = b"\x1f\x8b"
_KINDS = {"urlset": ("url", "urlset"), "sitemapindex": ("sitemap", "index")}
"""Root element → (element of each entry, ``Sitemap.kind``)."""
_REDUCED_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")
"""W3C Datetime's year-only and year-month forms, which ``fromisoformat`` does not take."""
_WEB_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A page (in a ``urlset``) or a child sitemap (in a ``sitemapindex``)."""

    loc: str
    lastmod: datetime | None
    """Aware UTC; a date alone means midnight UTC, a time without offset is taken as UTC.
    ``None`` when absent or unreadable."""


@dataclass(slots=True)
class Sitemap:
    """A parsed sitemap: ``kind`` is ``urlset`` (pages) or ``index`` (more sitemaps)."""

    url: str
    kind: str
    entries: list[SitemapEntry]


def parse_sitemap(content: bytes, *, url: str,
                  max_decompressed_bytes: int = 50_000_000) -> Sitemap:
    """Parse a sitemap or sitemap index fetched from ``url``.

    Gzip content is decompressed up to ``max_decompressed_bytes``. Elements are matched by
    local name within the root element's namespace, whichever it is: :data:`SITEMAP_NAMESPACE`,
    none, or a variant found in the wild (``https://``, Google's 0.84). Locations are stripped
    of whitespace and resolved against ``url``; entries without a location, or not ``http(s)``,
    are skipped. Raises :class:`ItemError` (stage ``sitemap``) with ``error_type``
    ``DecompressionLimit``, ``CorruptGzip``, ``NotASitemap``, ``UnsafeXML`` or ``MalformedXML``.
    """
    if max_decompressed_bytes < 0:
        raise ValueError(f"max_decompressed_bytes must be >= 0, not {max_decompressed_bytes}")
    if content.startswith(GZIP_MAGIC):
        content = _gunzip(content, limit=max_decompressed_bytes)
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
    entries = []
    for element in root:
        element_namespace, element_name = _split(element.tag)
        if element_name != entry_name or element_namespace not in own:
            continue
        loc = _web_url(_child_text(element, "loc", own), base=url)
        if loc is None:
            continue
        lastmod = _child_text(element, "lastmod", own)
        entries.append(SitemapEntry(loc=loc, lastmod=parse_lastmod(lastmod) if lastmod else None))
    return Sitemap(url=url, kind=kind, entries=entries)


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


def _gunzip(content: bytes, *, limit: int) -> bytes:
    """Decompress in bounded steps: never more than ``limit`` + 1 bytes come out, however small
    the input (a few kilobytes of gzip can hold gigabytes of whitespace)."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    chunks: list[bytes] = []
    size = 0
    pending = content
    try:
        while True:
            chunk = decompressor.decompress(pending, limit + 1 - size)
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise ItemError(STAGE, f"gzip content decompresses to more than {limit:,} bytes "
                                       "(possible decompression bomb); refused",
                                error_type="DecompressionLimit")
            if decompressor.eof:
                # Concatenated gzip members form one stream (what `cat a.gz b.gz` makes).
                pending = decompressor.unused_data
                if not pending.startswith(GZIP_MAGIC):
                    break
                decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                continue
            pending = decompressor.unconsumed_tail
            if not pending:
                # Output was not capped, so the input simply ran out before the gzip trailer.
                raise ItemError(STAGE, "gzip content is truncated", error_type="CorruptGzip")
    except zlib.error as exc:
        raise ItemError(STAGE, f"gzip content is corrupt: {exc}", error_type="CorruptGzip") from exc
    return b"".join(chunks)


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


def _web_url(value: str | None, *, base: str) -> str | None:
    if value is None:
        return None
    url = urljoin(base, value)
    return url if urlsplit(url).scheme.lower() in _WEB_SCHEMES else None

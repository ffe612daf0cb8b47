"""Fetched or archived web documents into raw articles: decoding, extraction, URLs."""

from __future__ import annotations

from datetime import datetime

from pipeline.compression import CompressionError, gunzip_layers
from pipeline.errors import ItemError
from pipeline.extract import extract_page
from pipeline.records import FetchedDocument, RawArticle, SourceRef
from pipeline.urls import normalize_url


def charset_from_headers(headers: dict[str, str]) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    for parameter in headers.get("content-type", "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def article_from_document(document: FetchedDocument, *, source_uri: str, format: str,
                          listing_title: str | None = None,
                          listing_published_at: datetime | None = None,
                          source_ref: SourceRef | None = None,
                          max_decompressed_bytes: int = 50_000_000) -> RawArticle:
    """Extract a fetched (or archived) page into a raw article that keeps the response.

    What the listing said (a feed entry's title and date) fills in what the page lacks. A
    page that is itself a gzip file (served as one rather than gzip-encoded) is inflated to
    at most ``max_decompressed_bytes``, every nested layer alike.
    """
    try:
        body = gunzip_layers(document.body, limit=max_decompressed_bytes)
    except CompressionError as exc:
        raise ItemError("extract", exc.reason, error_type=exc.error_type) from exc
    page = extract_page(body, url=document.final_url, fetched_at=document.fetched_at,
                        charset=charset_from_headers(document.headers))
    canonical = page.url or normalize_url(document.final_url)
    published, source, day = page.published_at, page.published_at_source, page.published_date
    if published is None and listing_published_at is not None:
        published, source = listing_published_at, "feed"
        day = listing_published_at.date()
    seen = tuple(dict.fromkeys(u for u in (normalize_url(document.url),
                                           normalize_url(document.final_url), canonical) if u))
    return RawArticle(
        source_uri=source_uri,
        format=format,
        text=page.text,
        url=canonical,
        title=page.title or listing_title,
        author=page.author,
        site_name=page.site_name,
        published_at=published,
        published_at_source=source,
        published_date=day,
        modified_at=page.modified_at,
        language=page.language,
        fetched_at=document.fetched_at,
        document=document,
        seen_urls=seen,
        source_ref=source_ref,
        extracted=True,
    )

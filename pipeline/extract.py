"""Main text and metadata out of an HTML page, with trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.html
import trafilatura

from pipeline.dates import parse_iso_datetime
from pipeline.errors import ItemError
from pipeline.metadata import clean_author, page_dates
from pipeline.urls import normalize_url

STAGE = "extract"

_DATE_PARAMS = {
    # Extensive search guesses from copyright lines and URLs ("© 2024" → 2024-01-01); a
    # missing date is better than an invented one.
    "extensive_search": False,
    "original_date": True,  # the publication date, not the last modification
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}

_MIN_CONFIDENT_CHARS = 250
"""Shorter extractions are checked again in precision mode: on a page with no story,
trafilatura's fallbacks return whatever text is left, such as a cookie banner."""


@dataclass(slots=True)
class ExtractedPage:
    """What trafilatura found on a page."""

    text: str
    title: str | None
    author: str | None
    published_at: datetime | None
    published_at_source: str | None
    modified_at: datetime | None
    site_name: str | None
    url: str | None
    language: str | None


def extract_page(html: str | bytes, *, url: str | None = None,
                 fetched_at: datetime | None = None, charset: str | None = None) -> ExtractedPage:
    """Extract the article text and metadata; a page with no main text is an :class:`ItemError`.

    ``charset`` is the one the HTTP response declared: it wins over ``<meta charset>``; without
    it, bytes go to trafilatura, which reads ``<meta charset>`` and falls back to detection.
    A publication date later than ``fetched_at`` is impossible and is not used.
    """
    if not html.strip():
        raise ItemError(STAGE, "HTML page is empty", error_type="EmptyInput")
    html = _decode(html, charset)
    document = _extract(html, url=url, favor_precision=False)
    if document is not None and len((document.text or "").strip()) < _MIN_CONFIDENT_CHARS:
        document = _extract(html, url=url, favor_precision=True)
    if document is None or not (document.text or "").strip():
        raise ItemError(STAGE, "no article text found in the HTML page", error_type="NoContent")
    title = _clean(document.title)
    dates = page_dates(html)
    candidates = [(dates.published_at, dates.source), (_parse_date(document.date), "htmldate")]
    published, source = next(
        ((when, where) for when, where in candidates
         if when is not None and (fetched_at is None or when <= fetched_at)), (None, None))
    return ExtractedPage(
        text=_drop_leading_title(document.text, title),
        title=title,
        author=clean_author(document.author),
        published_at=published,
        published_at_source=source,
        modified_at=dates.modified_at,
        site_name=_clean(document.sitename),
        url=normalize_url(document.url or "") or (normalize_url(url) if url else None),
        language=_declared_language(html),
    )


def _extract(html: str | bytes, *, url: str | None, favor_precision: bool) -> Any:
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=favor_precision,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as exc:
        raise ItemError(STAGE, f"HTML could not be parsed: {exc}", error_type="ParseError") from exc


def _decode(html: str | bytes, charset: str | None) -> str | bytes:
    if isinstance(html, str) or not charset:
        return html
    try:
        return html.decode(charset, errors="replace")
    except LookupError:  # a charset name Python does not know: let trafilatura detect
        return html


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _drop_leading_title(text: str, title: str | None) -> str:
    """trafilatura keeps the page's <h1> as the first line; the title has its own column."""
    first, _, rest = text.partition("\n")
    if title and rest and first.strip() == title:
        return rest
    return text


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_iso_datetime(re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value))
    except ValueError:
        return None


_LANG_ATTR = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def _declared_language(html: str | bytes) -> str | None:
    head = html[:4096] if isinstance(html, bytes) else html[:4096].encode("utf-8", "replace")
    match = _LANG_ATTR.search(head)
    return match[1].decode().lower() if match else None

"""Main text and metadata out of an HTML page, with trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import lxml.html
import trafilatura

from pipeline.dates import parse_iso_datetime
from pipeline.errors import ItemError

STAGE = "extract"

_DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,  # the publication date, not the last modification
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


@dataclass(slots=True)
class ExtractedPage:
    """What trafilatura found on a page."""

    text: str
    title: str | None
    author: str | None
    published_at: datetime | None
    site_name: str | None
    url: str | None
    language: str | None


def extract_page(html: str | bytes, *, url: str | None = None) -> ExtractedPage:
    """Extract the article text and metadata; a page with no main text is an :class:`ItemError`."""
    if isinstance(html, bytes) and not html.strip() or isinstance(html, str) and not html.strip():
        raise ItemError(STAGE, "HTML page is empty", error_type="EmptyInput")
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as exc:
        raise ItemError(STAGE, f"HTML could not be parsed: {exc}", error_type="ParseError") from exc
    if document is None or not (document.text or "").strip():
        raise ItemError(STAGE, "no article text found in the HTML page", error_type="NoContent")
    title = _clean(document.title)
    return ExtractedPage(
        text=_drop_leading_title(document.text, title),
        title=title,
        author=_clean(document.author),
        published_at=_parse_date(document.date),
        site_name=_clean(document.sitename),
        url=_clean(document.url),
        language=_declared_language(html),
    )


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

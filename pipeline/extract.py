"""Main text and metadata out of an HTML page, with trafilatura."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import htmldate
import lxml.html
import trafilatura

from pipeline.charsets import decode_page
from pipeline.dates import UrlDate, date_in_url
from pipeline.errors import ItemError
from pipeline.metadata import PageDates, clean_author, page_dates
from pipeline.urls import normalize_url

STAGE = "extract"

_DATE_PARAMS = {
    # htmldate's extensive mode with original dates scores best on its benchmark (see bench/):
    # it reads URLs, bylines and page text where structured metadata is missing or wrong.
    "extensive_search": True,
    "original_date": True,  # the publication date, not the last modification
    "outputformat": "%Y-%m-%d",
}
_TRAFILATURA_DATE_PARAMS = {
    # trafilatura runs htmldate itself, on the URL it finds in the page (a canonical link
    # can carry an unrelated date); its answer is not used, so it gets the cheap mode and
    # htmldate is called once more on the page and the URL the caller knows.
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%d",
}

_MIN_CONFIDENT_CHARS = 120
"""Shorter extractions are checked again in precision mode: on a page with no story,
trafilatura's fallbacks return whatever text is left, such as a cookie banner. (At 250
characters the re-check also dropped real short stories in trafilatura's evaluation set.)"""


@dataclass(slots=True)
class ExtractedPage:
    """What trafilatura found on a page."""

    text: str
    title: str | None
    author: str | None
    published_at: datetime | None
    """The publication instant, in the offset the page gave (stored as UTC)."""
    published_at_source: str | None
    published_date: date | None
    """The publisher's calendar date, which a UTC instant can move by a day."""
    modified_at: datetime | None
    site_name: str | None
    url: str | None
    language: str | None


def extract_page(html: str | bytes, *, url: str | None = None,
                 fetched_at: datetime | None = None, charset: str | None = None) -> ExtractedPage:
    """Extract the article text and metadata; a page with no main text is an :class:`ItemError`.

    ``charset`` is the one the HTTP response declared: it wins over the page's own declaration
    and over detection (see :mod:`pipeline.charsets`).
    A publication date later than ``fetched_at`` is impossible and is not used.
    """
    if not html.strip():
        raise ItemError(STAGE, "HTML page is empty", error_type="EmptyInput")
    refused = None
    if isinstance(html, bytes):
        html, refused = decode_page(html, charset)
    document = _main_text(html, url=url)
    if document is None:
        raise _why_no_text(html, refused)
    title = _clean(document.title)
    dates = page_dates(html)
    published, source, day = _publication(dates, _page_day(html, url, fetched_at), fetched_at)
    url_date = date_in_url(url) or date_in_url(document.url)
    published, source, day = _bounded_by_url(published, source, day, url_date, fetched_at)
    return ExtractedPage(
        text=unicodedata.normalize("NFC", _drop_leading_title(document.text, title)),
        title=title,
        author=clean_author(document.author),
        published_at=published,
        published_at_source=source,
        published_date=day,
        modified_at=dates.modified_at,
        site_name=_clean(document.sitename),
        url=normalize_url(document.url or "") or (normalize_url(url) if url else None),
        language=_declared_language(html),
    )


MAX_DEPTH = 255
"""libxml2 stops building the tree at this nesting depth: text below it is never seen."""

_DEPTH_ERROR = "Excessive depth"


def _why_no_text(html: str, refused_charset: str | None) -> ItemError:
    """The reason a page gave no text: nested past what the parser reads, a charset that did
    not fit, or truly no story."""
    parser = lxml.html.HTMLParser()
    with contextlib.suppress(ValueError, lxml.etree.LxmlError):
        lxml.html.document_fromstring(html, parser=parser)
    if any(_DEPTH_ERROR in entry.message for entry in parser.error_log):
        return ItemError(STAGE, f"the HTML nests elements more than {MAX_DEPTH} levels deep; "
                                "the parser stops there, so the text below is not reached",
                         error_type="TooDeep")
    if refused_charset is not None:
        return ItemError(STAGE, f"the HTTP charset {refused_charset} does not decode the page, "
                                "and no article text was found with the detected one",
                         error_type="CharsetMismatch")
    return ItemError(STAGE, "no article text found in the HTML page", error_type="NoContent")


def _main_text(html: str, *, url: str | None) -> Any:
    """trafilatura's document, or None when the page holds no story.

    A short first extraction is checked again in precision mode, which drops a banner or an
    interstitial. When precision mode then finds nothing, recall mode has the last word: it
    reaches stories that sit in unusual markup, and is kept only if it finds a story's length.
    """
    document = _extract(html, url=url, mode="balanced")
    if _text_length(document) >= _MIN_CONFIDENT_CHARS:
        return document
    document = _extract(html, url=url, mode="precision")
    if _text_length(document):
        return document
    document = _extract(html, url=url, mode="recall")
    return document if _text_length(document) >= _MIN_CONFIDENT_CHARS else None


def _text_length(document: Any) -> int:
    return len((document.text or "").strip()) if document is not None else 0


def _extract(html: str, *, url: str | None, mode: str) -> Any:
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=mode == "precision",
            favor_recall=mode == "recall",
            date_extraction_params=_TRAFILATURA_DATE_PARAMS,
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as exc:
        raise ItemError(STAGE, f"HTML could not be parsed: {exc}", error_type="ParseError") from exc


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _drop_leading_title(text: str, title: str | None) -> str:
    """trafilatura keeps the page's <h1> as the first line; the title has its own column."""
    first, _, rest = text.partition("\n")
    if title and rest and first.strip() == title:
        return rest
    return text


def _page_day(html: str, url: str | None, fetched_at: datetime | None) -> str | None:
    """htmldate's publication day for the page, never later than the fetch."""
    params: dict[str, Any] = dict(_DATE_PARAMS)
    if fetched_at is not None:
        params["max_date"] = fetched_at.date().isoformat()
    try:
        return htmldate.find_date(html, url=url, **params)
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return None


def _publication(structured: PageDates, guessed: str | None, fetched_at: datetime | None
                 ) -> tuple[datetime | None, str | None, date | None]:
    """Publication instant, its source, and the publisher's calendar date.

    Structured metadata (JSON-LD, meta tags) gives an instant with its time; htmldate gives
    the day, and is the better judge of it (URL dates, bylines). The structured instant is
    kept when the two agree within a day (a UTC timestamp of an evening story falls on the
    next day); when they disagree by more, the structured value is usually a modification
    or page date, and htmldate's day wins. Nothing later than the fetch is believed.
    """
    latest = fetched_at.date() if fetched_at else None
    day = _parse_day(guessed)
    if day is not None and latest is not None and day > latest:
        day = None
    instant = structured.published_at
    if instant is not None and fetched_at is not None and instant > fetched_at:
        instant = None
    if instant is not None and (day is None or abs((instant.date() - day).days) <= 1):
        return instant, structured.source, _calendar_day(instant, day)
    if day is not None:
        return datetime.combine(day, time(0, 0), tzinfo=UTC), "htmldate", day
    return None, None, None


URL_DATE_TOLERANCE_DAYS = 3
"""How far a page's date may be from the date in its URL before the URL wins: a story filed
late at night or updated the next days keeps its own date."""


def _bounded_by_url(published: datetime | None, source: str | None, day: date | None,
                    url_date: UrlDate | None, fetched_at: datetime | None
                    ) -> tuple[datetime | None, str | None, date | None]:
    """The date a URL's path states (``/2019/11/19/``) is evidence: a page date more than
    :data:`URL_DATE_TOLERANCE_DAYS` from it is replaced by the URL's day (source ``url``), or,
    when the URL names only a month, dropped if it is before that month (a story is not
    published before its URL exists); with no page date, the URL's day is the date."""
    if url_date is None or (fetched_at is not None and url_date.first > fetched_at.date()):
        return published, source, day
    if day is not None and url_date.distance(day) <= URL_DATE_TOLERANCE_DAYS:
        return published, source, day
    if url_date.day is not None:
        return datetime.combine(url_date.day, time(0, 0), tzinfo=UTC), "url", url_date.day
    if day is None or day > url_date.last:
        # A month in the path is often a folder: a later date may be the story's own.
        return published, source, day
    return None, None, None


def _calendar_day(instant: datetime, guessed: date | None) -> date:
    """The publisher's calendar date of a structured instant that agrees with htmldate.

    An instant written with a local offset (``18:37+01:00``) states the publisher's own day.
    One written in UTC does not: an evening story in New York is dated the next day in UTC,
    and htmldate's day (from the URL or the byline) is the local one.
    """
    offset = instant.utcoffset()
    if guessed is None or (offset is not None and offset.total_seconds() != 0):
        return instant.date()
    return guessed


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


_LANG_ATTR = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def _declared_language(html: str) -> str | None:
    match = _LANG_ATTR.search(html[:4096])
    return match[1].lower() if match else None

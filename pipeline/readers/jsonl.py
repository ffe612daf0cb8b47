"""JSON Lines: one article per line.

Each line is an object with ``url``, ``title``, ``text`` or ``html``, ``published_at`` (ISO 8601)
and optionally ``source``, ``author``, ``language``, ``image``. A bad line is quarantined with its
line number; the other lines are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.dates import date_in_url, date_to_utc, parse_iso_datetime
from pipeline.errors import ItemError
from pipeline.extract import extract_page
from pipeline.readers.files import decode_text
from pipeline.records import ItemFailure, RawArticle, unexpected
from pipeline.validate import checked_url, storable

STAGE = "read"
_STRING_FIELDS = ("url", "title", "text", "html", "published_at", "source", "author",
                  "language", "image")


def read_jsonl(path: Path, content: bytes) -> Iterator[RawArticle | ItemFailure]:
    """Every non-blank line of the file, in order."""
    base = path.resolve().as_uri()
    for number, line in enumerate(decode_text(content).splitlines(), start=1):
        if not line.strip():
            continue
        uri = f"{base}#line={number}"
        try:
            yield parse_jsonl_record(line, source_uri=uri)
        except ItemError as exc:
            yield ItemFailure(uri, exc.stage, exc.error_type, f"line {number}: {exc.reason}")
        except Exception as exc:  # noqa: BLE001 - one line's surprise is that line's failure
            yield unexpected(uri, STAGE, exc)


_DOCUMENT_TAG = re.compile(r"<(?:html|body)\b", re.IGNORECASE)


def _as_document(html: str) -> str:
    """A fragment (``<p>…</p>``, as feeds and APIs give ``html``) made a document: trafilatura
    finds no text in a tree without ``<html>``/``<body>``."""
    return html if _DOCUMENT_TAG.search(html) else f"<html><body>{html}</body></html>"


def parse_jsonl_record(line: str, *, source_uri: str) -> RawArticle:
    """Validate one JSON line and turn it into a raw article."""
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ItemError(STAGE, f"malformed JSON: {exc.msg} at column {exc.colno}",
                        error_type="MalformedJSON") from exc
    if not isinstance(record, dict):
        raise ItemError(STAGE, f"expected a JSON object, got {type(record).__name__}",
                        error_type="MalformedRecord")
    for key in _STRING_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise ItemError(STAGE, f"field '{key}' must be a string, got "
                                   f"{type(record[key]).__name__}", error_type="MalformedRecord")
    published_at = None
    if record.get("published_at"):
        try:
            published_at = parse_iso_datetime(record["published_at"], keep_offset=True)
        except ValueError as exc:
            raise ItemError(STAGE, f"field 'published_at': {exc}",
                            error_type="MalformedRecord") from exc
    url = checked_url(record.get("url") or None, stage=STAGE)
    article = RawArticle(
        source_uri=source_uri,
        format="jsonl",
        text=record.get("text") or "",
        url=url,
        title=record.get("title") or None,
        author=record.get("author") or None,
        published_at=published_at,
        published_at_source="jsonl" if published_at else None,
        published_date=published_at.date() if published_at else None,
        language=record.get("language") or None,
        image=record.get("image") or None,
        source_name=record.get("source") or None,
        site_name=record.get("source") or None,
    )
    if article.text.strip():
        in_url = date_in_url(url) if published_at is None else None
        day = in_url.day if in_url is not None else None
        if day is not None:  # no date given, but the URL's path states one
            article.published_at, article.published_at_source = date_to_utc(day), "url"
            article.published_date = day
        return article
    if record.get("html"):
        page = extract_page(_as_document(storable(record["html"])), url=url)
        article.text = page.text
        article.title = article.title or page.title
        article.author = article.author or page.author
        article.site_name = article.site_name or page.site_name
        article.url = article.url or page.url
        article.language = article.language or page.language
        if article.published_at is None and page.published_at is not None:
            article.published_at = page.published_at
            article.published_at_source = page.published_at_source
            article.published_date = page.published_date
        article.modified_at = page.modified_at
        article.extracted = True
        return article
    raise ItemError(STAGE, "record has neither 'text' nor 'html'", error_type="MalformedRecord")

"""WARC archives (``.warc``, ``.warc.gz``), as in Common Crawl's news archive: every HTML
``response`` record is an article with its target URI and fetch date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.documents import article_from_document
from pipeline.errors import ItemError
from pipeline.records import FetchedDocument, ItemFailure, RawArticle, unexpected
from pipeline.sources.warc import WarcPage, read_warc
from pipeline.validate import ContentLimits


def read_warc_file(path: Path, limits: ContentLimits | None = None
                   ) -> Iterator[RawArticle | ItemFailure]:
    """Stream the archive record by record; a bad page or a truncated file loses nothing
    before it."""
    limits = limits or ContentLimits()
    for item in read_warc(path):
        if isinstance(item, ItemFailure):
            yield item
            continue
        yield _article(item, limits)


def _article(page: WarcPage, limits: ContentLimits) -> RawArticle | ItemFailure:
    document = FetchedDocument(url=page.target_uri, final_url=page.target_uri,
                               status=page.status, headers=page.headers,
                               fetched_at=page.fetched_at, body=page.body)
    try:
        return article_from_document(document, source_uri=page.target_uri, format="warc",
                                     max_decompressed_bytes=limits.max_decompressed_bytes)
    except ItemError as exc:
        return ItemFailure(page.target_uri, exc.stage, exc.error_type, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one record's surprise is that record's failure
        return unexpected(page.target_uri, "extract", exc)

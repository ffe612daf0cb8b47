"""HTML pages saved to disk: main text and metadata through :mod:`pipeline.extract`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.extract import extract_page
from pipeline.records import ItemFailure, RawArticle


def read_html(path: Path, content: bytes) -> Iterator[RawArticle | ItemFailure]:
    """One article per page; its bytes are decoded by ``<meta charset>``, else detection."""
    page = extract_page(content)
    yield RawArticle(
        source_uri=path.resolve().as_uri(),
        format="html",
        text=page.text,
        url=page.url,
        title=page.title,
        author=page.author,
        site_name=page.site_name,
        published_at=page.published_at,
        published_at_source=page.published_at_source,
        published_date=page.published_date,
        modified_at=page.modified_at,
        language=page.language,
        extracted=True,
    )

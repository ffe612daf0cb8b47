"""What earlier runs recorded about web sources: seen feed and sitemap entries, validators.

Reads happen before fetching; writes happen in the loader's transaction together with the
articles they cover (see :mod:`pipeline.load`), except for pages that did not change (304),
whose state is all there is to write.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from pipeline.db import schema
from pipeline.load import item_key, mark_fetched, mark_source_item
from pipeline.web import FetchedPages, PageRequest


def seen_items(engine: Engine, source_key: str) -> dict[str, str | None]:
    """Item key → version for every entry of a source handled before."""
    table = schema.SourceItem.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.item_key, table.c.version).where(
            table.c.source_key == source_key)).all()
    return dict(rows)


def with_validators(engine: Engine, requests: Iterable[PageRequest]) -> list[PageRequest]:
    """The requests, each carrying the ``ETag`` / ``Last-Modified`` stored for its URL."""
    requests = list(requests)
    table = schema.UrlState.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.url, table.c.etag, table.c.last_modified)
                                  .where(table.c.url.in_([r.url for r in requests]))).all()
    stored = {url: (etag, modified) for url, etag, modified in rows}
    for request in requests:
        request.etag, request.last_modified = stored.get(request.url, (None, None))
    return requests


def later_urls(engine: Engine, urls: list[str]) -> set[str]:
    """Those of ``urls`` that a capped run fetches last: fetched before (a ``url_state``
    row) or failing (an open ``ingest_errors`` row)."""
    states, errors = schema.UrlState.__table__, schema.IngestError.__table__
    found: set[str] = set()
    with engine.connect() as connection:
        for start in range(0, len(urls), 500):
            chunk = urls[start:start + 500]
            found.update(connection.execute(select(states.c.url).where(
                states.c.url.in_(chunk))).scalars())
            keys = {item_key(url): url for url in chunk}
            found.update(keys[key] for key in connection.execute(select(errors.c.item_key).where(
                errors.c.status == "open", errors.c.item_key.in_(list(keys)))).scalars())
    return found


def record_not_modified(engine: Engine, pages: FetchedPages) -> int:
    """Pages that answered 304: their validators were confirmed and their source entries are
    handled at this version. Returns how many."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for request, response in pages.not_modified:
            mark_fetched(connection, request.url, headers=response.headers, status=304,
                         fetched_at=response.fetched_at)
            if request.source_ref is not None:
                mark_source_item(connection, request.source_ref, article_id=None, now=now)
    return len(pages.not_modified)

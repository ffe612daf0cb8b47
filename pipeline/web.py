"""Web sources: URL lists, feeds and sitemaps become page requests; fetched pages become
raw articles.

The flow handles every web source the same way: a source expands into :class:`PageRequest`
items (fetching the feed or sitemap itself on the way), requests are fetched in batches, and
each response is extracted into a :class:`~pipeline.records.RawArticle` that remembers the
response, the URLs it was reached at and the source entry that listed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.documents import article_from_document
from pipeline.errors import ItemError
from pipeline.fetch import Fetcher, FetchError, FetchRequest, FetchResult
from pipeline.records import FetchedDocument, ItemFailure, RawArticle, SourceRef, unexpected
from pipeline.sources.feeds import parse_feed
from pipeline.sources.sitemaps import InvalidEntry, entries_since, parse_sitemap
from pipeline.urls import BadURL, check_url
from pipeline.validate import ContentLimits, validate_article
from pipeline.windows import Window

MAX_SITEMAP_DEPTH = 3
"""Sitemap indexes nest; deeper than this is a loop or a trap."""


@dataclass(slots=True)
class PageRequest:
    """A page to fetch, with what the listing already said about it."""

    url: str
    source_ref: SourceRef | None = None
    title: str | None = None
    published_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class Expansion:
    """What expanding a source gave: pages to fetch, failures, and how many it listed."""

    requests: list[PageRequest] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)
    listed: int = 0
    unchanged: int = 0
    """Entries skipped because they were handled before at the same version."""
    deferred: int = 0
    """New or changed entries left for the next run by a cap (``max_items_per_*``)."""
    capped: bool = False
    """A cap stopped the listing: ``deferred`` entries, and possibly child sitemaps not
    read at all, are left for the next run."""

    def merge(self, other: Expansion) -> None:
        self.requests += other.requests
        self.failures += other.failures
        self.listed += other.listed
        self.unchanged += other.unchanged
        self.deferred += other.deferred
        self.capped = self.capped or other.capped


LISTED_ITEM_STAGE = "read"
"""The stage of a listed item that is not a fetchable URL: the item failed as it was read
from its list, feed or sitemap (``feed`` and ``sitemap`` failures are the listing's own)."""


def requests_from_urls(urls: Iterable[str]) -> Expansion:
    """Plain URLs (arguments or ``--urls FILE`` lines); one that is not a valid http(s) URL
    is a failure (``InvalidURL``, ``UnsupportedScheme``) and the others go on."""
    expansion = Expansion()
    for url in urls:
        url = url.strip()
        if not url or url.startswith("#"):
            continue
        expansion.listed += 1
        try:
            expansion.requests.append(PageRequest(check_url(url)))
        except BadURL as exc:
            expansion.failures.append(ItemFailure(url, LISTED_ITEM_STAGE, exc.error_type,
                                                  exc.reason))
    return expansion


def _invalid(expansion: Expansion, entries: Iterable[InvalidEntry],
             window: Window | None) -> None:
    for entry in entries:
        if window is None or window.contains(entry.dated):
            expansion.listed += 1
            expansion.failures.append(ItemFailure(entry.written, LISTED_ITEM_STAGE,
                                                  entry.error_type, entry.reason))


def cap_requests(expansion: Expansion, limit: int | None,
                 later: Callable[[list[str]], set[str]]) -> None:
    """Keep at most ``limit`` requests; the rest are left for the next run, which lists them
    again because nothing recorded them as handled. Requests for URLs in ``later(urls)``
    (fetched before, or failing) go after the others, so a run always gets to new pages and
    items that keep failing cannot crowd them out."""
    if limit is None or len(expansion.requests) <= limit:
        return
    behind = later([request.url for request in expansion.requests])
    ordered = sorted(expansion.requests, key=lambda request: request.url in behind)
    expansion.requests = ordered[:limit]
    expansion.deferred += len(ordered) - limit
    expansion.capped = True


def _failure(url: str, stage: str, exc: FetchError | ItemError) -> ItemFailure:
    """``stage`` is ``fetch`` for pages, ``feed`` or ``sitemap`` for listings: a listing that
    cannot be fetched is a failure of the whole source, not of one page."""
    if isinstance(exc, FetchError):
        return ItemFailure(url, stage, exc.error_type, exc.reason)
    return ItemFailure(url, exc.stage or stage, exc.error_type, exc.reason)


def requests_from_feed(fetcher: Fetcher, feed_url: str,
                       seen: dict[str, str | None], *, window: Window | None = None,
                       ) -> Expansion:
    """Entries of an RSS/Atom feed not handled before at the same version.

    ``seen`` maps entry ids to the version (entry date) recorded when they were loaded. With a
    ``window``, only entries dated inside it are listed (an undated entry is in no window).
    """
    expansion = Expansion()
    try:
        feed = parse_feed(fetcher.fetch(feed_url).body, url=feed_url)
    except (FetchError, ItemError) as exc:
        expansion.failures.append(_failure(feed_url, "feed", exc))
        return expansion
    _invalid(expansion, feed.invalid, window)
    key = f"feed:{feed_url}"
    for entry in feed.entries:
        if window is not None and not window.contains(entry.published_at):
            continue
        expansion.listed += 1
        version = entry.published_at.isoformat() if entry.published_at else None
        if entry.entry_id in seen and seen[entry.entry_id] == version:
            expansion.unchanged += 1
            continue
        expansion.requests.append(PageRequest(
            entry.link, SourceRef(key, entry.entry_id, version), title=entry.title,
            published_at=entry.published_at))
    return expansion


def requests_from_sitemap(fetcher: Fetcher, sitemap_url: str, seen: dict[str, str | None], *,
                          since: datetime | None = None, max_bytes: int = 50_000_000,
                          window: Window | None = None,
                          max_items: int | None = None) -> Expansion:
    """URLs of a sitemap (following sitemap indexes), changed since they were last handled
    and, with ``since``, modified on or after it; with a ``window``, only URLs whose
    ``lastmod`` falls inside it (child sitemaps modified before the window are not read).

    Once ``max_items`` requests are found, the child sitemaps not read yet are left for the
    next run (``capped``); the caller cuts the requests to the cap (:func:`cap_requests`)."""
    if window is not None:
        since = max(since, window.start) if since else window.start
    expansion = Expansion()
    key = f"sitemap:{sitemap_url}"
    pending, visited = [(sitemap_url, 0)], set()
    while pending:
        if max_items is not None and len(expansion.requests) >= max_items:
            expansion.capped = True
            break
        url, depth = pending.pop(0)
        if url in visited:
            continue
        visited.add(url)
        try:
            sitemap = parse_sitemap(fetcher.fetch(url).body, url=url,
                                    max_decompressed_bytes=max_bytes)
        except (FetchError, ItemError) as exc:
            expansion.failures.append(_failure(url, "sitemap", exc))
            continue
        if sitemap.kind == "index":
            # A child sitemap that cannot be fetched is a listing failure, as a failed fetch
            # of it would be.
            expansion.failures += [ItemFailure(e.written, "sitemap", e.error_type, e.reason)
                                   for e in sitemap.invalid]
            if depth + 1 > MAX_SITEMAP_DEPTH:
                expansion.failures.append(ItemFailure(url, "sitemap", "SitemapTooDeep",
                                                      f"index nested over {MAX_SITEMAP_DEPTH} "
                                                      "levels; not followed"))
                continue
            pending.extend((entry.loc, depth + 1) for entry in entries_since(sitemap.entries,
                                                                             since))
            continue
        _invalid(expansion, (e for e in sitemap.invalid
                             if e.dated is None or since is None or e.dated >= since), window)
        for entry in entries_since(sitemap.entries, since):
            if window is not None and not window.contains(entry.lastmod):
                continue
            expansion.listed += 1
            version = entry.lastmod.isoformat() if entry.lastmod else None
            if entry.loc in seen and (version is None or seen[entry.loc] == version):
                expansion.unchanged += 1
                continue
            expansion.requests.append(PageRequest(entry.loc, SourceRef(key, entry.loc, version),
                                                  published_at=None))
    return expansion


@dataclass(slots=True)
class FetchedPages:
    """The outcome of fetching a batch of page requests."""

    articles: list[RawArticle] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)
    not_modified: list[tuple[PageRequest, FetchResult]] = field(default_factory=list)


PAGE_STAGE = "extract"


def article_from_response(request: PageRequest, response: FetchResult,
                          limits: ContentLimits | None = None) -> RawArticle:
    """A fetched page as a raw article, validated against ``limits``."""
    limits = limits or ContentLimits()
    document = FetchedDocument(url=request.url, final_url=response.final_url,
                               status=response.status, headers=response.headers,
                               fetched_at=response.fetched_at, body=response.body)
    article = article_from_document(document, source_uri=request.url, format="web",
                                    listing_title=request.title,
                                    listing_published_at=request.published_at,
                                    source_ref=request.source_ref,
                                    max_decompressed_bytes=limits.max_decompressed_bytes)
    return validate_article(article, stage=PAGE_STAGE, limits=limits)


def fetch_pages(fetcher: Fetcher, requests: list[PageRequest],
                limits: ContentLimits | None = None) -> FetchedPages:
    """Fetch a batch concurrently and extract every page; one failure never stops the rest."""
    outcome = FetchedPages()
    by_url = {request.url: request for request in requests}
    fetches = (FetchRequest(r.url, etag=r.etag, last_modified=r.last_modified)
               for r in requests)
    for result in fetcher.fetch_many(fetches):
        if isinstance(result, FetchError):
            outcome.failures.append(_failure(result.url, "fetch", result))
            continue
        request = by_url[result.url]
        if result.not_modified:
            outcome.not_modified.append((request, result))
            continue
        try:
            outcome.articles.append(article_from_response(request, result, limits))
        except ItemError as exc:
            outcome.failures.append(_failure(request.url, PAGE_STAGE, exc))
        except Exception as exc:  # noqa: BLE001 - one page's surprise is that page's failure
            outcome.failures.append(unexpected(request.url, PAGE_STAGE, exc))
    return outcome

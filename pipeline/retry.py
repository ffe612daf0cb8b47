"""Retrying quarantined items: the open rows of ``ingest_errors``, read or fetched again.

An error row names its item by ``source_uri``; what a retry does depends on what that is:

- ``file:///…`` — the file is read again with the reader for its suffix and every article
  in it goes through the ingest stages (a JSONL file that failed as a whole, a truncated WARC
  archive: all of it, articles already loaded count as duplicates).
- ``file:///….jsonl#line=N`` — the file is read again and only line ``N`` is kept.
- ``http(s)://…`` — a page is fetched again (with no conditional-GET validators, so the
  server sends a body). A feed or sitemap URL (the run that failed named it with
  ``--feed``/``--sitemap``, or it failed at the ``feed``/``sitemap`` stage) is fetched and
  parsed again; the item is resolved when it parses, and its entries not handled before are
  fetched and loaded as an ingest run would (their failures become errors of their own).
- an ``http(s)`` URI that a run reading only local files quarantined is a page of a WARC
  archive: the archives that run read are scanned for that record again (never fetched from
  the web). An archive that is gone leaves the item failing.
- errors of a ``reprocess`` run: the article is reprocessed again (see
  :mod:`pipeline.reprocess`).
- anything else (a string that was never a URL) cannot be retried and stays open with the
  attempt counted.

Before any of that, an item that is loaded by now (an article with that ``source_uri``, or
with that URL) is resolved without reading or fetching anything.

An item's open rows are resolved (``status`` ``resolved``, ``resolved_at``) when it goes
through, and updated in place when it fails again (``attempts`` + 1, ``last_attempt_at``,
the new stage, type and message): a retry never adds a second open row for an item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from sqlalchemy import Engine, select

from pipeline.db import schema
from pipeline.errors import RunError
from pipeline.fetch import Fetcher
from pipeline.readers import STREAM_READERS, discover_files, read_file
from pipeline.records import ItemFailure, RawArticle
from pipeline.reprocess import FLOW_NAME as REPROCESS_FLOW
from pipeline.settings import Settings
from pipeline.state import later_urls, seen_items
from pipeline.urls import normalize_url
from pipeline.validate import ContentLimits
from pipeline.web import (
    Expansion,
    PageRequest,
    cap_requests,
    requests_from_feed,
    requests_from_sitemap,
)

FLOW_NAME = "retry-failed"

LOCAL_KINDS = ("file", "line", "archived")
WEB_KINDS = ("page", "feed", "sitemap")


@dataclass(frozen=True, slots=True)
class RetryItem:
    """One quarantined item (all its open rows share the ``source_uri``)."""

    source_uri: str
    kind: str
    """``file``, ``line`` (a JSONL line), ``archived`` (a page of a WARC archive), ``page``,
    ``feed``, ``sitemap``, ``reprocess`` or ``unknown``."""
    stage: str
    source_id: int | None = None
    archives: tuple[str, ...] = ()
    """For ``archived`` items: the paths the failed run read."""

    @property
    def path(self) -> Path:
        """The local file a ``file://`` URI names (without its ``#line=N``)."""
        return file_path(self.source_uri)


def file_path(uri: str) -> Path:
    parts = urlsplit(uri)
    return Path(url2pathname(unquote(parts.path)))


def _web(uri: str) -> bool:
    return uri.lower().startswith(("http://", "https://"))


def classify(uri: str, stage: str, flow_name: str | None, parameters: dict[str, Any] | None
             ) -> tuple[str, tuple[str, ...]]:
    """What kind of item an error row names, from its URI, stage and the run that failed."""
    params = parameters or {}
    if flow_name == REPROCESS_FLOW:
        return "reprocess", ()
    if uri.startswith("file://"):
        return ("line" if "#line=" in uri else "file"), ()
    if not _web(uri):
        return "unknown", ()
    feeds, sitemaps = params.get("feeds") or [], params.get("sitemaps") or []
    urls, paths = params.get("urls") or [], params.get("paths") or []
    if uri in feeds or stage == "feed":
        return "feed", ()
    if uri in sitemaps or stage == "sitemap":
        return "sitemap", ()
    if stage != "fetch" and paths and not feeds and not sitemaps and uri not in urls:
        return "archived", tuple(str(p) for p in paths)
    return "page", ()


def open_items(engine: Engine, *, stage: str | None = None) -> list[RetryItem]:
    """The distinct items with open errors (optionally at one stage), oldest first; the
    newest open row of an item says how it failed."""
    errors, runs = schema.IngestError.__table__, schema.PipelineRun.__table__
    where = [errors.c.status == "open"]
    if stage:
        where.append(errors.c.stage == stage)
    with engine.connect() as connection:
        rows = connection.execute(
            select(errors.c.source_uri, errors.c.stage, errors.c.source_id, runs.c.flow_name,
                   runs.c.parameters)
            .select_from(errors.outerjoin(runs, runs.c.id == errors.c.run_id))
            .where(*where).order_by(errors.c.id)).all()
    items: dict[str, RetryItem] = {}
    for uri, row_stage, source, flow_name, parameters in rows:
        kind, archives = classify(uri, row_stage, flow_name, parameters)
        items.pop(uri, None)  # keep first-failed order, the newest row's description
        items[uri] = RetryItem(uri, kind, row_stage, source, archives)
    order = {uri: index for index, (uri, *_rest) in enumerate(rows)}
    return sorted(items.values(), key=lambda item: order[item.source_uri])


def loaded_already(engine: Engine, items: Sequence[RetryItem]) -> set[str]:
    """The items that are in the database by now: an article read from that URI, or (for
    web pages) an article seen at that URL."""
    articles, urls = schema.Article.__table__, schema.ArticleUrl.__table__
    candidates = [i for i in items if i.kind in ("file", "line", "page", "archived")]
    found: set[str] = set()
    with engine.connect() as connection:
        for start in range(0, len(candidates), 500):
            chunk = candidates[start:start + 500]
            uris = [item.source_uri for item in chunk]
            found.update(connection.execute(select(articles.c.source_uri).where(
                articles.c.source_uri.in_(uris))).scalars())
            normalized = {normalize_url(i.source_uri): i.source_uri for i in chunk
                          if _web(i.source_uri) and normalize_url(i.source_uri)}
            if normalized:
                seen = set(connection.execute(select(urls.c.url).where(
                    urls.c.url.in_(list(normalized)))).scalars())
                seen |= set(connection.execute(select(articles.c.url).where(
                    articles.c.url.in_(list(normalized)))).scalars())
                found.update(normalized[url] for url in seen)
    return found


@dataclass(slots=True)
class Gathered:
    """Raw articles and failures that retrying some items produced."""

    articles: list[RawArticle] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)
    requests: list[PageRequest] = field(default_factory=list)
    """Pages still to fetch (feed and sitemap entries, retried pages)."""
    resolved: list[str] = field(default_factory=list)
    """Items that went through at this step (a feed or sitemap that parses again)."""


def read_local(items: Iterable[RetryItem], *, max_file_bytes: int,
               limits: ContentLimits | None = None) -> Gathered:
    """Read the files of ``file``/``line`` items again, keeping for a ``line`` item only its
    line, and scan the archives of ``archived`` items for their records."""
    gathered = Gathered()
    wanted: dict[Path, set[str] | None] = {}  # None: every article of the file
    archived: dict[tuple[str, ...], set[str]] = {}
    for item in items:
        if item.kind == "archived":
            archived.setdefault(item.archives, set()).add(item.source_uri)
            continue
        path = item.path
        if item.kind == "file" or wanted.get(path, set()) is None:
            wanted[path] = None
        else:
            wanted.setdefault(path, set()).add(item.source_uri)  # type: ignore[union-attr]
    for path, lines in wanted.items():
        _keep(gathered, read_file(path, max_bytes=max_file_bytes, limits=limits), lines,
              whole_file=path.resolve().as_uri())
    for paths, uris in archived.items():
        _scan_archives(gathered, paths, uris, max_file_bytes=max_file_bytes, limits=limits)
    return gathered


def _keep(gathered: Gathered, produced: Iterable[RawArticle | ItemFailure],
          wanted: set[str] | None, *, whole_file: str) -> None:
    for item in produced:
        if isinstance(item, ItemFailure) and wanted is not None and item.source_uri == whole_file:
            # the file as a whole failed (gone, too large, not UTF-8): so did each wanted line
            gathered.failures += [ItemFailure(uri, item.stage, item.error_type, item.message)
                                  for uri in sorted(wanted)]
        elif wanted is None or item.source_uri in wanted:
            (gathered.failures if isinstance(item, ItemFailure) else gathered.articles
             ).append(item)  # type: ignore[arg-type]


def _scan_archives(gathered: Gathered, paths: tuple[str, ...], uris: set[str], *,
                   max_file_bytes: int, limits: ContentLimits | None) -> None:
    try:
        archives = [f for f in discover_files([p for p in paths if Path(p).exists()]).files
                    if "".join(f.suffixes[-2:]).lower() in STREAM_READERS
                    or f.suffix.lower() in STREAM_READERS]
    except RunError as exc:
        gathered.failures += [ItemFailure(uri, "read", "ArchiveGone", str(exc))
                              for uri in sorted(uris)]
        return
    for archive in archives:
        for item in read_file(archive, max_bytes=max_file_bytes, limits=limits):
            if item.source_uri in uris:
                (gathered.failures if isinstance(item, ItemFailure) else gathered.articles
                 ).append(item)  # type: ignore[arg-type]


def expand_web(engine: Engine, fetcher: Fetcher, items: Iterable[RetryItem],
               settings: Settings) -> Gathered:
    """Page requests for ``page`` items; feeds and sitemaps fetched and parsed again, their
    entries not handled before added as requests."""
    gathered = Gathered()
    later = partial(later_urls, engine)
    for item in items:
        if item.kind == "page":
            gathered.requests.append(PageRequest(item.source_uri))
            continue
        if item.kind == "feed":
            expansion = requests_from_feed(fetcher, item.source_uri,
                                           seen_items(engine, f"feed:{item.source_uri}"))
            cap_requests(expansion, settings.max_items_per_feed, later)
        else:
            expansion = requests_from_sitemap(
                fetcher, item.source_uri, seen_items(engine, f"sitemap:{item.source_uri}"),
                max_bytes=settings.fetch.max_decompressed_bytes,
                max_items=settings.max_items_per_sitemap)
            cap_requests(expansion, settings.max_items_per_sitemap, later)
        gathered.failures += expansion.failures
        gathered.requests += expansion.requests
        if not any(f.source_uri == item.source_uri for f in expansion.failures):
            gathered.resolved.append(item.source_uri)
    unique = {request.url: request for request in gathered.requests}
    gathered.requests = list(unique.values())
    capped = Expansion(requests=gathered.requests)
    # In order: the retried pages come first, then what their feeds and sitemaps listed.
    cap_requests(capped, settings.max_items_per_run, lambda _urls: set())
    gathered.requests = capped.requests
    return gathered


def not_retryable(item: RetryItem) -> ItemFailure:
    return ItemFailure(item.source_uri, item.stage, "NotRetryable",
                       "neither a file:// URI nor an http(s) URL: nothing to read or fetch "
                       "again")


def outcomes(*, required: Iterable[str], optimistic: Iterable[str],
             succeeded: Iterable[str], failures: Iterable[ItemFailure]
             ) -> dict[str, ItemFailure | None]:
    """Each URI's outcome: its first failure, else ``None`` when it went through.

    ``required`` items must have produced an article that loaded (a page, a JSONL line, an
    archived record): one that produced nothing failed (the line is gone). ``optimistic``
    items (a whole file, a feed) went through unless a failure names them.
    """
    result: dict[str, ItemFailure | None] = dict.fromkeys([*optimistic, *succeeded])
    for failure in failures:
        if result.get(failure.source_uri) is None:
            result[failure.source_uri] = failure
    for uri in required:
        if uri not in result:
            result[uri] = ItemFailure(uri, "read", "NotFound",
                                      "the item is no longer in its file or archive")
    return result


@dataclass(slots=True)
class RetrySummary:
    """What a retry run did; the CLI prints it, the flow returns it."""

    run_id: int
    database: str
    items: int = 0
    """Distinct items with open errors that were retried."""
    resolved: int = 0
    already_loaded: int = 0
    """Of the resolved: found loaded by now, nothing read or fetched."""
    still_failing: int = 0
    new_failures: int = 0
    """Items that failed for the first time (feed entries, articles of a re-read file)."""
    new: int = 0
    duplicate: int = 0
    mentions: int = 0
    events: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    still_failing_by_stage: dict[str, int] = field(default_factory=dict)
    pipeline_version: str = ""

    def run_counts(self) -> dict[str, Any]:
        counts: dict[str, Any] = {
            "read_count": self.items, "new_count": self.new,
            "duplicate_count": self.duplicate,
            "failed_count": self.still_failing + self.new_failures,
            "mention_count": self.mentions, "event_count": self.events}
        if self.pipeline_version:
            counts["pipeline_version"] = self.pipeline_version
        return counts

    def message(self) -> str:
        return (f"{self.items} items retried: {self.resolved} resolved "
                f"({self.already_loaded} already loaded), {self.still_failing} still failing, "
                f"{self.new_failures} new failures")

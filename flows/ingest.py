"""The ``ingest`` flow: read or fetch → clean → entities and events → load, one batch of
articles per task run.

Thin wiring over :mod:`pipeline`: the stages are plain functions; this module adds batching,
retries of transient failures, the ``pipeline_runs`` row and progress reporting. Local files
are read as they stream; web sources (URLs, feeds, sitemaps) are first expanded into page
requests, then fetched batch by batch; from there every batch takes the same path.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from sqlalchemy import Engine

from flows.reporting import publish_summary
from flows.runners import max_in_flight
from flows.tracking import Done, logger_for, run_task, submit_task, tracked
from pipeline import __version__
from pipeline.analysis import Analyzer
from pipeline.clean import clean_articles
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.errors import TransientError
from pipeline.fetch import Fetcher
from pipeline.inputs import FileTracker, record_loaded, skip_unchanged, stored_articles
from pipeline.load import load_articles, record_failures
from pipeline.nlp_budget import analyse_within
from pipeline.nlp_pool import AnalysisPool, FileRead, Outcome, report_each
from pipeline.nlp_pool import collect as collect_chunks
from pipeline.readers import discover_files, is_streamed, read_file, warc_file_time
from pipeline.records import (
    AnalyzedArticle,
    Article,
    ItemFailure,
    RawArticle,
    StageResult,
    unexpected,
)
from pipeline.runs import finish_run, start_run, touch_run
from pipeline.settings import Settings, load_settings
from pipeline.state import later_urls, record_not_modified, seen_items, with_validators
from pipeline.validate import ContentLimits
from pipeline.web import (
    Expansion,
    FetchedPages,
    PageRequest,
    cap_requests,
    fetch_pages,
    requests_from_feed,
    requests_from_sitemap,
    requests_from_urls,
)
from pipeline.windows import Window


def _transient_only(_task: Any, _task_run: Any, state: Any) -> bool:
    """Retry a task only when it failed with a :class:`TransientError`."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:  # noqa: BLE001 - any other failure is terminal
        return False
    return False


@task(name="clean", cache_policy=NO_CACHE)
def clean_task(batch: list[RawArticle], min_words: int) -> StageResult[Article]:
    return clean_articles(batch, min_words=min_words)


@task(name="entities-and-events", cache_policy=NO_CACHE)
def entities_task(articles: list[Article] | StageResult[Article], analyzer: Analyzer,
                  on_done: Callable[[int], None] | None = None) -> StageResult[AnalyzedArticle]:
    """Entities and events of cleaned articles, within the batch's NLP budget; given the
    clean task's result (or its future, when submitted), the articles that passed cleaning.
    ``on_done(n)`` hears of every n articles analysed."""
    if isinstance(articles, StageResult):
        articles = articles.ok
    settings = analyzer.settings
    return analyse_within(partial(analyzer.analyse, on_done=on_done), articles,
                          seconds=settings.nlp_batch_seconds,
                          slice_size=settings.nlp_batch_size * settings.nlp_processes)


@task(name="load", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 20],
      retry_condition_fn=_transient_only)
def load_task(engine: Engine, batch: list[AnalyzedArticle], run_id: int, pipeline_version: str,
              source_id: int | None = None) -> dict[str, int]:
    result = load_articles(engine, batch, run_id=run_id, pipeline_version=pipeline_version,
                           source_id=source_id)
    record_failures(engine, result.failed, run_id=run_id, source_id=source_id)
    return {"new": result.new, "duplicate": result.duplicate,
            "near_duplicate": result.near_duplicate, "mentions": result.mentions,
            "events": result.events, "failed": len(result.failed),
            "stored": result.stored, "failed_uris": [f.source_uri for f in result.failed]}


@task(name="quarantine", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 20],
      retry_condition_fn=_transient_only)
def quarantine_task(engine: Engine, failures: list[ItemFailure], run_id: int,
                    source_id: int | None = None) -> int:
    record_failures(engine, failures, run_id=run_id, source_id=source_id)
    return len(failures)


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run did; the CLI prints it, the flow returns it."""

    run_id: int
    database: str
    files: int = 0
    skipped_files: int = 0
    pages: int = 0
    """Web pages to fetch (URLs given, feed entries and sitemap URLs new or changed)."""
    listed: int = 0
    """Entries the feeds and sitemaps listed (before skipping unchanged ones)."""
    unchanged: int = 0
    """Listed entries skipped: handled by an earlier run at the same version."""
    not_modified: int = 0
    """Pages the server answered 304 Not Modified for."""
    read: int = 0
    new: int = 0
    duplicate: int = 0
    near_duplicate: int = 0
    failed: int = 0
    mentions: int = 0
    events: int = 0
    outside_window: int = 0
    """Articles read from local files whose date falls outside the run's window."""
    deferred: int = 0
    """Listed pages left for the next run by a cap (``max_items_per_*``)."""
    capped: bool = False
    """A cap stopped a listing: ``deferred`` pages (and maybe unread child sitemaps) wait
    for the next run."""
    skipped_detail: str = ""
    """What was not read under the given directories, and why."""
    unchanged_files: int = 0
    """Files skipped unread: loaded before, same size and modification time."""
    same_digest_files: int = 0
    """Files skipped unread: loaded before, size or time changed but the same bytes."""
    outdated_files: int = 0
    """Of the skipped files, those whose stored rows come from another ``pipeline_version``
    (``newsflow reprocess`` brings them up to date)."""
    known_content: int = 0
    """Articles read whose content or URL was already stored: loaded as duplicates without
    NLP."""
    not_analysed: dict[str, int] = field(default_factory=dict)
    """Articles in a language the NLP stage does not read (setting ``languages``), by
    language: loaded, with no mentions and no events."""
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    failures_by_stage: dict[str, int] = field(default_factory=dict)
    pipeline_version: str = ""


ProgressCallback = Callable[[IngestSummary, int, int], None]
"""Called after each batch with the summary so far, the units (files and pages) done and the
units in all."""


@task(name="expand-web-sources", cache_policy=NO_CACHE)
def expand_task(engine: Engine, fetcher: Fetcher, urls: list[str], feeds: list[str],
                sitemaps: list[str], since: datetime | None, settings: Settings,
                window: Window | None = None) -> Expansion:
    """Every web source as page requests; feeds and sitemaps skip entries handled before.
    Each feed, each sitemap and the run as a whole are capped (``max_items_per_*``); what a
    cap leaves waits for the next run."""
    later = partial(later_urls, engine)
    expansion = requests_from_urls(urls)
    for feed in feeds:
        listing = requests_from_feed(fetcher, feed, seen_items(engine, f"feed:{feed}"),
                                     window=window)
        cap_requests(listing, settings.max_items_per_feed, later)
        expansion.merge(listing)
    for sitemap in sitemaps:
        listing = requests_from_sitemap(
            fetcher, sitemap, seen_items(engine, f"sitemap:{sitemap}"), since=since,
            max_bytes=settings.fetch.max_decompressed_bytes, window=window,
            max_items=settings.max_items_per_sitemap)
        cap_requests(listing, settings.max_items_per_sitemap, later)
        expansion.merge(listing)
    unique = {request.url: request for request in expansion.requests}
    # The same page listed twice (two feeds, a feed and a sitemap) is fetched once.
    expansion.unchanged += len(expansion.requests) - len(unique)
    expansion.requests = list(unique.values())
    cap_requests(expansion, settings.max_items_per_run, later)
    expansion.requests = with_validators(engine, expansion.requests)
    return expansion


@task(name="fetch", cache_policy=NO_CACHE)
def fetch_task(engine: Engine, fetcher: Fetcher, requests: list[PageRequest],
               limits: ContentLimits | None = None) -> FetchedPages:
    pages = fetch_pages(fetcher, requests, limits)
    record_not_modified(engine, pages)
    return pages


Batch = tuple[list[RawArticle], list[ItemFailure], int]
"""Articles, failures, and how many input units (files or pages) the batch finished."""


def _file_batches(files: list[Path], settings: Settings, window: Window | None,
                  summary: IngestSummary, tracker: FileTracker | None = None) -> Iterator[Batch]:
    """Stream articles file by file in batches of ``batch_size``.

    With a window, a WARC file named with its crawl time (Common Crawl's
    ``CC-NEWS-20240920123456-00001.warc.gz``) is read only when that time is in the window;
    other articles are kept when their date (``published_at``, or the WARC record's fetch
    time) is in it.

    A ``tracker`` follows each file from before it is read to the batch it ended in, so that
    files whose every article is stored can be recorded (``input_files``).
    """
    articles: list[RawArticle] = []
    failures: list[ItemFailure] = []
    done = 0
    limits = ContentLimits.from_settings(settings)
    for path in files:
        file_time = warc_file_time(path) if window is not None else None
        if file_time is not None and not window.contains(file_time):  # type: ignore[union-attr]
            done += 1
            continue
        tracked = tracker is not None and tracker.begin(path)
        for item in read_file(path, max_bytes=settings.max_file_bytes, limits=limits):
            if tracked:
                tracker.item(path, item.source_uri)  # type: ignore[union-attr]
            if isinstance(item, ItemFailure):
                failures.append(item)
                if tracked:
                    tracker.fail(path)  # type: ignore[union-attr]
            elif (window is not None and file_time is None
                  and not window.contains(item.published_at or item.fetched_at)):
                summary.outside_window += 1
            else:
                articles.append(item)
            if len(articles) >= settings.batch_size:
                if tracker is not None:
                    tracker.batch_yielded()
                yield articles, failures, done
                articles, failures, done = [], [], 0
        if tracked:
            tracker.end(path)  # type: ignore[union-attr]
        done += 1
    if articles or failures or done:
        if tracker is not None:
            tracker.batch_yielded()
        yield articles, failures, done


def _web_batches(engine: Engine, fetcher: Fetcher, requests: list[PageRequest],
                 settings: Settings, summary: IngestSummary) -> Iterator[Batch]:
    limits = ContentLimits.from_settings(settings)
    for start in range(0, len(requests), settings.batch_size):
        chunk = requests[start:start + settings.batch_size]
        pages = run_task(fetch_task, engine, fetcher, chunk, limits)
        summary.not_modified += len(pages.not_modified)
        yield pages.articles, pages.failures, len(chunk)


@flow(name="ingest", log_prints=False, validate_parameters=False)
def ingest_flow(paths: list[str] | None = None, urls: list[str] | None = None,
                feeds: list[str] | None = None, sitemaps: list[str] | None = None,
                since: datetime | None = None, database_url: str | None = None,
                batch_size: int | None = None, settings: Settings | None = None,
                progress: ProgressCallback | None = None, source_id: int | None = None,
                window: Window | None = None, flow_name: str = "ingest",
                analyzer: Analyzer | None = None, force: bool = False) -> IngestSummary:
    """Ingest local files and web sources into the database.

    Args:
        paths: files and directories (``.txt``, ``.html``, ``.jsonl``, ``.warc[.gz]``);
            directories are read recursively.
        urls: article URLs to fetch.
        feeds: RSS/Atom feed URLs; each entry's page is fetched.
        sitemaps: sitemap or sitemap-index URLs; each listed page is fetched.
        since: with sitemaps, only URLs whose ``lastmod`` is on or after this time.
        database_url: overrides ``NEWSFLOW_DATABASE_URL``.
        batch_size: articles per task run; overrides ``NEWSFLOW_BATCH_SIZE``.
        settings: fully resolved settings (the CLI passes them); resolved here when absent.
        progress: optional callback for progress display.
        source_id: the named source these inputs belong to; recorded on every article,
            error and on the run.
        window: only items the source dates inside this window (a backfill window).
        flow_name: what the ``pipeline_runs`` row calls this run.
        analyzer: the loaded model and coder to use (a backfill passes one to all its
            windows); built from ``settings`` when absent.
        force: read every file, even those loaded before and unchanged since (articles
            already stored still skip the NLP: loading them again would add nothing).
    """
    logger = logger_for(__name__)
    paths, urls, feeds, sitemaps = paths or [], urls or [], feeds or [], sitemaps or []
    settings = settings or load_settings(database_url=database_url, batch_size=batch_size)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    discovery = discover_files(paths)
    run_id = start_run(engine, flow_name=flow_name,
                       flow_run_id=str(flow_run.id or "") or None,
                       pipeline_version=__version__, source_id=source_id,
                       silence_seconds=settings.lease_seconds,
                       parameters={"paths": [str(p) for p in paths], "urls": urls,
                                   "feeds": feeds, "sitemaps": sitemaps,
                                   "since": since.isoformat() if since else None,
                                   "window": str(window) if window else None,
                                   "batch_size": settings.batch_size,
                                   "spacy_model": settings.spacy_model})
    summary = IngestSummary(run_id=run_id, database=engine.url.render_as_string(True),
                            files=len(discovery.files), skipped_files=len(discovery.skipped),
                            skipped_detail=discovery.skipped_summary())
    logger.info("run %s: %d files to read (not read: %s)", run_id, summary.files,
                summary.skipped_detail or "none")
    timer = _StageTimer(summary.stage_seconds)
    fetcher = Fetcher(settings.fetch) if urls or feeds or sitemaps else None
    own_analyzer = analyzer is None
    try:
        with timer("setup"):
            analyzer = analyzer or Analyzer(settings)
        summary.pipeline_version = analyzer.version
        files = discovery.files
        if not force and window is None and files:
            with timer("skip"):
                skipped = skip_unchanged(engine, files, analyzer.version)
            files = skipped.to_read
            summary.unchanged_files, summary.same_digest_files = (skipped.unchanged,
                                                                  skipped.same_digest)
            summary.outdated_files = skipped.outdated
        tracker = FileTracker() if window is None else None
        sources = [("read", _file_batches(files, settings, window, summary, tracker))]
        if discovery.unreadable:
            _quarantine(engine, discovery.unreadable, run_id, summary, source_id)
        if fetcher is not None:
            with timer("fetch"):
                expansion = run_task(expand_task, engine, fetcher, urls, feeds, sitemaps, since,
                                     settings, window)
            summary.pages, summary.listed = len(expansion.requests), expansion.listed
            summary.unchanged = expansion.unchanged
            summary.deferred, summary.capped = expansion.deferred, expansion.capped
            if expansion.failures:
                _quarantine(engine, expansion.failures, run_id, summary, source_id)
            sources.append(("fetch", _web_batches(engine, fetcher, expansion.requests,
                                                  settings, summary)))
        if (own_analyzer and not settings.dask_address
                and len(files) + summary.pages >= POOL_MIN_ITEMS):
            # the workers load the models while the flow reads; without a Prefect run (no
            # engine threads in this process) they are forked from it, imports and all
            analyzer.start_pool(fork=not tracked())
        skipped_units = summary.unchanged_files + summary.same_digest_files
        total, done = summary.files + summary.pages, skipped_units
        if progress and skipped_units:
            progress(summary, done, total)
        limit = max_in_flight()
        ticks = _Ticks(progress, summary)
        in_flight: deque[_Submitted] = deque()
        pool, stream_progress = analyzer.pool, None
        if (pool is not None and not tracked() and window is None and files
                and not any(is_streamed(path) for path in files)):
            # untracked, on the pool: read, clean and analyse on the workers, load here
            stream_progress = _StreamProgress(progress, summary, done, total)
            sources[0] = ("stream", _streamed_batches(
                files, pool, engine=engine, settings=settings, timer=timer, tracker=tracker,
                progress=stream_progress))
            limit = 2

        def collect() -> None:
            nonlocal done
            submitted = in_flight.popleft()
            stored, failed_uris = _load(submitted, engine=engine, run_id=run_id,
                                        analyzer=analyzer, summary=summary, timer=timer,
                                        source_id=source_id)
            if tracker is not None and submitted.stage == "read":
                settled = tracker.batch_loaded(stored, failed_uris)
                if settled:
                    with timer("load"):
                        record_loaded(engine, settled, run_id=run_id)
            done += submitted.units
            if stream_progress is not None:
                stream_progress.loaded(done)
            else:
                ticks.batch_done(done, total)
            touch_run(engine, run_id)
            logger.info("batch done: %d read, %d new, %d duplicate, %d failed so far",
                        summary.read, summary.new, summary.duplicate, summary.failed)

        for stage, batches in sources:
            while True:
                if stage == "stream":  # times its own waits
                    submitted = next(batches, None)  # type: ignore[call-overload]
                    if submitted is None:
                        break
                    in_flight.append(submitted)
                    while len(in_flight) >= limit:
                        collect()
                    continue
                with timer(stage):
                    batch = next(batches, None)
                if batch is None:
                    break
                with timer("clean"):
                    submitted = _submit(*batch, analyzer=analyzer, settings=settings,
                                        engine=engine, stage=stage,
                                        on_done=ticks.start_batch(done, batch[2], total))
                in_flight.append(submitted)
                while len(in_flight) >= limit:
                    collect()
        while in_flight:
            collect()
    except BaseException as exc:
        summary.seconds = timer.total()
        finish_run(engine, run_id, status="failed", counts=_run_counts(summary),
                   message=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finally:
        if fetcher is not None:
            fetcher.close()
        if own_analyzer and analyzer is not None:
            analyzer.close()
    summary.seconds = timer.total()
    finish_run(engine, run_id, status="completed", counts=_run_counts(summary))
    logger.info("run %s completed: %s", run_id, asdict(summary))
    if tracked():
        publish_summary(summary, f"{flow_name} run {run_id}", f"newsflow-{flow_name}")
    return summary


@dataclass(slots=True)
class _Submitted:
    """One batch on its way through the task runner: clean and analysis submitted."""

    raw: list[RawArticle]
    failures: list[ItemFailure]
    units: int
    stage: str = "read"
    cleaned: StageResult[Article] | None = None
    known: list[Article] = field(default_factory=list)
    """Cleaned articles already stored (content hash or URL): loaded without NLP."""
    analysed: (PrefectFuture[StageResult[AnalyzedArticle]] | Done[StageResult[AnalyzedArticle]]
               | _Gathered | None) = None


def _submit(raw: list[RawArticle], failures: list[ItemFailure], units: int, *,
            analyzer: Analyzer, settings: Settings, engine: Engine,
            stage: str = "read", on_done: Callable[[int], None] | None = None) -> _Submitted:
    """Clean one batch here, set aside the articles already stored (their NLP would be
    thrown away by the loader), and submit the others' entities-and-events to the flow's
    task runner."""
    submitted = _Submitted(raw, failures, units, stage)
    if raw:
        submitted.cleaned = run_task(clean_task, raw, settings.min_words)
        ok = submitted.cleaned.ok
        known = stored_articles(engine, ok) if ok else set()
        submitted.known = [article for index, article in enumerate(ok) if index in known]
        todo = [article for index, article in enumerate(ok) if index not in known]
        if todo:
            submitted.analysed = submit_task(entities_task, todo, analyzer, on_done)
    return submitted


def _load(submitted: _Submitted, *, engine: Engine, run_id: int, analyzer: Analyzer,
          summary: IngestSummary, timer: _StageTimer, source_id: int | None
          ) -> tuple[dict[str, int], list[str]]:
    """Wait for a submitted batch's analysis and load it here, in the flow's process, with
    the articles already stored (loaded as duplicates, recording where they were seen);
    returns the article each item is stored as and the items that failed.

    Batches are collected in the order they were read, so rows are loaded in the same order
    whatever runner did the work. The ``entities+events`` stage time is the flow's wait for
    it; with the default runner (one batch at a time) that is its run time, on Dask it is only
    what the workers did not hide behind reading and loading.
    """
    failures = submitted.failures
    summary.read += len(submitted.raw)
    stored: dict[str, int] = {}
    if submitted.cleaned is not None:
        analysed: StageResult[AnalyzedArticle] = StageResult()
        if submitted.analysed is not None:
            with timer("entities+events"):
                analysed = submitted.analysed.result()
        failures = failures + submitted.cleaned.failed + analysed.failed
        for item in analysed.ok:
            if not item.analysed:
                language = item.article.language or "?"
                summary.not_analysed[language] = summary.not_analysed.get(language, 0) + 1
        summary.known_content += len(submitted.known)
        # in the order read (results from a Dask worker are copies: matched by key)
        order = {_key(a): index for index, a in enumerate(submitted.cleaned.ok)}
        batch = sorted([*analysed.ok, *(AnalyzedArticle(article=a) for a in submitted.known)],
                       key=lambda item: order.get(_key(item.article), len(order)))
        if batch:
            with timer("load"):
                counts = run_task(load_task, engine, batch, run_id, analyzer.version,
                                  source_id)
            stored = counts["stored"]
            summary.new += counts["new"]
            summary.duplicate += counts["duplicate"]
            summary.near_duplicate += counts["near_duplicate"]
            summary.mentions += counts["mentions"]
            summary.events += counts["events"]
            summary.failed += counts["failed"]
            _count_stages(summary, ["load"] * counts["failed"])
            failed_uris = counts["failed_uris"]
        else:
            failed_uris = []
    else:
        failed_uris = []
    if failures:
        _quarantine(engine, failures, run_id, summary, source_id)
    return stored, failed_uris + [failure.source_uri for failure in failures]


def _key(article: Article) -> tuple[str, str]:
    return article.raw.source_uri, article.content_hash


def _quarantine(engine: Engine, failures: list[ItemFailure], run_id: int,
                summary: IngestSummary, source_id: int | None = None) -> None:
    run_task(quarantine_task, engine, failures, run_id, source_id)
    summary.failed += len(failures)
    _count_stages(summary, [f.stage for f in failures])


def _count_stages(summary: IngestSummary, stages: list[str]) -> None:
    for stage in stages:
        summary.failures_by_stage[stage] = summary.failures_by_stage.get(stage, 0) + 1


def _run_counts(summary: IngestSummary) -> dict[str, Any]:
    counts: dict[str, Any] = {
        "read_count": summary.read, "new_count": summary.new,
        "duplicate_count": summary.duplicate, "failed_count": summary.failed,
        "mention_count": summary.mentions, "event_count": summary.events,
        "near_duplicate_count": summary.near_duplicate,
        "stage_seconds": dict(summary.stage_seconds)}
    if summary.pipeline_version:
        counts["pipeline_version"] = summary.pipeline_version
    return counts


POOL_MIN_ITEMS = 16
"""Fewer files (and pages) than this are analysed in the flow's own process: starting the
worker pool (a fork server, a model load per worker) costs more than it saves."""

STREAM_CHUNK = 8
"""Articles not stored yet are sent for analysis this many at a time (or when a batch
closes)."""

STREAM_BATCH = 50
"""Articles per loaded batch when files stream through the worker pool (whole files, so a
batch may hold a few more): small enough that loading one batch overlaps the workers'
analysis of the next."""


class _Gathered:
    """A streamed batch's analysis: its chunks' results in order, within the batch's NLP
    budget counted from when the flow first waits for it."""

    def __init__(self, sent: list[tuple[list[Article], Future[Outcome]]],
                 seconds: float) -> None:
        self._sent, self._seconds = sent, seconds
        self._result: StageResult[AnalyzedArticle] | None = None

    def result(self) -> StageResult[AnalyzedArticle]:
        if self._result is None:
            self._result = collect_chunks(self._sent, seconds=self._seconds)
        return self._result


class _StreamProgress:
    """Progress while files stream through the pool: a file counts once it is read and its
    articles are analysed or set aside (an article, a file: the bar moves per article), never
    ahead of the files read; the flow sets the exact count as each batch is loaded."""

    def __init__(self, progress: ProgressCallback | None, summary: IngestSummary,
                 done: int, total: int) -> None:
        self._progress, self._summary = progress, summary
        self._base, self._total = done, total
        self._read = self._settled = self._shown = 0
        self._lock = threading.Lock()

    def file_read(self, settled: int) -> None:
        """A file came back from a worker; ``settled`` of its units need no analysis."""
        with self._lock:
            self._read += 1
            self._settled += settled
        self._show()

    def articles_done(self, count: int) -> None:
        with self._lock:
            self._settled += count
        self._show()

    def loaded(self, done: int) -> None:
        """``done`` units are loaded: the count never shows less."""
        with self._lock:
            self._shown = max(self._shown, done)
        self._show()

    def _show(self) -> None:
        if self._progress is None:
            return
        with self._lock:
            self._shown = min(self._total, max(self._shown,
                                               self._base + min(self._read, self._settled)))
            shown = self._shown
        self._progress(self._summary, shown, self._total)


def _streamed_batches(files: list[Path], pool: AnalysisPool, *, engine: Engine,
                      settings: Settings, timer: _StageTimer, tracker: FileTracker | None,
                      progress: _StreamProgress) -> Iterator[_Submitted]:
    """Files read and cleaned on the pool's workers, a few files ahead of the flow; the
    articles not stored yet go on to analysis at once; every ``STREAM_BATCH`` articles the
    batch is handed over for loading while the workers go on with the next.

    Each file is stamped (``tracker``) before a worker reads it; streamed archives (WARC) are
    not read this way: the caller keeps them in its own process."""
    ahead = 4 * pool.processes
    pending = iter(files)
    reads: deque[tuple[Path, Future[FileRead], bool]] = deque()

    def top_up() -> None:
        while len(reads) < ahead:
            path = next(pending, None)
            if path is None:
                return
            stamped = tracker is not None and tracker.begin(path)
            reads.append((path, pool.read(path), stamped))

    def fresh() -> tuple[_Submitted, list[tuple[list[Article], Future[Outcome]]]]:
        return _Submitted([], [], 0, "read", cleaned=StageResult()), []

    batch, sent = fresh()
    waiting: list[Article] = []
    top_up()
    while reads:
        path, future, stamped = reads.popleft()
        with timer("read"):
            try:
                done = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker died reading it: its failure
                done = FileRead(failures=[unexpected(path.as_uri(), "read", exc)])
        top_up()
        if stamped:
            for uri in done.uris:
                tracker.item(path, uri)  # type: ignore[union-attr]
            if done.failures:
                tracker.fail(path)  # type: ignore[union-attr]
        assert batch.cleaned is not None
        ok = done.cleaned.ok
        with timer("clean"):
            known = stored_articles(engine, ok) if ok else set()
        todo = [article for index, article in enumerate(ok) if index not in known]
        progress.file_read(0 if todo else 1)
        waiting += todo
        closing = len(batch.cleaned.ok) + len(ok) >= min(STREAM_BATCH, settings.batch_size)
        if waiting and (len(waiting) >= STREAM_CHUNK or closing or not reads):
            # a few articles per nlp.pipe call: one at a time parses ~15% slower
            chunks = pool.submit(waiting)
            report_each(chunks, progress.articles_done)
            sent += chunks
            waiting = []
        batch.raw += done.raws
        batch.failures += done.failures
        batch.units += 1
        batch.cleaned.ok += ok
        batch.cleaned.failed += done.cleaned.failed
        batch.known += [article for index, article in enumerate(ok) if index in known]
        if stamped:
            tracker.end(path)  # type: ignore[union-attr]
        if closing or not reads:
            batch.analysed = _Gathered(sent, settings.nlp_batch_seconds) if sent else None
            if tracker is not None:
                tracker.batch_yielded()
            yield batch
            batch, sent = fresh()


class _Ticks:
    """Progress between batches: every article analysed moves the count of units done by one,
    up to the units (files, pages) its batch finishes, so the bar moves article by article
    (one file, one page: one article) and never runs ahead of what is loaded."""

    def __init__(self, progress: ProgressCallback | None, summary: IngestSummary) -> None:
        self._progress, self._summary = progress, summary
        self._base = self._limit = self._moved = self._total = 0

    def start_batch(self, done: int, units: int, total: int) -> Callable[[int], None] | None:
        if self._progress is None:
            return None
        self._base, self._limit, self._moved, self._total = done, units, 0, total
        return LocalTick(self)

    def tick(self, articles: int) -> None:
        if self._progress is None:
            return
        self._moved = min(self._limit, self._moved + articles)
        self._progress(self._summary, self._base + self._moved, self._total)

    def batch_done(self, done: int, total: int) -> None:
        self._base, self._moved, self._limit = done, 0, 0
        if self._progress is not None:
            self._progress(self._summary, done, total)


class LocalTick:
    """``_Ticks.tick`` as a callable that travels as a no-op (a Dask worker has no bar)."""

    def __init__(self, ticks: _Ticks) -> None:
        self._ticks: _Ticks | None = ticks

    def __call__(self, articles: int) -> None:
        if self._ticks is not None:
            self._ticks.tick(articles)

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, _state: dict[str, Any]) -> None:
        self._ticks = None


class _StageTimer:
    """Wall time per stage, summed over batches."""

    def __init__(self, into: dict[str, float]) -> None:
        self._into = into
        self._started = time.perf_counter()

    def __call__(self, stage: str) -> _StageTimer._Span:
        return _StageTimer._Span(self._into, stage)

    def total(self) -> float:
        return round(time.perf_counter() - self._started, 3)

    class _Span:
        def __init__(self, into: dict[str, float], stage: str) -> None:
            self._into, self._stage = into, stage

        def __enter__(self) -> None:
            self._start = time.perf_counter()

        def __exit__(self, *_exc: object) -> None:
            elapsed = time.perf_counter() - self._start
            self._into[self._stage] = round(self._into.get(self._stage, 0.0) + elapsed, 3)

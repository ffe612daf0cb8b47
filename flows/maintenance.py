"""Maintenance flows: ``reprocess`` (stored articles through the analysis again) and
``retry-failed`` (quarantined items through ingest again).

Thin wiring over :mod:`pipeline.reprocess` and :mod:`pipeline.retry`: tasks over batches,
retries of transient database failures, a ``pipeline_runs`` row per run and progress
callbacks. The cleaning, NLP, fetch and quarantine tasks are the ingest flow's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from sqlalchemy import Engine

from flows.ingest import _transient_only, clean_task, entities_task, fetch_task
from flows.reporting import publish_figures
from pipeline import __version__
from pipeline.analysis import Analyzer
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.fetch import Fetcher
from pipeline.load import LoadResult, Settled, load_articles, record_attempts
from pipeline.records import AnalyzedArticle, ItemFailure, RawArticle
from pipeline.reprocess import (
    BatchResult,
    Candidate,
    Prepared,
    ReprocessSummary,
    Selection,
    articles_with_uris,
    count_selected,
    match_analysis,
    pending_batches,
    prepare_batch,
    replace_batch,
    settle,
    source_id,
)
from pipeline.retry import (
    LOCAL_KINDS,
    WEB_KINDS,
    Gathered,
    RetryItem,
    RetrySummary,
    expand_web,
    loaded_already,
    not_retryable,
    open_items,
    outcomes,
    read_local,
)
from pipeline.runs import finish_run, start_run, touch_run
from pipeline.settings import Settings, load_settings
from pipeline.validate import ContentLimits

ReprocessProgress = Callable[[ReprocessSummary, int, int], None]
"""Called after each batch with the summary so far, articles done and articles to do."""
RetryProgress = Callable[[RetrySummary, int, int], None]
"""Called after each group of items with the summary so far, items done and items in all."""


def _timed(into: dict[str, float]) -> Callable[[str], Any]:
    @contextmanager
    def span(stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            into[stage] = round(into.get(stage, 0.0) + time.perf_counter() - start, 3)
    return span


# --- reprocess ------------------------------------------------------------------------------

@task(name="reprocess-prepare", cache_policy=NO_CACHE, retries=3,
      retry_delay_seconds=[1, 5, 20], retry_condition_fn=_transient_only)
def prepare_task(engine: Engine, article_ids: list[int], min_words: int) -> Prepared:
    return prepare_batch(engine, article_ids, min_words=min_words)


@task(name="reprocess-replace", cache_policy=NO_CACHE, retries=3,
      retry_delay_seconds=[1, 5, 20], retry_condition_fn=_transient_only)
def replace_task(engine: Engine, pairs: list[tuple[Candidate, AnalyzedArticle]],
                 failures: list[ItemFailure], pipeline_version: str,
                 run_id: int) -> tuple[BatchResult, Settled]:
    result = replace_batch(engine, pairs, pipeline_version=pipeline_version)
    return result, settle(engine, result, failures, run_id=run_id)


def _reprocess_batch(engine: Engine, analyzer: Analyzer, article_ids: list[int], *,
                     settings: Settings, run_id: int, summary: ReprocessSummary,
                     timer: Callable[[str], Any]) -> Settled:
    with timer("read+clean"):
        prepared = prepare_task(engine, article_ids, settings.min_words)
    with timer("entities+events"):
        analysed = entities_task([c.article for c in prepared.candidates], analyzer)
    failures = prepared.failed + analysed.failed
    with timer("load"):
        result, settled = replace_task(engine, match_analysis(prepared.candidates, analysed),
                                       failures, analyzer.version, run_id)
    summary.add(result, failures)
    return settled


@flow(name="reprocess", log_prints=False, validate_parameters=False)
def reprocess_flow(since: datetime | None = None, source: str | None = None,
                   everything: bool = False, database_url: str | None = None,
                   batch_size: int | None = None, settings: Settings | None = None,
                   progress: ReprocessProgress | None = None) -> ReprocessSummary:
    """Re-run cleaning, entities and events on stored articles and replace their rows.

    Args:
        since: only articles published on or after this time (ingested, when undated).
        source: only articles of this named source.
        everything: also articles already at the current ``pipeline_version``.
        database_url: overrides ``NEWSFLOW_DATABASE_URL``.
        batch_size: articles per batch (one transaction each); overrides the setting.
        settings: fully resolved settings (the CLI passes them); resolved here when absent.
        progress: optional callback for progress display.
    """
    logger = get_run_logger()
    settings = settings or load_settings(database_url=database_url, batch_size=batch_size)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    selection = Selection(since=since, source=source, everything=everything)
    named = source_id(engine, source) if source else None
    run_id = start_run(engine, flow_name="reprocess", flow_run_id=str(flow_run.id or "") or None,
                       pipeline_version=__version__, source_id=named,
                       silence_seconds=settings.lease_seconds,
                       parameters={"since": since.isoformat() if since else None,
                                   "source": source, "all": everything,
                                   "batch_size": settings.batch_size,
                                   "spacy_model": settings.spacy_model,
                                   "event_lexicon_dir": str(settings.event_lexicon_dir or "")
                                   or None})
    summary = ReprocessSummary(run_id=run_id, database=engine.url.render_as_string(True))
    timer = _timed(summary.stage_seconds)
    with _recorded_run(engine, summary, "reprocess"):
        with timer("setup"):
            analyzer = Analyzer(settings)
        summary.pipeline_version = analyzer.version
        summary.selected, summary.up_to_date = count_selected(engine, selection,
                                                              analyzer.version)
        logger.info("run %s: %d articles to reprocess to %s (%d already current)", run_id,
                    summary.selected, analyzer.version, summary.up_to_date)
        if progress:
            progress(summary, 0, summary.selected)
        done = 0
        for ids in pending_batches(engine, selection, analyzer.version, settings.batch_size):
            _reprocess_batch(engine, analyzer, ids, settings=settings, run_id=run_id,
                             summary=summary, timer=timer)
            touch_run(engine, run_id)
            done += len(ids)
            if progress:
                progress(summary, done, summary.selected)
    return summary


# --- retry-failed ---------------------------------------------------------------------------

@task(name="retry-read", cache_policy=NO_CACHE)
def read_local_task(items: list[RetryItem], settings: Settings) -> Gathered:
    return read_local(items, max_file_bytes=settings.max_file_bytes,
                      limits=ContentLimits.from_settings(settings))


@task(name="retry-expand-web", cache_policy=NO_CACHE)
def expand_web_task(engine: Engine, fetcher: Fetcher, items: list[RetryItem],
                    settings: Settings) -> Gathered:
    return expand_web(engine, fetcher, items, settings)


@task(name="retry-load", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 20],
      retry_condition_fn=_transient_only)
def retry_load_task(engine: Engine, batch: list[AnalyzedArticle], run_id: int,
                    pipeline_version: str, source_id: int | None) -> LoadResult:
    return load_articles(engine, batch, run_id=run_id, pipeline_version=pipeline_version,
                         source_id=source_id)


@task(name="retry-settle", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 20],
      retry_condition_fn=_transient_only)
def settle_task(engine: Engine, results: dict[str, ItemFailure | None], run_id: int,
                source_id: int | None) -> Settled:
    return record_attempts(engine, results, run_id=run_id, source_id=source_id)


class _Retry:
    """One retry run's state: the analyzer (loaded on first need), the summary, the items."""

    def __init__(self, engine: Engine, settings: Settings, summary: RetrySummary,
                 items: list[RetryItem]) -> None:
        self.engine, self.settings, self.summary = engine, settings, summary
        self.retried = {item.source_uri for item in items}
        self._analyzer: Analyzer | None = None

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = Analyzer(self.settings)
            self.summary.pipeline_version = self._analyzer.version
        return self._analyzer

    def count(self, settled: Settled) -> None:
        summary = self.summary
        summary.resolved += len(settled.resolved & self.retried)
        summary.still_failing += len(settled.still_failing & self.retried)
        summary.new_failures += len(settled.new_failures)

    def settle(self, results: dict[str, ItemFailure | None], source: int | None,
               resolved_by_load: set[str] | frozenset[str] = frozenset()) -> None:
        settled = settle_task(self.engine, results, self.summary.run_id, source)
        settled.resolved |= resolved_by_load  # loading resolves the items it loads
        self.count(settled)
        for uri, failure in results.items():
            if failure is not None and uri in settled.still_failing:
                stages = self.summary.still_failing_by_stage
                stages[failure.stage] = stages.get(failure.stage, 0) + 1

    def ingest(self, raw: list[RawArticle], failures: list[ItemFailure], *,
               required: list[str], optimistic: list[str], source: int | None) -> None:
        """Clean, analyse and load what a group of items gave, then settle the items."""
        succeeded: list[str] = []
        resolved: set[str] = set()
        failures = list(failures)
        size = self.settings.batch_size
        for start in range(0, len(raw), size):
            cleaned = clean_task(raw[start:start + size], self.settings.min_words)
            analysed = entities_task(cleaned.ok, self.analyzer)
            loaded = retry_load_task(self.engine, analysed.ok, self.summary.run_id,
                                     self.analyzer.version, source)
            failures += cleaned.failed + analysed.failed + loaded.failed
            refused = {f.source_uri for f in loaded.failed}
            succeeded += [a.article.raw.source_uri for a in analysed.ok
                          if a.article.raw.source_uri not in refused]
            resolved |= loaded.resolved
            self.summary.new += loaded.new
            self.summary.duplicate += loaded.duplicate
            self.summary.mentions += loaded.mentions
            self.summary.events += loaded.events
        self.settle(outcomes(required=required, optimistic=optimistic, succeeded=succeeded,
                             failures=failures), source, resolved)

    def reprocess(self, items: list[RetryItem], run_id: int) -> None:
        """Errors of reprocess runs: reprocess their articles again (an article that is gone
        leaves nothing failing)."""
        by_uri = articles_with_uris(self.engine, [item.source_uri for item in items])
        gone: dict[str, ItemFailure | None] = {
            item.source_uri: None for item in items if item.source_uri not in by_uri}
        if gone:
            self.settle(gone, None)
        ids = sorted(i for uri_ids in by_uri.values() for i in uri_ids)
        scratch = ReprocessSummary(run_id=run_id, database="")
        for start in range(0, len(ids), self.settings.batch_size):
            settled = _reprocess_batch(self.engine, self.analyzer,
                                       ids[start:start + self.settings.batch_size],
                                       settings=self.settings, run_id=run_id, summary=scratch,
                                       timer=_timed({}))
            self.count(settled)
        self.summary.mentions += scratch.mentions_after
        self.summary.events += scratch.events_after


def _groups(items: list[RetryItem], size: int) -> Iterator[tuple[int | None, list[RetryItem]]]:
    """Items by named source, ``size`` at a time."""
    by_source: dict[int | None, list[RetryItem]] = {}
    for item in items:
        by_source.setdefault(item.source_id, []).append(item)
    for source, group in by_source.items():
        for start in range(0, len(group), size):
            yield source, group[start:start + size]


@flow(name="retry-failed", log_prints=False, validate_parameters=False)
def retry_failed_flow(stage: str | None = None, database_url: str | None = None,
                      settings: Settings | None = None,
                      progress: RetryProgress | None = None) -> RetrySummary:
    """Retry the open items of ``ingest_errors`` through the ingest stages; resolve the ones
    that go through and count another attempt on the others (see :mod:`pipeline.retry`).

    Args:
        stage: only items whose open error is at this stage (read, extract, clean, ...).
        database_url: overrides ``NEWSFLOW_DATABASE_URL``.
        settings: fully resolved settings (the CLI passes them); resolved here when absent.
        progress: optional callback for progress display.
    """
    logger = get_run_logger()
    settings = settings or load_settings(database_url=database_url)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    run_id = start_run(engine, flow_name="retry-failed",
                       flow_run_id=str(flow_run.id or "") or None,
                       pipeline_version=__version__, parameters={"stage": stage},
                       silence_seconds=settings.lease_seconds)
    summary = RetrySummary(run_id=run_id, database=engine.url.render_as_string(True))
    fetcher: Fetcher | None = None
    with _recorded_run(engine, summary, "retry-failed"), ExitStack() as closing:
        items = open_items(engine, stage=stage)
        summary.items = len(items)
        for item in items:
            summary.by_kind[item.kind] = summary.by_kind.get(item.kind, 0) + 1
        logger.info("run %s: %d items with open errors", run_id, len(items))
        state = _Retry(engine, settings, summary, items)
        loaded = loaded_already(engine, items)
        if loaded:
            before = summary.resolved
            state.settle(dict.fromkeys(loaded), None)
            summary.already_loaded = summary.resolved - before
        rest = [item for item in items if item.source_uri not in loaded]
        unknown = [item for item in rest if item.kind == "unknown"]
        if unknown:
            state.settle({item.source_uri: not_retryable(item) for item in unknown}, None)
        done, total = len(loaded) + len(unknown), len(items)
        if progress:
            progress(summary, done, total)
        reprocess = [item for item in rest if item.kind == "reprocess"]
        if reprocess:
            state.reprocess(reprocess, run_id)
            done += len(reprocess)
            if progress:
                progress(summary, done, total)
        local = [item for item in rest if item.kind in LOCAL_KINDS]
        for source, group in _groups(local, settings.batch_size):
            gathered = read_local_task(group, settings)
            state.ingest(gathered.articles, gathered.failures,
                         required=[i.source_uri for i in group if i.kind != "file"],
                         optimistic=[i.source_uri for i in group if i.kind == "file"],
                         source=source)
            done += len(group)
            touch_run(engine, run_id)
            if progress:
                progress(summary, done, total)
        web = [item for item in rest if item.kind in WEB_KINDS]
        if web:
            fetcher = closing.enter_context(Fetcher(settings.fetch))
        for source, group in _groups(web, settings.batch_size):
            assert fetcher is not None
            gathered = expand_web_task(engine, fetcher, group, settings)
            size = settings.batch_size
            requests = gathered.requests
            failures: list[ItemFailure] = list(gathered.failures)
            raw: list[RawArticle] = []
            for start in range(0, len(requests), size):
                pages = fetch_task(engine, fetcher, requests[start:start + size],
                                   ContentLimits.from_settings(settings))
                raw += pages.articles
                failures += pages.failures
            state.ingest(raw, failures,
                         required=[i.source_uri for i in group if i.kind == "page"],
                         optimistic=gathered.resolved, source=source)
            done += len(group)
            touch_run(engine, run_id)
            if progress:
                progress(summary, done, total)
    return summary


@contextmanager
def _recorded_run(engine: Engine, summary: ReprocessSummary | RetrySummary,
                  flow_name: str) -> Iterator[None]:
    """Close the run's ``pipeline_runs`` row when the block ends: ``failed`` with the error
    (which goes on), or ``completed`` with the run's message and a Prefect artifact."""
    started = time.perf_counter()
    try:
        yield
    except BaseException as exc:
        summary.seconds = round(time.perf_counter() - started, 3)
        finish_run(engine, summary.run_id, status="failed", counts=summary.run_counts(),
                   message=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    summary.seconds = round(time.perf_counter() - started, 3)
    finish_run(engine, summary.run_id, status="completed", counts=summary.run_counts(),
               message=summary.message())
    get_run_logger().info("run %s completed: %s", summary.run_id, asdict(summary))
    publish_figures(summary, f"{flow_name} run {summary.run_id}", f"newsflow-{flow_name}")

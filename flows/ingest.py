"""The ``ingest`` flow: read → clean → entities → load, one batch of articles per task run.

Thin wiring over :mod:`pipeline`: the stages are plain functions; this module adds batching,
retries of transient failures, the ``pipeline_runs`` row and progress reporting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from spacy.language import Language
from sqlalchemy import Engine

from pipeline import PIPELINE_VERSION
from pipeline.clean import clean_articles
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.entities import Gazetteer, extract_entities, load_model
from pipeline.errors import TransientError
from pipeline.load import finish_run, load_articles, record_failures, start_run
from pipeline.readers import discover_files, read_file
from pipeline.records import AnalyzedArticle, Article, ItemFailure, RawArticle, StageResult
from pipeline.settings import Settings, load_settings


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


@task(name="entities", cache_policy=NO_CACHE)
def entities_task(articles: list[Article], nlp: Language, gazetteer: Gazetteer,
                  settings: Settings) -> StageResult[AnalyzedArticle]:
    return extract_entities(articles, nlp, gazetteer, max_chunk_chars=settings.max_chunk_chars,
                            batch_size=settings.nlp_batch_size,
                            n_process=settings.nlp_processes)


@task(name="load", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 20],
      retry_condition_fn=_transient_only)
def load_task(engine: Engine, batch: list[AnalyzedArticle], run_id: int) -> dict[str, int]:
    result = load_articles(engine, batch, run_id=run_id, pipeline_version=PIPELINE_VERSION)
    record_failures(engine, result.failed, run_id=run_id)
    return {"new": result.new, "duplicate": result.duplicate, "mentions": result.mentions,
            "failed": len(result.failed)}


@task(name="quarantine", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 20],
      retry_condition_fn=_transient_only)
def quarantine_task(engine: Engine, failures: list[ItemFailure], run_id: int) -> int:
    record_failures(engine, failures, run_id=run_id)
    return len(failures)


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run did; the CLI prints it, the flow returns it."""

    run_id: int
    database: str
    files: int = 0
    skipped_files: int = 0
    read: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    mentions: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    failures_by_stage: dict[str, int] = field(default_factory=dict)


ProgressCallback = Callable[[IngestSummary, int], None]
"""Called after each file and each batch with the summary so far and the files done."""


def _batches(files: list[Path], settings: Settings, done: list[int]
             ) -> Iterator[tuple[list[RawArticle], list[ItemFailure]]]:
    """Stream articles file by file and cut them into batches of ``batch_size``."""
    articles: list[RawArticle] = []
    failures: list[ItemFailure] = []
    for path in files:
        for item in read_file(path, max_bytes=settings.max_file_bytes):
            if isinstance(item, ItemFailure):
                failures.append(item)
            else:
                articles.append(item)
            if len(articles) >= settings.batch_size:
                yield articles, failures
                articles, failures = [], []
        done[0] += 1
        if failures and not articles:
            yield [], failures
            failures = []
    if articles or failures:
        yield articles, failures


@flow(name="ingest", log_prints=False, validate_parameters=False)
def ingest_flow(paths: list[str], database_url: str | None = None,
                batch_size: int | None = None, settings: Settings | None = None,
                progress: ProgressCallback | None = None) -> IngestSummary:
    """Ingest local files and directories (``.txt``, ``.html``, ``.jsonl``) into the database.

    Args:
        paths: files and directories; directories are read recursively.
        database_url: overrides ``NEWSFLOW_DATABASE_URL``.
        batch_size: articles per task run; overrides ``NEWSFLOW_BATCH_SIZE``.
        settings: fully resolved settings (the CLI passes them); resolved here when absent.
        progress: optional callback for progress display.
    """
    logger = get_run_logger()
    settings = settings or load_settings(database_url=database_url, batch_size=batch_size)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    discovery = discover_files(paths)
    run_id = start_run(engine, flow_name="ingest", flow_run_id=str(flow_run.id or "") or None,
                       pipeline_version=PIPELINE_VERSION,
                       parameters={"paths": [str(p) for p in paths],
                                   "batch_size": settings.batch_size,
                                   "spacy_model": settings.spacy_model})
    summary = IngestSummary(run_id=run_id, database=engine.url.render_as_string(True),
                            files=len(discovery.files), skipped_files=len(discovery.skipped))
    logger.info("run %s: %d files to read (%d skipped: no reader for their type)",
                run_id, summary.files, summary.skipped_files)
    timer = _StageTimer(summary.stage_seconds)
    try:
        with timer("setup"):
            nlp = load_model(settings.spacy_model)
            gazetteer = Gazetteer()
        files_done = [0]
        batches = _batches(discovery.files, settings, files_done)
        while True:
            with timer("read"):
                batch = next(batches, None)
            if batch is None:
                break
            raw, failures = batch
            summary.read += len(raw)
            if raw:
                with timer("clean"):
                    cleaned = clean_task(raw, settings.min_words)
                with timer("entities"):
                    analysed = entities_task(cleaned.ok, nlp, gazetteer, settings)
                failures += cleaned.failed + analysed.failed
                with timer("load"):
                    counts = load_task(engine, analysed.ok, run_id)
                summary.new += counts["new"]
                summary.duplicate += counts["duplicate"]
                summary.mentions += counts["mentions"]
                summary.failed += counts["failed"]
                _count_stages(summary, ["load"] * counts["failed"])
            if failures:
                quarantine_task(engine, failures, run_id)
                summary.failed += len(failures)
                _count_stages(summary, [f.stage for f in failures])
            logger.info("batch done: %d read, %d new, %d duplicate, %d failed so far",
                        summary.read, summary.new, summary.duplicate, summary.failed)
            if progress:
                progress(summary, files_done[0])
    except BaseException as exc:
        summary.seconds = timer.total()
        finish_run(engine, run_id, status="failed", counts=_run_counts(summary),
                   message=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    summary.seconds = timer.total()
    finish_run(engine, run_id, status="completed", counts=_run_counts(summary))
    logger.info("run %s completed: %s", run_id, asdict(summary))
    return summary


def _count_stages(summary: IngestSummary, stages: list[str]) -> None:
    for stage in stages:
        summary.failures_by_stage[stage] = summary.failures_by_stage.get(stage, 0) + 1


def _run_counts(summary: IngestSummary) -> dict[str, int]:
    return {"read_count": summary.read, "new_count": summary.new,
            "duplicate_count": summary.duplicate, "failed_count": summary.failed,
            "mention_count": summary.mentions}


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

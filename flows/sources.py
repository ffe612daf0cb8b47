"""Flows over named sources: the scheduled run of one source, and resumable backfills.

Both hold the source's lease (:mod:`pipeline.leases`) for their whole run, so a scheduled run
that finds its predecessor (or a backfill) still running skips with the reason logged, and the
ingest work itself is the ``ingest`` flow, run as a subflow with the source's inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from sqlalchemy import Engine

from flows.ingest import IngestSummary, ingest_flow
from flows.reporting import publish_table
from flows.runners import with_task_runner
from pipeline.analysis import Analyzer
from pipeline.backfill import (
    LISTING_STAGES,
    Ledger,
    WindowRow,
    finish_window,
    plan_files,
    plan_windows,
    start_window,
)
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.errors import RunError
from pipeline.leases import (
    Lease,
    acquire_lease,
    current_lease,
    holder_id,
    release_lease,
    renew_lease,
)
from pipeline.readers import discover_files
from pipeline.registry import Source, get_source, inputs_for, mark_run
from pipeline.settings import Settings, load_settings
from pipeline.windows import Window, parse_interval, split_windows

WEB_KINDS = frozenset({"feed", "sitemap"})


@dataclass(slots=True)
class SkippedRun:
    """A run that did not start because another run holds the source."""

    source: str
    reason: str


def _holder() -> str:
    return holder_id(str(flow_run.id) if flow_run.id else None)


def _skip(engine: Engine, source: Source, what: str) -> SkippedRun:
    lease = current_lease(engine, source.id)
    holder = f"{lease.holder}, since {lease.acquired_at:%Y-%m-%d %H:%M:%S} UTC" if lease else "?"
    reason = (f"{what} of source {source.name!r} skipped: another run holds it ({holder}); "
              "at most one run per source is active")
    get_run_logger().warning(reason)
    return SkippedRun(source.name, reason)


@flow(name="ingest-source", log_prints=False, validate_parameters=False)
def source_flow(source: str, settings: Settings | None = None) -> IngestSummary | SkippedRun:
    """Ingest whatever is new at one named source (the scheduled run).

    Args:
        source: the source's name (``newsflow sources list``).
        settings: resolved settings; from the environment and ``newsflow.toml`` when absent.
    """
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    spec = get_source(engine, source)
    lease = acquire_lease(engine, spec.id, _holder(), seconds=settings.lease_seconds)
    if lease is None:
        return _skip(engine, spec, "run")
    try:
        summary = with_task_runner(ingest_flow, settings).with_options(flow_run_name=spec.name)(
            **inputs_for(spec).as_kwargs(), settings=settings, source_id=spec.id,
            flow_name="ingest-source")
        return summary
    finally:
        mark_run(engine, spec.id)
        release_lease(engine, lease)


@dataclass(slots=True)
class BackfillReport:
    source: str
    windows: int = 0
    skipped_done: int = 0
    """Windows already done by an earlier run of the same backfill."""
    done: int = 0
    partial: int = 0
    """Windows a cap left items of for the next run (not done; run the backfill again)."""
    failed: int = 0
    undated: int = 0
    """Local articles with no date, which no window selects."""
    ledgers: list[tuple[Window, str, Ledger]] = field(default_factory=list)


def ledger_from(summary: IngestSummary, kind: str) -> Ledger:
    """The completeness ledger of one window's ingest run."""
    stages = summary.failures_by_stage
    listing_failures = sum(n for stage, n in stages.items() if stage in LISTING_STAGES)
    failed = summary.failed - listing_failures
    if kind in WEB_KINDS:
        ledger = Ledger(listed=summary.listed,
                        fetched=summary.read + summary.not_modified + stages.get("extract", 0),
                        loaded=summary.new,
                        duplicate=summary.duplicate + summary.not_modified + summary.unchanged,
                        failed=failed, listing_failed=listing_failures > 0)
    else:
        ledger = Ledger(listed=summary.read + stages.get("read", 0), fetched=summary.read,
                        loaded=summary.new, duplicate=summary.duplicate, failed=failed)
    ledger.deferred, ledger.capped = summary.deferred, summary.capped
    ledger.missing = max(0, ledger.listed - ledger.loaded - ledger.duplicate - ledger.failed
                         - ledger.deferred)
    return ledger


def _window_inputs(spec: Source, window: Window, file_plan: dict[Window, list[Path]] | None,
                   ) -> dict[str, list[str]]:
    inputs = inputs_for(spec)
    if file_plan is not None:
        inputs.paths = [str(path) for path in file_plan[window]]
    return inputs.as_kwargs()


@flow(name="backfill", log_prints=False, validate_parameters=False)
def backfill_flow(source: str, start: datetime, end: datetime, window: str = "1d",
                  settings: Settings | None = None) -> BackfillReport | SkippedRun:
    """Load a source's items dated in ``[start, end)``, one subflow per window.

    Args:
        source: the source's name.
        start: first moment of the backfill (UTC when naive).
        end: end of the backfill, exclusive.
        window: window length (``6h``, ``1d``, ``1w``); windows already done are skipped,
            failed and unfinished ones run again.
        settings: resolved settings; from the environment and ``newsflow.toml`` when absent.
    """
    logger = get_run_logger()
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    spec = get_source(engine, source)
    if spec.kind == "urls":
        raise RunError(f"source {spec.name!r} is a list of URLs: it has no dates to cut into "
                       "windows; ingest it with newsflow ingest --urls")
    windows = split_windows(start, end, parse_interval(window))
    lease = acquire_lease(engine, spec.id, _holder(), seconds=settings.lease_seconds)
    if lease is None:
        return _skip(engine, spec, "backfill")
    report = BackfillReport(spec.name, windows=len(windows))
    try:
        rows = plan_windows(engine, spec.id, windows)
        todo = [row for row in rows if row.status != "done"]  # partial ones go on
        report.skipped_done = len(rows) - len(todo)
        logger.info("backfill %s: %d windows, %d done before, %d to run", spec.name,
                    len(rows), report.skipped_done, len(todo))
        file_plan = None
        if spec.kind not in WEB_KINDS and todo:
            files = discover_files(inputs_for(spec).paths).files
            plan = plan_files(files, [row.window for row in todo],
                              max_bytes=settings.max_file_bytes)
            file_plan, report.undated = plan.by_window, plan.undated
            if plan.undated:
                logger.warning("%d articles of %s have no date: no window selects them",
                               plan.undated, spec.name)
        # One model for every window in process. Not on Dask: Prefect sends a flow's parameters
        # with each task it submits, and an analyzer reloads its model wherever it lands.
        analyzer = Analyzer(settings) if todo and not settings.dask_address else None
        for row in todo:
            _run_window(engine, spec, row, file_plan, settings, report, lease, analyzer)
    finally:
        mark_run(engine, spec.id)
        release_lease(engine, lease)
    publish_table(f"backfill {spec.name}", f"backfill-{spec.name}",
                  ["window", "status", "listed", "fetched", "loaded", "duplicate", "failed"],
                  [(str(w), status, lg.listed, lg.fetched, lg.loaded, lg.duplicate,
                    lg.failed + lg.missing) for w, status, lg in report.ledgers])
    logger.info("backfill %s: %d windows done, %d failed, %d skipped (done before)",
                spec.name, report.done, report.failed, report.skipped_done)
    return report


def _run_window(engine: Engine, spec: Source, row: WindowRow,
                file_plan: dict[Window, list[Path]] | None, settings: Settings,
                report: BackfillReport, lease: Lease, analyzer: Analyzer | None) -> None:
    start_window(engine, row.id)
    name = f"{spec.name}-{row.window.start:%Y%m%d%H%M}"
    try:
        if file_plan is not None and not file_plan[row.window]:
            summary = None
            ledger = Ledger()
        else:
            summary = with_task_runner(ingest_flow, settings).with_options(flow_run_name=name)(
                **_window_inputs(spec, row.window, file_plan), settings=settings,
                source_id=spec.id, window=row.window, flow_name="backfill-window",
                analyzer=analyzer)
            ledger = ledger_from(summary, spec.kind)
    except Exception as exc:  # noqa: BLE001 - the window fails, the backfill goes on
        finish_window(engine, row.id, None, error=f"{type(exc).__name__}: {exc}")
        report.failed += 1
        get_run_logger().error("window %s failed: %s", row.window, exc)
        return
    status = finish_window(engine, row.id, ledger,
                           run_id=summary.run_id if summary else None)
    report.ledgers.append((row.window, status, ledger))
    if status == "done":
        report.done += 1
    elif status == "partial":
        report.partial += 1
    else:
        report.failed += 1
    renew_lease(engine, lease, seconds=settings.lease_seconds)

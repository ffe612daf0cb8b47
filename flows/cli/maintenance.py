"""``newsflow reprocess`` and ``newsflow retry-failed``: the maintenance flows from the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from flows.cli.app import (
    ConfigOption,
    DbOption,
    app,
    check_stage,
    err,
    existing_engine,
    fail,
    load_cli_settings,
    out,
    quiet_prefect,
    utc,
)
from pipeline.db.migrate import ensure_schema
from pipeline.errors import RunError
from pipeline.settings import Settings


def _prepare(settings: Settings, verbose: bool) -> Engine:
    """The database, checked before any flow starts: it exists, has the schema, and it is
    current."""
    quiet_prefect(verbose)
    engine = existing_engine(settings)
    ensure_schema(engine)
    return engine


def _bar(name: str, show: bool) -> Progress:
    return Progress(TextColumn(f"[bold]{name}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
                    console=err, disable=not show or not err.is_terminal, transient=False)


@app.command()
def reprocess(
    since: Annotated[datetime | None, typer.Option(
        help="Only articles published on or after this date (UTC; ingested on or after it "
             "when the publication date is unknown).",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])] = None,
    source: Annotated[str | None, typer.Option(
        help="Only articles of this named source (see `newsflow sources`).")] = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Also articles already at the current pipeline version.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
    batch_size: Annotated[int | None, typer.Option(
        help="Articles per batch (one transaction each).", min=1)] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model name to load.")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
) -> None:
    """Re-run cleaning, entities and events on stored articles (no refetch) and replace their
    mentions and events; by default only articles made by an older pipeline version."""
    settings = load_cli_settings(config, database_url=db, batch_size=batch_size, spacy_model=model)
    try:
        engine = _prepare(settings, verbose)
        if source is not None:
            from pipeline.reprocess import source_id

            source_id(engine, source)
    except RunError as exc:
        raise fail(str(exc)) from exc

    from flows.maintenance import reprocess_flow
    from pipeline.reprocess import ReprocessSummary

    bar = _bar("reprocess", progress)
    with bar:
        task_id = bar.add_task("articles", total=None,
                               status="starting Prefect and the spaCy model")

        def report(summary: ReprocessSummary, done: int, total: int) -> None:
            bar.update(task_id, completed=done, total=total,
                       status=f"{summary.changed} changed, {summary.failed} failed")

        try:
            summary = reprocess_flow(since=utc(since), source=source, everything=everything,
                                     settings=settings, progress=report)
        except RunError as exc:
            raise fail(str(exc)) from exc
        except KeyboardInterrupt:
            raise fail("interrupted; reprocessed batches are kept, re-run to continue",
                        130) from None
    table = Table(title=f"reprocess run {summary.run_id}", show_header=False,
                  title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("pipeline version", summary.pipeline_version)
    table.add_row("articles reprocessed", f"{summary.reprocessed} of {summary.selected}")
    table.add_row("changed", f"{summary.changed} ({summary.text_changed} with new text)")
    table.add_row("unchanged", f"{summary.unchanged}")
    table.add_row("already current (skipped)", f"{summary.up_to_date}")
    failed = ", ".join(f"{n} {stage}" for stage, n in sorted(summary.failures_by_stage.items()))
    table.add_row("failed", f"{summary.failed}" + (f" ({failed})" if failed else ""))
    table.add_row("events before → after", f"{summary.events_before} → {summary.events_after}")
    table.add_row("mentions before → after",
                  f"{summary.mentions_before} → {summary.mentions_after}")
    stages = " · ".join(f"{stage} {sec:.1f}s" for stage, sec in summary.stage_seconds.items())
    table.add_row("time", f"{summary.seconds:.1f}s ({stages})")
    table.add_row("database", summary.database)
    out.print(table)
    if summary.failed:
        out.print("failures are in ingest_errors: `newsflow errors`; `newsflow retry-failed` "
                  "reprocesses them again", highlight=False)


@app.command("retry-failed")
def retry_failed(
    stage: Annotated[str | None, typer.Option(
        help="Only items whose open error is at this stage (read, fetch, extract, clean, "
             "entities, events, load, feed, sitemap).")] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Host, IP or CIDR that may be fetched although it is private or "
                             "loopback (refused by default). Repeatable.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
) -> None:
    """Retry the open items in ingest_errors: resolve the ones that now load, count another
    attempt on the ones that still fail."""
    check_stage(stage)
    settings = load_cli_settings(config, database_url=db)
    if allow_host:
        fetch = settings.fetch.model_copy(update={
            "allowed_private_hosts": [*settings.fetch.allowed_private_hosts, *allow_host]})
        settings = settings.model_copy(update={"fetch": fetch})
    try:
        _prepare(settings, verbose)
    except RunError as exc:
        raise fail(str(exc)) from exc

    from flows.maintenance import retry_failed_flow
    from pipeline.retry import RetrySummary

    bar = _bar("retry", progress)
    with bar:
        task_id = bar.add_task("items", total=None, status="starting Prefect")

        def report(summary: RetrySummary, done: int, total: int) -> None:
            bar.update(task_id, completed=done, total=total,
                       status=f"{summary.resolved} resolved, {summary.still_failing} failing")

        try:
            summary = retry_failed_flow(stage=stage, settings=settings, progress=report)
        except RunError as exc:
            raise fail(str(exc)) from exc
        except KeyboardInterrupt:
            raise fail("interrupted; items settled so far are kept", 130) from None
    table = Table(title=f"retry-failed run {summary.run_id}", show_header=False,
                  title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.by_kind.items()))
    table.add_row("items retried", f"{summary.items}" + (f" ({kinds})" if kinds else ""))
    table.add_row("resolved", f"{summary.resolved} ({summary.already_loaded} already loaded)")
    stages = ", ".join(f"{n} {s}" for s, n in sorted(summary.still_failing_by_stage.items()))
    table.add_row("still failing", f"{summary.still_failing}" + (f" ({stages})" if stages
                                                                 else ""))
    if summary.new_failures:
        table.add_row("new failures", f"{summary.new_failures}")
    table.add_row("articles", f"{summary.new} new, {summary.duplicate} duplicate")
    table.add_row("time", f"{summary.seconds:.1f}s")
    table.add_row("database", summary.database)
    out.print(table)
    out.print(f"resolved {summary.resolved}, still failing {summary.still_failing}",
              highlight=False)


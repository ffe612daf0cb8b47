"""``newsflow ingest``: read or fetch articles into the database, with progress and a summary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from flows.cli.app import (
    ConfigOption,
    DbOption,
    app,
    err,
    fail,
    load_cli_settings,
    out,
    quiet_prefect,
    utc,
)
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.errors import RunError


@app.command()
def ingest(
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Files and directories to read (.txt, .html, .jsonl, each also .gz; .warc, "
             ".warc.gz), and http(s) URLs of articles to fetch.")] = None,
    urls_file: Annotated[Path | None, typer.Option(
        "--urls", help="A file with one article URL a line.")] = None,
    feed: Annotated[list[str] | None, typer.Option(
        "--feed", help="RSS/Atom feed URL; every entry's page is fetched. Repeatable.")] = None,
    sitemap: Annotated[list[str] | None, typer.Option(
        "--sitemap", help="Sitemap or sitemap-index URL (plain or .xml.gz). Repeatable.")] = None,
    since: Annotated[datetime | None, typer.Option(
        help="With --sitemap: only URLs whose lastmod is on or after this date (UTC).",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"])] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Host, IP or CIDR that may be fetched although it is private or "
                             "loopback (refused by default). Repeatable.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    batch_size: Annotated[int | None, typer.Option(help="Articles per batch.", min=1)] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model name to load.")] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="ADDRESS",
        help="Run cleaning, entities and events on the Dask scheduler at ADDRESS "
             "(tcp://host:8786; default: NEWSFLOW_DASK_ADDRESS, else in this process).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Read every file again, even those loaded before and unchanged since "
                        "(the result is the same: loading is idempotent).")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
) -> None:
    """Read articles from files and directories, or fetch them from URLs, feeds and sitemaps,
    into the database."""
    settings = load_cli_settings(config, database_url=db, batch_size=batch_size, spacy_model=model,
                         dask_address=dask)
    if allow_host:
        fetch = settings.fetch.model_copy(update={
            "allowed_private_hosts": [*settings.fetch.allowed_private_hosts, *allow_host]})
        settings = settings.model_copy(update={"fetch": fetch})
    quiet_prefect(verbose)
    from pipeline.parsing import resolve_model_name
    from pipeline.readers import discover_files

    inputs = inputs or []
    urls = [i for i in inputs if i.lower().startswith(("http://", "https://"))]
    paths = [Path(i) for i in inputs if i not in urls]
    feeds, sitemaps = feed or [], sitemap or []
    try:  # everything that can stop the whole run, checked before the flow starts
        if urls_file is not None:
            urls += _read_url_file(urls_file)
        discovery = discover_files(paths)
        if not (discovery.files or discovery.unreadable or urls or feeds or sitemaps):
            skipped = discovery.skipped_summary()
            raise RunError("nothing to ingest: no readable files under the given paths"
                           + (f" (not read: {skipped})" if skipped else "")
                           + " and no URLs, --urls, --feed or --sitemap")
        resolve_model_name(settings.spacy_model)
        engine = make_engine(settings.database_url)
        status = ensure_schema(engine)
    except RunError as exc:
        raise fail(str(exc)) from exc
    if status.created:
        err.print(f"created the newsflow schema ({status.head}) in "
                  f"{engine.url.render_as_string(True)}")

    from prefect.settings import PREFECT_API_URL

    from flows.ingest import IngestSummary, ingest_flow
    from flows.runners import LocalOnly, with_task_runner

    bar = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                   TextColumn("{task.fields[status]}"),
                   console=err, disable=not progress or not err.is_terminal, transient=False)
    with bar:
        task_id = bar.add_task("items", total=len(discovery.files) or None,
                               status="starting")

        def report(summary: IngestSummary, done: int, total: int) -> None:
            bar.update(task_id, completed=done, total=total,
                       status=f"{summary.new} new, {summary.duplicate} dup, "
                              f"{summary.failed} failed")

        # Without a Prefect server to report to, a run keeps no history: run the flow as a
        # plain function rather than start Prefect's temporary server (flows.tracking).
        tracked = bool(PREFECT_API_URL.value()) or bool(settings.dask_address)
        run_flow = with_task_runner(ingest_flow, settings) if tracked else ingest_flow.fn
        try:
            summary = run_flow(
                [str(p) for p in paths], urls=urls, feeds=feeds, sitemaps=sitemaps,
                since=utc(since), settings=settings, progress=LocalOnly(report), force=force)
        except RunError as exc:
            raise fail(str(exc)) from exc
        except KeyboardInterrupt:
            raise fail("interrupted; loaded batches are kept, re-run to continue", 130) from None
    print_summary(summary)


class RateColumn(ProgressColumn):
    """Items per second over the last half minute, once there is one."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:5.1f}/s" if speed else "    -/s", style="progress.data.speed")


def _read_url_file(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"cannot read the URL list {path}: {exc}") from exc
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def print_summary(summary: object) -> None:
    from flows.ingest import IngestSummary

    assert isinstance(summary, IngestSummary)
    table = Table(title=f"ingest run {summary.run_id}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    skipped = summary.unchanged_files + summary.same_digest_files
    if summary.files or not summary.pages:
        table.add_row("files read", f"{summary.files - skipped}"
                      + (f" of {summary.files}" if skipped else ""))
    if summary.skipped_detail:
        table.add_row("not read", summary.skipped_detail)
    if skipped:
        reasons = ", ".join(f"{n} {why}" for n, why in (
            (summary.unchanged_files, "same size and modification time"),
            (summary.same_digest_files, "same SHA-256")) if n)
        table.add_row("skipped (loaded before)", f"{skipped} files unchanged ({reasons}; "
                                                 "--force reads them anyway)")
    if summary.outdated_files:
        table.add_row("outdated", f"{summary.outdated_files} of the skipped files have rows from "
                                  "an older pipeline_version: run `newsflow reprocess`")
    if summary.known_content:
        table.add_row("already stored", f"{summary.known_content} articles read whose content "
                                        "or URL is stored (no NLP; counted as duplicate)")
    if summary.listed:
        table.add_row("entries listed", f"{summary.listed} ({summary.unchanged} unchanged)")
    if summary.pages:
        table.add_row("pages fetched", f"{summary.pages} ({summary.not_modified} not modified)")
    if summary.capped:
        left = (f"{summary.deferred:,} listed pages" if summary.deferred
                else "child sitemaps not read yet")
        table.add_row("left for the next run", f"{left} (max_items_per_feed / _sitemap / _run)")
    table.add_row("articles read", f"{summary.read}")
    table.add_row("new", f"{summary.new}" + (
        f" ({summary.near_duplicate} near-duplicates)" if summary.near_duplicate else ""))
    table.add_row("duplicate", f"{summary.duplicate}")
    failed = ", ".join(f"{n} {stage}" for stage, n in sorted(summary.failures_by_stage.items()))
    table.add_row("failed", f"{summary.failed}" + (f" ({failed})" if failed else ""))
    if summary.not_analysed:
        table.add_row("not analysed (language)", ", ".join(
            f"{language} {n}" for language, n in sorted(summary.not_analysed.items(),
                                                        key=lambda item: -item[1])))
    table.add_row("entity mentions", f"{summary.mentions}")
    table.add_row("events", f"{summary.events}")
    stages = " · ".join(f"{stage} {sec:.1f}s" for stage, sec in summary.stage_seconds.items())
    table.add_row("time", f"{summary.seconds:.1f}s ({stages})")
    table.add_row("database", summary.database)
    out.print(table)
    if summary.failed:
        out.print(f"failures are in ingest_errors: SELECT * FROM ingest_errors "
                  f"WHERE run_id = {summary.run_id};", highlight=False)

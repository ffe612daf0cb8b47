"""``newsflow sources``, ``run``, ``backfill`` and ``serve``: named sources and their runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from flows.cli.app import (
    ConfigOption,
    DbOption,
    app,
    err,
    existing_engine,
    fail,
    load_cli_settings,
    out,
    quiet_prefect,
    utc,
)
from flows.cli.ingest import print_summary
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.errors import RunError
from pipeline.settings import Settings

sources_app = typer.Typer(help="Named sources: what schedules and backfills refer to.",
                          no_args_is_help=True)
app.add_typer(sources_app, name="sources")

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]


def _engine(settings: Settings) -> Engine:
    try:
        engine = make_engine(settings.database_url)
        ensure_schema(engine)
    except RunError as exc:
        raise fail(str(exc)) from exc
    return engine


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="Short name: lower-case letters, digits, . _ -")],
    feed: Annotated[str | None, typer.Option(help="RSS/Atom feed URL.")] = None,
    sitemap: Annotated[str | None, typer.Option(help="Sitemap or sitemap-index URL.")] = None,
    urls: Annotated[str | None, typer.Option(help="File with one article URL a line.")] = None,
    path: Annotated[str | None, typer.Option(
        help="Directory (or file) of .txt/.html/.jsonl/.warc articles.")] = None,
    warc: Annotated[str | None, typer.Option(
        help="Glob of WARC files, e.g. 'archive/CC-NEWS-*.warc.gz' (quote it).")] = None,
    schedule: Annotated[str | None, typer.Option(
        help="Interval (15m, 6h, 1d) or cron ('0 6 * * *', UTC). Default: feeds 15m, "
             "sitemaps 1d, others unscheduled.")] = None,
    no_schedule: Annotated[bool, typer.Option(
        "--no-schedule", help="Never run on a schedule, only when asked.")] = False,
    db: DbOption = None, config: ConfigOption = None,
) -> None:
    """Register a source: exactly one of --feed, --sitemap, --urls, --path, --warc."""
    from pipeline.registry import add_source, check_source

    given = {kind: value for kind, value in (("feed", feed), ("sitemap", sitemap),
                                              ("urls", urls), ("path", path), ("warc", warc))
             if value is not None}
    if len(given) != 1:
        raise fail("give exactly one of --feed, --sitemap, --urls, --path, --warc")
    (kind, location), = given.items()
    schedule = None if no_schedule else (schedule or "default")
    try:
        check_source(name, kind, location, schedule=schedule)  # before any database is touched
    except RunError as exc:
        raise fail(str(exc)) from exc
    engine = _engine(load_cli_settings(config, database_url=db))
    try:
        source = add_source(engine, name, kind, location, schedule=schedule)
    except RunError as exc:
        raise fail(str(exc)) from exc
    out.print(f"added source {source.name}: {source.kind} {source.location}, "
              + (f"every {source.schedule}" if source.schedule else "not scheduled"),
              highlight=False)


@sources_app.command("list")
def sources_list(db: DbOption = None, config: ConfigOption = None) -> None:
    """Every source with its schedule, last run and article count."""
    from sqlalchemy import func, select

    from pipeline.db import schema
    from pipeline.registry import list_sources

    try:
        engine = existing_engine(load_cli_settings(config, database_url=db))
    except RunError as exc:
        raise fail(str(exc)) from exc
    with engine.connect() as connection:
        counts = dict(connection.execute(
            select(schema.Article.source_id, func.count()).group_by(schema.Article.source_id)
        ).all())
    table = Table(title="sources", title_justify="left")
    for column in ("name", "kind", "location", "schedule", "last run (UTC)", "articles"):
        table.add_column(column, overflow="fold", justify="right" if column == "articles"
                         else "left")
    for source in list_sources(engine):
        table.add_row(source.name, source.kind, source.location, source.schedule or "-",
                      f"{source.last_run_at:%Y-%m-%d %H:%M}" if source.last_run_at else "-",
                      str(counts.get(source.id, 0)))
    out.print(table)


@sources_app.command("remove")
def sources_remove(name: str, db: DbOption = None, config: ConfigOption = None) -> None:
    """Forget a source and its backfill ledger; its articles stay, without a source."""
    from pipeline.registry import remove_source

    try:
        engine = existing_engine(load_cli_settings(config, database_url=db))
        source = remove_source(engine, name)
    except RunError as exc:
        raise fail(str(exc)) from exc
    out.print(f"removed source {source.name}; its articles are kept", highlight=False)


@app.command("run")
def run_source(
    source: Annotated[str, typer.Argument(help="Source name (newsflow sources list).")],
    db: DbOption = None, config: ConfigOption = None,
    dask: Annotated[str | None, typer.Option(
        help="Dask scheduler address: run the NLP tasks on its workers.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
) -> None:
    """Run one source now, as its schedule would (skipped if a run of it is active)."""
    settings = load_cli_settings(config, database_url=db, dask_address=dask)
    try:  # checked before the flow starts, so a mistake is one line, not a failed flow run
        from pipeline.parsing import resolve_model_name
        from pipeline.registry import get_source

        engine = existing_engine(settings)
        ensure_schema(engine)
        get_source(engine, source)
        resolve_model_name(settings.spacy_model)
    except RunError as exc:
        raise fail(str(exc)) from exc
    quiet_prefect(verbose)
    from flows.sources import SkippedRun, source_flow

    try:
        result = source_flow(source, settings=settings)
    except RunError as exc:
        raise fail(str(exc)) from exc
    if isinstance(result, SkippedRun):
        err.print(result.reason, highlight=False)
        raise typer.Exit(3)
    print_summary(result)


@app.command()
def backfill(
    source: Annotated[str, typer.Argument(help="Source name (newsflow sources list).")],
    start: Annotated[datetime, typer.Option(help="First day (UTC).", formats=DATE_FORMATS)],
    end: Annotated[datetime, typer.Option(help="End, exclusive (UTC).", formats=DATE_FORMATS)],
    window: Annotated[str, typer.Option(help="Window length: 6h, 1d, 7d, 1w.")] = "1d",
    db: DbOption = None, config: ConfigOption = None,
    dask: Annotated[str | None, typer.Option(
        help="Dask scheduler address: run the NLP tasks on its workers.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
) -> None:
    """Load a source's items dated in [START, END), one subflow per window; re-running the
    same command skips done windows and retries failed ones."""
    settings = load_cli_settings(config, database_url=db, dask_address=dask)
    try:  # checked before the flow starts, so a mistake is one line, not a failed flow run
        from pipeline.parsing import resolve_model_name
        from pipeline.registry import get_source
        from pipeline.windows import parse_interval

        engine = existing_engine(settings)
        ensure_schema(engine)
        get_source(engine, source)
        parse_interval(window)
        resolve_model_name(settings.spacy_model)
    except RunError as exc:
        raise fail(str(exc)) from exc
    quiet_prefect(verbose)
    from flows.sources import SkippedRun, backfill_flow

    try:
        result = backfill_flow(source, utc(start), utc(end), window, settings=settings)
    except RunError as exc:
        raise fail(str(exc)) from exc
    except KeyboardInterrupt:
        raise fail("interrupted; finished windows are kept, re-run the same command to "
                    "resume", 130) from None
    if isinstance(result, SkippedRun):
        err.print(result.reason, highlight=False)
        raise typer.Exit(3)
    table = Table(title=f"backfill {source}: {result.windows} windows, {result.done} done, "
                        f"{result.failed} failed, "
                        + (f"{result.partial} partial, " if result.partial else "")
                        + f"{result.skipped_done} done before",
                  title_justify="left")
    for column in ("window start", "status", "listed", "fetched", "loaded", "duplicate",
                   "failed"):
        table.add_column(column, justify="left" if column in ("window start", "status")
                         else "right")
    for span, status, ledger in result.ledgers:
        if ledger.listed or status != "done":
            table.add_row(f"{span.start:%Y-%m-%d %H:%M}", status, str(ledger.listed),
                          str(ledger.fetched), str(ledger.loaded), str(ledger.duplicate),
                          str(ledger.failed + ledger.missing))
    if result.ledgers:
        out.print(table)
    else:
        out.print(table.title + ": nothing left to do", highlight=False)
    if result.undated:
        out.print(f"{result.undated} articles have no date, so no window selects them; "
                  "load them with newsflow ingest", highlight=False)
    if result.partial:
        out.print(f"{result.partial} windows are partial: a cap (max_items_per_feed / _sitemap "
                  "/ _run) left items for the next run; run the same command again to "
                  "continue", highlight=False)
    if result.failed:
        raise typer.Exit(1)


def _start_prefect_server(port: int) -> subprocess.Popen[bytes]:
    """A Prefect server with its scheduler on 127.0.0.1:``port``, in its own process group so
    that Ctrl-C reaches only ``serve``, which then stops it last."""
    import httpx

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RunError(f"port {port} is in use: if a Prefect server runs there, set "
                           f"PREFECT_API_URL=http://127.0.0.1:{port}/api; else pass "
                           "--prefect-port")
    log = open(os.devnull, "wb")  # noqa: SIM115 - handed to the child process
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
         "127.0.0.1", "--port", str(port)], stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RunError(f"the Prefect server exited at start (code {process.returncode}); "
                           f"try `prefect server start --port {port}` to see why")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RunError("the Prefect server did not answer within 120 s")


@app.command()
def serve(
    db: DbOption = None, config: ConfigOption = None,
    limit: Annotated[int | None, typer.Option(
        help="At most this many flow runs at once in this process.", min=1)] = None,
    prefect_port: Annotated[int, typer.Option(
        help="Port of the Prefect server started when PREFECT_API_URL is not set.")] = 4200,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
) -> None:
    """Run every scheduled source on its schedule from this process (Prefect's serve), plus
    an on-demand backfill deployment: no work pool or worker needed. Without PREFECT_API_URL
    it starts a local Prefect server (UI on --prefect-port) and stops it on exit. Ctrl-C
    stops it."""
    settings = load_cli_settings(config, database_url=db)
    engine = _engine(settings)
    # Scheduled runs start in child processes, which resolve settings from the environment.
    os.environ["NEWSFLOW_DATABASE_URL"] = settings.database_url
    quiet_prefect(verbose)
    from pipeline.registry import list_sources

    sources = list_sources(engine)
    scheduled = [s for s in sources if s.schedule and s.enabled]
    if not scheduled:
        err.print("no source has a schedule yet (newsflow sources add NAME --feed URL); "
                  "serving the backfill deployment only", highlight=False)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        # Prefect's temporary in-process server runs no scheduler, so nothing would ever run.
        try:
            server = _start_prefect_server(prefect_port)
        except RunError as exc:
            raise fail(str(exc)) from exc
        os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{prefect_port}/api"
        out.print(f"started a Prefect server: UI at http://127.0.0.1:{prefect_port}",
                  highlight=False)
    from prefect import serve as prefect_serve

    from flows.deployments import deployments_for

    deployments = deployments_for(sources)
    for source in scheduled:
        out.print(f"serving {source.name}: {source.kind} every {source.schedule}",
                  highlight=False)
    # Prefect's serve shuts down cleanly on SIGTERM but was seen to hang on SIGINT (Ctrl-C),
    # so Ctrl-C is turned into SIGTERM; on the way out it pauses the schedules.
    signal.signal(signal.SIGINT, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    try:
        prefect_serve(*deployments, limit=limit)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()

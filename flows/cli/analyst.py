"""``newsflow export``, ``report`` and ``browse``: the analyst layer over a newsflow database."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.app import (
    ConfigOption,
    DbOption,
    app,
    engine_with_schema,
    err,
    fail,
    load_cli_settings,
    out,
)
from pipeline.errors import RunError

SinceOption = Annotated[str | None, typer.Option(
    help="Only rows ingested at or after this date or UTC datetime (2024-06-01, "
         "2024-06-01T12:00:00Z).")]
UntilOption = Annotated[str | None, typer.Option(
    help="Only rows ingested before this date or UTC datetime (exclusive).")]
SourceOption = Annotated[str | None, typer.Option(
    help="Only this named source or outlet (site name); an event cluster is kept when any "
         "of its articles is from it.")]


def _time(value: str | None) -> datetime | None:
    from pipeline.analyst.selection import parse_time

    return parse_time(value) if value else None


@app.command("export")
def export_command(
    kind: Annotated[str, typer.Argument(
        help="events (one row per event cluster), event-mentions (one per events row), "
             "articles, entities or mentions.")],
    out_path: Annotated[str, typer.Option(
        "--out", help="Output file ('.gz' compresses text formats; '-' is standard output).")],
    format_: Annotated[str, typer.Option(
        "--format", help="gdelt (GDELT 2.0, events and event-mentions), csv, parquet or "
                         "jsonl.")] = "csv",
    since: Annotated[str | None, typer.Option(
        help="Only rows ingested at or after this date or UTC datetime; 'last' resumes "
             "where the previous export to the same target ended.")] = None,
    until: UntilOption = None,
    source: SourceOption = None,
    target: Annotated[str | None, typer.Option(
        help="Name of the cursor --since last resumes from (default: kind, format and "
             "output path).")] = None,
    db: DbOption = None, config: ConfigOption = None,
) -> None:
    """Export rows as GDELT 2.0, CSV, Parquet or JSON Lines, streamed (flat memory)."""
    from pipeline.analyst.export import ExportRequest, export
    from pipeline.analyst.selection import LAST

    settings = load_cli_settings(config, database_url=db)
    try:
        request = ExportRequest(kind, format_, out_path,
                                since=LAST if since == LAST else _time(since),
                                until=_time(until), source=source, target=target)
        result = export(engine_with_schema(db, config), request,
                        stale_after=timedelta(seconds=settings.lease_seconds))
    except RunError as exc:
        raise fail(str(exc)) from exc
    console = err if out_path == "-" else out
    size = f", {result.bytes:,} bytes" if result.bytes is not None else ""
    console.print(f"exported {result.rows:,} {kind} rows ({format_}) to {out_path}{size}; "
                  f"{result.window.describe()}", highlight=False, soft_wrap=True)
    if result.held_by is not None:
        console.print(f"the window ends where run {result.held_by} started: it is still "
                      "loading, and its rows will be in the next export", highlight=False)
    console.print(f"cursor {result.target!r} now at {result.window.until:%Y-%m-%d %H:%M:%S}",
                  highlight=False, soft_wrap=True)


@app.command("report")
def report_command(
    out_path: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
        "report.html"),
    since: SinceOption = None, until: UntilOption = None, source: SourceOption = None,
    db: DbOption = None, config: ConfigOption = None,
) -> None:
    """Write one self-contained HTML report with charts (it loads nothing from the network)."""
    from pipeline.analyst.report import ReportRequest, write_report

    try:
        request = ReportRequest(since=_time(since), until=_time(until), source=source)
        report = write_report(engine_with_schema(db, config), request, out_path)
    except RunError as exc:
        raise fail(str(exc)) from exc
    out.print(f"report with {len(report.charts)} charts written to {out_path} "
              f"({out_path.stat().st_size:,} bytes)", highlight=False)


@app.command("browse")
def browse_command(
    db: DbOption = None, config: ConfigOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: a free one).")] = 8001,
    metadata_out: Annotated[Path | None, typer.Option(
        "--metadata-out", help="Also write the Datasette metadata (JSON) to this file.")] = None,
) -> None:
    """Browse the tables in Datasette, with descriptions, code labels and canned queries
    (SQLite databases; for PostgreSQL see docs/analysts.md)."""
    from pipeline.analyst.browse import serve, sqlite_path

    settings = load_cli_settings(config, database_url=db)
    try:
        sqlite_path(settings.database_url)
        engine_with_schema(db, config)
        code = serve(settings.database_url, host=host, port=port, metadata_out=metadata_out,
                     announce=lambda line: out.print(line, highlight=False))
    except RunError as exc:
        raise fail(str(exc)) from exc
    raise typer.Exit(code)

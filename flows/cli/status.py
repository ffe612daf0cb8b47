"""``newsflow stats``, ``runs`` and ``errors``: what the database holds, read only."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from flows.cli.app import (
    ConfigOption,
    DbOption,
    app,
    check_stage,
    engine_with_schema,
    existing_engine,
    fail,
    load_cli_settings,
    out,
)
from pipeline.errors import RunError


@app.command()
def stats(db: DbOption = None, config: ConfigOption = None,
          top: Annotated[int, typer.Option(help="How many top entities to list.", min=1)] = 15,
          ) -> None:
    """Row counts, date range, languages, top entities and errors."""
    from pipeline.stats import database_stats

    try:
        result = database_stats(engine_with_schema(db, config), top=top)
    except RunError as exc:
        raise fail(str(exc)) from exc
    from pipeline.clean import language_code

    read = [language_code(code) for code in load_cli_settings(config, database_url=db).languages]
    counts = Table(title="tables", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, n in result.counts.items():
        counts.add_row(name, f"{n:,}")
    out.print(counts)
    if result.first_published:
        out.print(f"published: {result.first_published:%Y-%m-%d} → "
                  f"{result.last_published:%Y-%m-%d}")
    out.print("languages (articles, mentions): " + ", ".join(
        f"{lang or '?'} {n} ({result.language_mentions.get(lang, 0):,})"
        for lang, n in result.languages))
    unread = [(lang, n) for lang, n in result.languages
              if lang is not None and language_code(lang) not in read]
    if unread:
        out.print(f"not read by the NLP stage (languages: {', '.join(read)}): "
                  + ", ".join(f"{lang} {n}" for lang, n in unread))
    entities = Table(title=f"top {top} entities", title_justify="left")
    for column in ("entity", "type", "country", "mentions", "articles"):
        entities.add_column(column, justify="right" if column in ("mentions", "articles")
                            else "left")
    for row in result.top_entities:
        entities.add_row(row["name"], row["type"], row["country_code"] or "",
                         str(row["mentions"]), str(row["articles"]))
    out.print(entities)
    if result.errors_by_stage:
        errors = Table(title="ingest errors", title_justify="left")
        for column in ("stage", "error", "count"):
            errors.add_column(column)
        for stage, kind, n in result.errors_by_stage:
            errors.add_row(stage, kind, str(n))
        out.print(errors)


@app.command()
def runs(db: DbOption = None, config: ConfigOption = None,
         limit: Annotated[int, typer.Option(help="How many runs to list.", min=1)] = 20) -> None:
    """Recent pipeline runs with their status and counts; runs whose process died are marked
    abandoned first."""
    from pipeline.runs import reap_abandoned
    from pipeline.stats import recent_runs

    settings = load_cli_settings(config, database_url=db)
    try:
        engine = existing_engine(settings)
        reap_abandoned(engine, silence_seconds=settings.lease_seconds,
                       found_by="newsflow runs")
        rows = recent_runs(engine, limit=limit)
    except RunError as exc:
        raise fail(str(exc)) from exc
    table = Table(title="pipeline runs", title_justify="left")
    for column in ("run", "flow", "source", "status", "started (UTC)", "seconds", "read",
                   "new", "dup", "failed", "events"):
        text = column in ("flow", "source", "status", "started (UTC)")
        table.add_column(column, justify="left" if text else "right", no_wrap=True)
    for row in rows:
        took = (row["finished_at"] - row["started_at"]).total_seconds() if row[
            "finished_at"] else None
        table.add_row(str(row["id"]), row["flow_name"], row["source_name"] or "",
                      row["status"], f"{row['started_at']:%Y-%m-%d %H:%M:%S}",
                      f"{took:.1f}" if took is not None else "", str(row["read_count"]),
                      str(row["new_count"]), str(row["duplicate_count"]),
                      str(row["failed_count"]), str(row["event_count"]))
    out.print(table)


@app.command()
def errors(db: DbOption = None, config: ConfigOption = None,
           stage: Annotated[str | None, typer.Option(
               help="Only this stage: read, feed, sitemap, fetch, extract, clean, entities, "
                    "events or load.")] = None,
           limit: Annotated[int, typer.Option(help="How many items to list.", min=1)] = 20,
           all_: Annotated[bool, typer.Option(
               "--all", help="Include items a retry has resolved.")] = False,
           ) -> None:
    """Open failures by stage and reason, and the latest ones (newsflow retry-failed retries
    them)."""
    from pipeline.stats import open_errors

    check_stage(stage)
    try:
        counts, latest = open_errors(engine_with_schema(db, config), stage=stage, limit=limit,
                                     include_resolved=all_)
    except RunError as exc:
        raise fail(str(exc)) from exc
    summary = Table(title="ingest errors by stage", title_justify="left")
    for column in ("stage", "error", "count"):
        summary.add_column(column, justify="right" if column == "count" else "left")
    for stage_name, kind, n in counts:
        summary.add_row(stage_name, kind, str(n))
    out.print(summary)
    items = Table(title=f"latest {len(latest)}", title_justify="left")
    for column in ("run", "stage", "error", "tries", "status", "source", "reason"):
        items.add_column(column, overflow="fold")
    for row in latest:
        items.add_row(str(row["run_id"] or ""), row["stage"], row["error_type"],
                      str(row["attempts"]), row["status"], row["source_uri"], row["message"])
    out.print(items)

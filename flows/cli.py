"""The ``newsflow`` command line: a thin layer over :mod:`pipeline` and the flows."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from pipeline.db.engine import make_engine
from pipeline.db.migrate import current_revision, downgrade, ensure_schema, head_revision, upgrade
from pipeline.errors import RunError
from pipeline.settings import Settings, load_settings

app = typer.Typer(help="newsflow: news articles in, normalized SQL tables out.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema: create, upgrade, inspect.", no_args_is_help=True)
app.add_typer(db_app, name="db")
eval_app = typer.Typer(help="Measure quality against gold annotations.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

out = Console()
if not out.is_terminal:  # piped or captured: no screen to fit, so do not squeeze the tables
    out = Console(width=160)
err = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: NEWSFLOW_DATABASE_URL, else sqlite:///newsflow.db).")]
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="TOML settings file (default: NEWSFLOW_CONFIG, else ./newsflow.toml).")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]newsflow: error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _settings(config: Path | None, **overrides: object) -> Settings:
    try:
        return load_settings(config, **overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise _fail(f"invalid settings: {problems}") from exc
    except (OSError, ValueError) as exc:  # an unreadable or malformed TOML file
        raise _fail(f"cannot read settings: {exc}") from exc


def _quiet_prefect(verbose: bool) -> None:
    """Keep the terminal to our progress bar and summary unless asked for Prefect's logs.

    Must run before Prefect is imported; explicit environment settings win.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, config: ConfigOption = None,
               revision: Annotated[str, typer.Argument(help="Target revision.")] = "head"
               ) -> None:
    """Create the schema or bring it up to the newest migration."""
    settings = _settings(config, database_url=db)
    try:
        engine = make_engine(settings.database_url)
        before = current_revision(engine)
        upgrade(engine, revision)
        after = current_revision(engine)
    except RunError as exc:
        raise _fail(str(exc)) from exc
    out.print(f"database {engine.url.render_as_string(True)}: {before or 'empty'} → {after}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
                 db: DbOption = None, config: ConfigOption = None) -> None:
    """Step the schema back to an earlier migration (drops what later ones added)."""
    settings = _settings(config, database_url=db)
    try:
        engine = make_engine(settings.database_url)
        downgrade(engine, revision)
        out.print(f"database {engine.url.render_as_string(True)}: now at "
                  f"{current_revision(engine) or 'base (empty)'}")
    except RunError as exc:
        raise _fail(str(exc)) from exc


@db_app.command("current")
def db_current(db: DbOption = None, config: ConfigOption = None) -> None:
    """Show the database's schema revision and the newest one available."""
    settings = _settings(config, database_url=db)
    try:
        engine = make_engine(settings.database_url)
        current, head = current_revision(engine), head_revision(engine)
    except RunError as exc:
        raise _fail(str(exc)) from exc
    state = "up to date" if current == head else (
        "empty: run `newsflow db upgrade`" if current is None else
        "behind: run `newsflow db upgrade`")
    out.print(f"current: {current or 'none'}\nhead:    {head}\n{state}")


@app.command()
def ingest(
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Files and directories to read (.txt, .html, .jsonl, .warc, .warc.gz), and "
             "http(s) URLs of articles to fetch.")] = None,
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
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
) -> None:
    """Read articles (.txt, .html, .jsonl) from files and directories into the database."""
    settings = _settings(config, database_url=db, batch_size=batch_size, spacy_model=model,
                         dask_address=dask)
    if allow_host:
        fetch = settings.fetch.model_copy(update={
            "allowed_private_hosts": [*settings.fetch.allowed_private_hosts, *allow_host]})
        settings = settings.model_copy(update={"fetch": fetch})
    _quiet_prefect(verbose)
    from pipeline.entities.model import resolve_model_name
    from pipeline.readers import discover_files

    inputs = inputs or []
    urls = [i for i in inputs if i.lower().startswith(("http://", "https://"))]
    paths = [Path(i) for i in inputs if i not in urls]
    feeds, sitemaps = feed or [], sitemap or []
    try:  # everything that can stop the whole run, checked before the flow starts
        if urls_file is not None:
            urls += _read_url_file(urls_file)
        discovery = discover_files(paths)
        engine = make_engine(settings.database_url)
        status = ensure_schema(engine)
        resolve_model_name(settings.spacy_model)
    except RunError as exc:
        raise _fail(str(exc)) from exc
    if status.created:
        err.print(f"created the newsflow schema ({status.head}) in "
                  f"{engine.url.render_as_string(True)}")
    if not (discovery.files or urls or feeds or sitemaps):
        raise _fail("nothing to ingest: no readable files under the given paths and no URLs, "
                    "--urls, --feed or --sitemap")

    from flows.ingest import IngestSummary, ingest_flow
    from flows.runners import LocalOnly, with_task_runner

    bar = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
                   console=err, disable=not progress or not err.is_terminal, transient=False)
    with bar:
        task_id = bar.add_task("items", total=len(discovery.files) or None,
                               status="starting Prefect and the spaCy model")

        def report(summary: IngestSummary, done: int, total: int) -> None:
            bar.update(task_id, completed=done, total=total,
                       status=f"{summary.new} new, {summary.duplicate} dup, "
                              f"{summary.failed} failed")

        try:
            summary = with_task_runner(ingest_flow, settings)(
                [str(p) for p in paths], urls=urls, feeds=feeds, sitemaps=sitemaps,
                since=_utc(since), settings=settings, progress=LocalOnly(report))
        except RunError as exc:
            raise _fail(str(exc)) from exc
        except KeyboardInterrupt:
            raise _fail("interrupted; loaded batches are kept, re-run to continue", 130) from None
    _print_summary(summary)


def _read_url_file(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"cannot read the URL list {path}: {exc}") from exc
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _print_summary(summary: object) -> None:
    from flows.ingest import IngestSummary

    assert isinstance(summary, IngestSummary)
    table = Table(title=f"ingest run {summary.run_id}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    if summary.files or not summary.pages:
        table.add_row("files read", f"{summary.files}")
    if summary.skipped_files:
        table.add_row("files skipped (no reader)", f"{summary.skipped_files}")
    if summary.listed:
        table.add_row("entries listed", f"{summary.listed} ({summary.unchanged} unchanged)")
    if summary.pages:
        table.add_row("pages fetched", f"{summary.pages} ({summary.not_modified} not modified)")
    table.add_row("articles read", f"{summary.read}")
    table.add_row("new", f"{summary.new}" + (
        f" ({summary.near_duplicate} near-duplicates)" if summary.near_duplicate else ""))
    table.add_row("duplicate", f"{summary.duplicate}")
    failed = ", ".join(f"{n} {stage}" for stage, n in sorted(summary.failures_by_stage.items()))
    table.add_row("failed", f"{summary.failed}" + (f" ({failed})" if failed else ""))
    table.add_row("entity mentions", f"{summary.mentions}")
    table.add_row("events", f"{summary.events}")
    stages = " · ".join(f"{stage} {sec:.1f}s" for stage, sec in summary.stage_seconds.items())
    table.add_row("time", f"{summary.seconds:.1f}s ({stages})")
    table.add_row("database", summary.database)
    out.print(table)
    if summary.failed:
        out.print(f"failures are in ingest_errors: SELECT * FROM ingest_errors "
                  f"WHERE run_id = {summary.run_id};", highlight=False)


@app.command()
def stats(db: DbOption = None, config: ConfigOption = None,
          top: Annotated[int, typer.Option(help="How many top entities to list.", min=1)] = 15,
          ) -> None:
    """Row counts, date range, languages, top entities and errors."""
    from pipeline.stats import database_stats

    try:
        result = database_stats(_engine_with_schema(db, config), top=top)
    except RunError as exc:
        raise _fail(str(exc)) from exc
    counts = Table(title="tables", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, n in result.counts.items():
        counts.add_row(name, f"{n:,}")
    out.print(counts)
    if result.first_published:
        out.print(f"published: {result.first_published:%Y-%m-%d} → "
                  f"{result.last_published:%Y-%m-%d}")
    out.print("languages: " + ", ".join(f"{lang or '?'} {n}" for lang, n in result.languages))
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


def _engine_with_schema(db: str | None, config: Path | None) -> Engine:
    settings = _settings(config, database_url=db)
    engine = make_engine(settings.database_url)
    if current_revision(engine) is None:
        raise RunError("the database has no newsflow schema yet: run `newsflow ingest` "
                       "or `newsflow db upgrade`")
    return engine


@app.command()
def runs(db: DbOption = None, config: ConfigOption = None,
         limit: Annotated[int, typer.Option(help="How many runs to list.", min=1)] = 20) -> None:
    """Recent pipeline runs with their status and counts."""
    from pipeline.stats import recent_runs

    try:
        rows = recent_runs(_engine_with_schema(db, config), limit=limit)
    except RunError as exc:
        raise _fail(str(exc)) from exc
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
           stage: Annotated[str | None, typer.Option(help="Only this stage.")] = None,
           limit: Annotated[int, typer.Option(help="How many items to list.", min=1)] = 20,
           all_: Annotated[bool, typer.Option(
               "--all", help="Include items a retry has resolved.")] = False,
           ) -> None:
    """Open failures by stage and reason, and the latest ones (newsflow retry-failed retries
    them)."""
    from pipeline.stats import open_errors

    try:
        counts, latest = open_errors(_engine_with_schema(db, config), stage=stage, limit=limit,
                                     include_resolved=all_)
    except RunError as exc:
        raise _fail(str(exc)) from exc
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


@eval_app.command("events")
def eval_events(
    gold: Annotated[Path, typer.Argument(help="Gold events, JSONL (see tests/cases/events).")],
    articles: Annotated[Path, typer.Option(
        help="Folder holding the articles the gold lines name.")] = Path("seeds"),
    model: Annotated[str | None, typer.Option(help="spaCy model name to load.")] = None,
    config: ConfigOption = None,
) -> None:
    """Precision and recall of the event coder on root code + actor countries."""
    from pipeline.entities import Gazetteer, load_model
    from pipeline.events.actors import ActorCoder
    from pipeline.events.coder import EventCoder
    from pipeline.events.evaluate import evaluate
    from pipeline.events.lexicon import EventLexicon

    settings = _settings(config, spacy_model=model)
    try:
        nlp = load_model(settings.spacy_model)
        gazetteer = Gazetteer()
        coder = EventCoder(EventLexicon.load(), ActorCoder(gazetteer))
        score = evaluate(gold, articles, nlp, gazetteer, coder)
    except (RunError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    table = Table(title=f"events: {gold}", title_justify="left")
    for column in ("article", "gold", "predicted", "matched"):
        table.add_column(column, justify="left" if column == "article" else "right")
    for key, (expected, predicted, matched) in score.by_article.items():
        table.add_row(key, str(expected), str(predicted), str(matched))
    out.print(table)
    out.print(f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}  "
              f"(gold {score.gold}, predicted {score.predicted}, matched {score.matched})")


# Command groups in their own modules; importing them registers their commands on ``app``.
from flows import cli_maintenance, cli_sources  # noqa: E402,F401


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

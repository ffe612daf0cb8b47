"""The command line's shared parts: the Typer app and its sub-apps, the consoles, the options
every command takes, settings resolution, and the one error path.

Command modules import from here, never the other way: :mod:`flows.cli` imports them to
register their commands on :data:`app`.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import Engine

from pipeline.db.engine import make_engine
from pipeline.db.migrate import current_revision
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


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]newsflow: error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def load_cli_settings(config: Path | None, **overrides: object) -> Settings:
    try:
        return load_settings(config, **overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise fail(f"invalid settings: {problems}") from exc
    except (OSError, ValueError) as exc:  # an unreadable or malformed TOML file
        raise fail(f"cannot read settings: {exc}") from exc


def quiet_prefect(verbose: bool) -> None:
    """Keep the terminal to our progress bar and summary unless asked for Prefect's logs.

    Must run before Prefect is imported; explicit environment settings win.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def engine_with_schema(db: str | None, config: Path | None) -> Engine:
    settings = load_cli_settings(config, database_url=db)
    engine = make_engine(settings.database_url)
    if current_revision(engine) is None:
        raise RunError("the database has no newsflow schema yet: run `newsflow ingest` "
                       "or `newsflow db upgrade`")
    return engine


def run(command: Callable[[], object], argv: list[str]) -> int:
    """Run the app; every failure that escapes a command becomes one line on stderr and exit
    code 1 (``--verbose``/``-v`` shows the traceback as well). Typer's own exits pass through.
    """
    try:
        command()
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # noqa: BLE001 - the one place an unexpected failure is reported
        if "--verbose" in argv or "-v" in argv:
            traceback.print_exc()
        detail = str(exc).strip().splitlines()
        err.print(f"[bold red]newsflow: error:[/] {type(exc).__name__}: "
                  f"{detail[0] if detail else repr(exc)}"
                  + ("" if "--verbose" in argv else " (--verbose shows the traceback)"),
                  highlight=False, soft_wrap=True)
        return 1
    return 0

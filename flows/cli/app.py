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
from pipeline.errors import STAGES, RunError
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

    Without ``--verbose``, a failed flow or task run is not logged with its traceback either:
    :func:`run` reports the failure in one line. Must run before Prefect is imported; explicit
    environment settings win.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    if not verbose:
        for logger in ("FLOW_RUNS", "TASK_RUNS"):
            os.environ.setdefault(f"PREFECT_LOGGING_LOGGERS_PREFECT_{logger}_LEVEL", "CRITICAL")


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def existing_engine(settings: Settings) -> Engine:
    """The database a command that only reads (or acts on what is there) works on: it must
    exist and have the schema; nothing is created."""
    engine = make_engine(settings.database_url, must_exist=True)
    if current_revision(engine) is None:
        raise RunError("the database has no newsflow schema yet: run `newsflow ingest` "
                       "or `newsflow db upgrade`")
    return engine


def engine_with_schema(db: str | None, config: Path | None) -> Engine:
    return existing_engine(load_cli_settings(config, database_url=db))


def check_stage(stage: str | None) -> None:
    """``--stage`` names one of the stages items fail at."""
    if stage is not None and stage not in STAGES:
        raise fail(f"unknown stage {stage!r}: one of {', '.join(STAGES)}")


def main_command(argv: list[str]) -> Callable[[], object]:
    """The app on ``argv``, with its usage errors raised for :func:`run` to report."""
    return lambda: app(args=argv, prog_name="newsflow", standalone_mode=False)


def run(command: Callable[[], object], argv: list[str]) -> int:
    """Run the app; every failure that escapes a command becomes one line on stderr: usage
    errors (exit 2) as well as failures (exit 1; ``--verbose``/``-v`` shows the traceback).
    Typer's own exits pass through.
    """
    verbose = "--verbose" in argv or "-v" in argv
    try:
        result = command()
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except typer.Abort:
        err.print("[bold red]newsflow: error:[/] aborted", highlight=False)
        return 1
    except typer.TyperException as exc:  # a usage error: unknown option, bad value
        code = getattr(exc, "exit_code", 2)
        if type(exc).__name__ == "NoArgsIsHelpError":
            return code  # the help has been shown
        context = getattr(exc, "ctx", None)
        hint = f" (see `{context.command_path} --help`)" if context is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        err.print(f"[bold red]newsflow: error:[/] {_one_line(message)}{hint}",
                  highlight=False, soft_wrap=True)
        return code
    except Exception as exc:  # noqa: BLE001 - the one place an unexpected failure is reported
        if verbose:
            traceback.print_exc()
        err.print(f"[bold red]newsflow: error:[/] {type(exc).__name__}: "
                  f"{_one_line(str(exc)) or repr(exc)}"
                  + ("" if verbose else " (--verbose shows the traceback)"),
                  highlight=False, soft_wrap=True)
        return 1
    return result if isinstance(result, int) else 0


def _one_line(message: str) -> str:
    lines = message.strip().splitlines()
    return lines[0] if lines else ""

"""``newsflow db``: create, upgrade, downgrade and inspect the schema."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.app import (
    ConfigOption,
    DbOption,
    db_app,
    existing_engine,
    fail,
    load_cli_settings,
    out,
)
from pipeline.analyst.lookups import sync_lookups
from pipeline.db.engine import make_engine
from pipeline.db.migrate import current_revision, downgrade, head_revision, upgrade
from pipeline.errors import RunError


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, config: ConfigOption = None,
               revision: Annotated[str, typer.Argument(help="Target revision.")] = "head"
               ) -> None:
    """Create the schema or bring it up to the newest migration."""
    settings = load_cli_settings(config, database_url=db)
    try:
        engine = make_engine(settings.database_url)
        before = current_revision(engine)
        upgrade(engine, revision)
        after = current_revision(engine)
        synced = {}
        if after == head_revision(engine):
            with engine.begin() as connection:
                synced = sync_lookups(connection)
    except RunError as exc:
        raise fail(str(exc)) from exc
    out.print(f"database {engine.url.render_as_string(True)}: {before or 'empty'} → {after}")
    if any(synced.values()):
        out.print("lookup tables brought in step with the package data: " + ", ".join(
            f"{table} {n} rows" for table, n in synced.items() if n))


# "-1" is a revision, not an option: unknown options are taken as arguments here.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
                 db: DbOption = None, config: ConfigOption = None,
                 force: Annotated[bool, typer.Option(
                     "--force", help="Drop tables even when they hold rows.")] = False) -> None:
    """Step the schema back to an earlier migration (drops what later ones added). A step
    that would drop tables holding rows is refused, naming them, unless --force is given."""
    settings = load_cli_settings(config, database_url=db)
    try:
        engine = existing_engine(settings)
        downgrade(engine, revision, force=force)
        out.print(f"database {engine.url.render_as_string(True)}: now at "
                  f"{current_revision(engine) or 'base (empty)'}")
    except RunError as exc:
        raise fail(str(exc)) from exc


@db_app.command("current")
def db_current(db: DbOption = None, config: ConfigOption = None) -> None:
    """Show the database's schema revision and the newest one available."""
    settings = load_cli_settings(config, database_url=db)
    try:
        engine = make_engine(settings.database_url, must_exist=True)
        current, head = current_revision(engine), head_revision(engine)
    except RunError as exc:
        raise fail(str(exc)) from exc
    state = "up to date" if current == head else (
        "empty: run `newsflow db upgrade`" if current is None else
        "behind: run `newsflow db upgrade`")
    out.print(f"current: {current or 'none'}\nhead:    {head}\n{state}")

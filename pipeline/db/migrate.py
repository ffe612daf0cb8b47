"""Schema migrations through Alembic, driven from code (``newsflow db upgrade``).

Migrations live in ``db/migrations`` at the root of the source tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, func, inspect, select
from sqlalchemy import table as sql_table
from sqlalchemy.exc import OperationalError

from pipeline.errors import RunError, SchemaOutOfDateError

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "db" / "migrations"


def alembic_config(engine: Engine, migrations_dir: Path | None = None) -> Config:
    """An Alembic config that runs on ``engine`` (see ``db/migrations/env.py``)."""
    directory = migrations_dir or MIGRATIONS_DIR
    if not (directory / "env.py").exists():
        raise RunError(f"migrations not found at {directory}: install newsflow from its "
                       "source tree (pip install -e .)")
    config = Config()
    config.set_main_option("script_location", str(directory))
    config.set_main_option("path_separator", "os")
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine, migrations_dir: Path | None = None) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine, migrations_dir)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; ``None`` for a database never migrated."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise RunError(f"cannot connect to the database: {_first_line(exc)}") from exc


def upgrade(engine: Engine, revision: str = "head", migrations_dir: Path | None = None) -> None:
    try:
        command.upgrade(alembic_config(engine, migrations_dir), revision)
    except CommandError as exc:
        raise RunError(f"cannot upgrade to {revision!r}: {exc}") from exc


REFERENCE_TABLES = frozenset({"cameo_codes", "plover_types", "quad_classes", "countries"})
"""Tables a migration fills from the package's data files: dropping them loses nothing the
next upgrade does not write back, so they never stop a downgrade."""


def downgrade(engine: Engine, revision: str, *, force: bool = False) -> None:
    """Step the schema back to ``revision`` (``-1``, ``base``, ``0003``).

    Unless ``force``, a downgrade that would drop tables holding rows is refused, naming them,
    and nothing changes: the steps run in one transaction, and the tables left at its end are
    compared with the row counts taken before.
    """
    rows = _row_counts(engine)

    def refuse_dropping_rows(connection: Connection) -> None:
        left = set(inspect(connection).get_table_names())
        dropped = {table: n for table, n in rows.items()
                   if n and table not in left and table not in REFERENCE_TABLES}
        if dropped and not force:
            listed = ", ".join(f"{table} ({n:,} row{'' if n == 1 else 's'})"
                               for table, n in sorted(dropped.items()))
            raise RunError(f"downgrading to {revision!r} would drop tables that hold rows: "
                           f"{listed}; nothing was changed (--force drops them)")

    config = alembic_config(engine)
    config.attributes["check"] = refuse_dropping_rows
    try:
        command.downgrade(config, revision)
    except CommandError as exc:
        raise RunError(f"cannot downgrade to {revision!r}: {exc}") from exc


def _row_counts(engine: Engine) -> dict[str, int]:
    try:
        with engine.connect() as connection:
            tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
            return {table: connection.execute(
                select(func.count()).select_from(sql_table(table))).scalar_one()
                for table in tables}
    except OperationalError as exc:
        raise RunError(f"cannot connect to the database: {_first_line(exc)}") from exc


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: str | None
    head: str | None
    created: bool


def ensure_schema(engine: Engine, migrations_dir: Path | None = None) -> SchemaStatus:
    """Create the schema on an empty database; refuse one behind the newest migration.

    Upgrading an existing database is a deliberate step (``newsflow db upgrade``): a run never
    alters a schema that holds data.
    """
    current, head = current_revision(engine), head_revision(engine, migrations_dir)
    if current == head:
        return SchemaStatus(current, head, created=False)
    if current is None:
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        if tables:
            raise RunError(
                f"the database has tables ({', '.join(sorted(tables)[:5])}…) but no newsflow "
                "schema version: point --db at an empty or newsflow database")
        upgrade(engine, migrations_dir=migrations_dir)
        return SchemaStatus(head, head, created=True)
    script = ScriptDirectory.from_config(alembic_config(engine, migrations_dir))
    try:
        known = script.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise RunError(f"the database is at revision {current}, which this newsflow does not "
                       "know: it was written by a newer version")
    raise SchemaOutOfDateError(
        f"the database schema is at revision {current}, behind {head}: "
        "run `newsflow db upgrade` first")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

"""Alembic environment: runs on the engine newsflow hands over, or on ``sqlalchemy.url``.

All migrations of one command run in one transaction. On SQLite, foreign keys are off while
they run: a batch migration copies a table, drops the original and renames the copy, and
dropping a table that other rows point to fails with foreign keys on (or, with ``ON DELETE
CASCADE``, deletes those rows). Before the transaction commits, SQLite's own
``foreign_key_check`` must come back empty, and a ``check`` callable that newsflow passes in
``config.attributes`` may still refuse the result (raising rolls everything back).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, text

from pipeline.db.schema import Base
from pipeline.errors import RunError

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # A batch migration rebuilds a table as _alembic_tmp_<name> and renames it back;
        # SQLite's own RENAME checks every view and fails while a view (events_view) names
        # the table just dropped. The legacy rename skips that check; the views are whole
        # again once the rename is done.
        connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA legacy_alter_table=OFF")


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # Only outside a transaction does the pragma take effect, so it goes to the driver's
    # connection directly, before SQLAlchemy begins one.
    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
        f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _dangling_references(connection: Connection) -> list[str]:
    rows = connection.execute(text("PRAGMA foreign_key_check")).all()
    return sorted({f"{row[0]} → {row[2]}" for row in rows})


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(
        config.get_main_option("sqlalchemy.url"))
    check = config.attributes.get("check")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, False)
        try:
            with connection.begin():
                _run(connection)
                if sqlite and (dangling := _dangling_references(connection)):
                    raise RunError("the migration would leave rows pointing at rows that are "
                                   f"gone ({', '.join(dangling)}); nothing was changed")
                if check is not None:
                    check(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, True)


if context.is_offline_mode():
    raise SystemExit("newsflow migrations run online only: use `newsflow db upgrade`")
run_migrations_online()

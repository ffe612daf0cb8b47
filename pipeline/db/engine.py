"""Engines for the output database, with a clear error for URLs that cannot work."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from pipeline.errors import RunError

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def normalize_url(url: str) -> str:
    """Plain ``postgresql://`` and ``postgres://`` URLs use psycopg 3, the installed driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout for concurrent use."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise RunError(f"invalid database URL {url!r}: expected e.g. sqlite:///newsflow.db "
                       "or postgresql://user@host/db") from exc
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise RunError(f"unsupported database {parsed.get_backend_name()!r} in "
                       f"{parsed.render_as_string(hide_password=True)}: use SQLite or PostgreSQL")
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise RunError(f"no driver for {parsed.drivername!r}") from exc


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs, which the loader needs to isolate
    # one bad article from its batch; SQLAlchemy's documented fix is to let it emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")

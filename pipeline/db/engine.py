"""Engines for the output database, with a clear error for URLs that cannot work.

A URL is checked before anything connects: connecting is what creates a SQLite file, and a
PostgreSQL URL whose database name the driver cannot pass on (a NUL ends it) connects to
another database without a word.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from pipeline.errors import RunError

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""
IN_MEMORY = ":memory:"


def normalize_url(url: str) -> str:
    """Plain ``postgresql://`` and ``postgres://`` URLs use psycopg 3, the installed driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, *, must_exist: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout for concurrent use.

    The URL is checked first (:func:`check_url`); with ``must_exist`` a SQLite file that is
    not there is an error rather than an empty database (for commands that only read).
    """
    parsed = check_url(url, must_exist=must_exist)
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise RunError(f"no driver for {parsed.drivername!r}") from exc


def check_url(url: str, *, must_exist: bool = False) -> URL:
    """The parsed URL, or a :class:`RunError` saying what is wrong with it: not a URL, a
    backend other than SQLite or PostgreSQL, a NUL anywhere, a SQLite URL without a path (or
    with a host: ``sqlite://x.db``), a path that is a directory or a file that is not a SQLite
    database, a PostgreSQL URL without a database name."""
    url = normalize_url(url)
    if "\x00" in url or "%00" in url:
        raise RunError("invalid database URL: it contains a NUL character")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise RunError(f"invalid database URL {url!r}: expected e.g. sqlite:///newsflow.db "
                       "or postgresql://user@host/db") from exc
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise RunError(f"unsupported database {backend!r} in {shown}: use SQLite or PostgreSQL")
    if any("\x00" in str(part) for part in (parsed.username, parsed.password, parsed.host,
                                              parsed.database, *parsed.query.values())
           if part is not None):
        raise RunError(f"invalid database URL {shown}: it contains a NUL character")
    if backend == "sqlite":
        _check_sqlite(parsed, shown, must_exist=must_exist)
    elif not parsed.database:
        raise RunError(f"invalid database URL {shown}: name the database "
                       "(postgresql://user@host:5432/DATABASE)")
    return parsed


def _check_sqlite(parsed: URL, shown: str, *, must_exist: bool) -> None:
    if parsed.host:
        raise RunError(f"invalid database URL {shown}: a SQLite URL has three slashes before "
                       "a relative path (sqlite:///newsflow.db) and four before an absolute "
                       "one (sqlite:////data/newsflow.db)")
    if not parsed.database:
        raise RunError(f"invalid database URL {shown}: it names no database file "
                       "(sqlite:///newsflow.db)")
    if parsed.database == IN_MEMORY:
        return
    path = Path(parsed.database)
    if path.is_dir():
        raise RunError(f"the database path {path} is a directory, not a SQLite file")
    if not path.exists():
        if must_exist:
            raise RunError(f"no database at {path}: run `newsflow ingest` or "
                           "`newsflow db upgrade` to create one")
        if not path.parent.is_dir():
            raise RunError(f"cannot create the database {path}: the directory {path.parent} "
                           "does not exist")
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise RunError(f"cannot open the database {path}: {exc.strerror or exc}") from exc
    if header and header != SQLITE_HEADER:
        raise RunError(f"{path} is not a SQLite database (it is some other file); point --db "
                       "at a newsflow database or a new file")


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

"""``newsflow browse``: Datasette over a SQLite newsflow database, with metadata.

The metadata describes every table, view and column (``data/catalog.toml``), gives units,
hides the internal tables, offers the common questions as canned queries
(``data/queries.toml``, the same SQL ``docs/analysts.md`` shows for PostgreSQL) and hands the
code labels to the ``newsflow_labels`` plugin, which shows a code's name beside it.
Datasette opens the database read-only.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from pipeline.analyst.catalog import Catalog, load_catalog
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.errors import RunError

PLUGINS_DIR = Path(str(resources.files("pipeline") / "analyst" / "datasette_plugins"))
HIDDEN = ("alembic_version", "article_lsh_bands")
"""Internal tables the browser lists only under 'hidden tables'."""
LABEL_COLUMNS = {"cameo_codes": "name", "countries": "name", "quad_classes": "name",
                 "plover_types": "description"}
"""The column Datasette shows for a row of a lookup table that a foreign key points to."""
FACETS = {"events_view": ["quad_class_name", "modality", "plover_type", "outlet"],
          "event_clusters_view": ["quad_class_name", "root_name", "first_seen_day"],
          "articles": ["language", "source_format", "site_name"],
          "entities": ["type"], "ingest_errors": ["stage", "status"]}
SORT_DESC = {"articles": "published_at", "events_view": "event_date",
             "event_clusters_view": "num_articles", "ingest_errors": "created_at",
             "pipeline_runs": "started_at"}


@dataclass(frozen=True, slots=True)
class CannedQuery:
    name: str
    title: str
    description: str
    sql: str
    example: dict[str, Any] = field(default_factory=dict)
    """A value for each parameter that the seed articles answer."""


def load_queries() -> list[CannedQuery]:
    """The packaged canned queries, in order."""
    text = (resources.files("pipeline") / "analyst" / "data" / "queries.toml").read_text(
        encoding="utf-8")
    return [CannedQuery(entry["name"], entry["title"], entry["description"],
                        entry["sql"].strip(), dict(entry.get("example", {})))
            for entry in tomllib.loads(text)["query"]]


def code_labels(engine: Engine) -> dict[str, dict[str, str]]:
    """Lookup table → code → label, read from the database's lookup tables."""
    cameo, countries = schema.CameoCode.__table__, schema.Country.__table__
    quads, plover = schema.QuadClass.__table__, schema.PloverType.__table__
    pairs = {"cameo_codes": (cameo.c.code, cameo.c.name),
             "countries": (countries.c.alpha3, countries.c.name),
             "quad_classes": (quads.c.code, quads.c.name),
             "plover_types": (plover.c.type, plover.c.description)}
    with engine.connect() as connection:
        return {table: {str(code): label for code, label in
                        connection.execute(select(*columns)).all()}
                for table, columns in pairs.items()}


def database_name(path: Path) -> str:
    """The name Datasette gives a database file: its name without the suffix."""
    return path.stem


def datasette_metadata(catalog: Catalog, queries: list[CannedQuery], *, database: str,
                       labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for name, relation in catalog.relations.items():
        entry: dict[str, Any] = {"description": relation.description,
                                 "columns": dict(relation.columns)}
        if relation.units:
            entry["units"] = dict(relation.units)
        if name in LABEL_COLUMNS:
            entry["label_column"] = LABEL_COLUMNS[name]
        if name in HIDDEN:
            entry["hidden"] = True
        if name in FACETS:
            entry["facets"] = FACETS[name]
        if name in SORT_DESC:
            entry["sort_desc"] = SORT_DESC[name]
        tables[name] = entry
    return {
        "title": "newsflow",
        "description": "News articles as tables: articles, entities, events (CAMEO and "
                       "PLOVER) and their clusters, with lookups and analyst views. Counted "
                       "events: NOT negated AND modality = 'asserted'.",
        "databases": {database: {
            "description": "A newsflow database (see docs/analysts.md).",
            "tables": tables,
            "queries": {query.name: {"sql": query.sql, "title": query.title,
                                     "description": query.description}
                        for query in queries},
        }},
        "plugins": {"newsflow-labels": {"columns": dict(catalog.labels), "labels": labels}},
    }


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite URL; a clear error for anything Datasette cannot open."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise RunError("newsflow browse serves SQLite databases (Datasette reads SQLite "
                       "only); for PostgreSQL, docs/analysts.md shows the same queries for psql")
    if not url.database or url.database == ":memory:":
        raise RunError("newsflow browse needs a SQLite file, not an in-memory database")
    path = Path(url.database).expanduser()
    if not path.exists():
        raise RunError(f"no database file at {path}")
    return path


def write_metadata(database_url: str, destination: Path) -> Path:
    """Write the metadata for the database at ``database_url``; returns the database file."""
    path = sqlite_path(database_url)
    engine = make_engine(database_url)
    try:
        metadata = datasette_metadata(load_catalog(), load_queries(),
                                      database=database_name(path), labels=code_labels(engine))
    finally:
        engine.dispose()
    destination.write_text(json.dumps(metadata, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def datasette_command(path: Path, metadata: Path, *, host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(path), "--metadata", str(metadata),
            "--plugins-dir", str(PLUGINS_DIR), "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "10000",
            "--setting", "facet_time_limit_ms", "1000"]


def serve(database_url: str, *, host: str, port: int, metadata_out: Path | None = None,
          announce: Callable[[str], None] = print) -> int:
    """Run Datasette in the foreground until it stops or Ctrl-C; returns its exit code."""
    with tempfile.TemporaryDirectory(prefix="newsflow-browse-") as scratch:
        metadata = metadata_out or Path(scratch) / "metadata.json"
        path = write_metadata(database_url, metadata)
        where = f"http://{host}:{port}/" if port else f"{host} (Datasette prints the port)"
        announce(f"serving {path} at {where} (Ctrl-C stops)")
        process = subprocess.Popen(datasette_command(path, metadata, host=host, port=port))
        # Stopping newsflow stops the server it started, by Ctrl-C or by SIGTERM.
        previous = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait(timeout=10)
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)

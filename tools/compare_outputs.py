"""Compare every output table of two newsflow databases, ignoring ids, timestamps and runs.

    .venv/bin/python tools/compare_outputs.py sqlite:///before.db sqlite:///after.db

Rows are compared as multisets per table. Surrogate ids mean nothing across two databases, so
every column that refers to another row (``article_id``, ``entity_id``, ``cluster_id``, ...)
is replaced by that row's natural key (an article by its ``content_hash``, an entity by its
type and name, an event cluster by its actors, code and day), and the tables' own ``id``
columns are left out; so are timestamps (``*_at``), run ids and the operational tables
(runs, leases, cursors, the skip ledger). Exit status 0 when every table holds the same rows,
1 otherwise, with the first differing rows of each table.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.db.engine import normalize_url  # noqa: E402

SKIPPED_TABLES = {"alembic_version", "pipeline_runs", "source_leases", "export_cursors",
                  "input_files", "backfill_windows"}
IGNORED_COLUMNS = {"id", "run_id", "ingested_at", "seen_at", "created_at", "last_attempt_at",
                   "resolved_at", "heartbeat_at", "started_at", "finished_at", "exported_at",
                   "last_fetched_at", "acquired_at", "expires_at", "fetched_at"}
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("content_hash",),
    "entities": ("type", "name"),
    "entity_forms": ("type", "name"),
    "event_clusters": ("actor1_code", "actor2_code", "cameo_code", "event_date"),
    "raw_documents": ("url", "body_sha256"),
    "sources": ("name",),
    "mentions": ("article_id", "section", "start_char", "end_char"),
    "events": ("article_id", "sentence_index", "start_char", "trigger", "cameo_code"),
}
"""What identifies a row of each table that other rows refer to (columns may themselves be
references, resolved the same way)."""


class Snapshot:
    """One database's tables as comparable rows."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(normalize_url(url))
        self.metadata = MetaData()
        self.metadata.reflect(self.engine)
        self._raw: dict[str, list[dict[str, Any]]] = {}
        self._keys: dict[str, dict[Any, Any]] = {}

    def raw(self, table: str) -> list[dict[str, Any]]:
        if table not in self._raw:
            with self.engine.connect() as connection:
                self._raw[table] = [dict(row._mapping) for row in connection.execute(
                    select(self.metadata.tables[table]))]
        return self._raw[table]

    def key_of(self, table: str, row_id: Any) -> Any:
        """The natural key of row ``row_id`` of ``table``."""
        if row_id is None:
            return None
        if table not in self._keys:
            columns = NATURAL_KEYS.get(table)
            keys = {}
            for row in self.raw(table):
                if columns is None:
                    value = tuple(self.value(table, c, row[c]) for c in sorted(row) if
                                  c not in IGNORED_COLUMNS)
                else:
                    value = tuple(self.value(table, c, row[c]) for c in columns)
                keys[row["id"]] = (table, *value)
            self._keys[table] = keys
        return self._keys[table].get(row_id, (table, "missing", row_id))

    def value(self, table: str, column: str, value: Any) -> Any:
        target = self._reference(table, column)
        if target is not None:
            return self.key_of(target, value)
        if isinstance(value, (bytes, memoryview)):
            return bytes(value).hex()
        if isinstance(value, (dict, list)):
            return json.dumps(value, sort_keys=True, default=str)
        if isinstance(value, float):
            return round(value, 6)
        return value

    def _reference(self, table: str, column: str) -> str | None:
        for key in self.metadata.tables[table].columns[column].foreign_keys:
            # a reference by a surrogate id is replaced; one by a natural key (a country's
            # code) is kept as it is
            return key.column.table.name if key.column.name == "id" else None
        if table == "articles" and column == "duplicate_of":
            return "articles"
        return None

    def rows(self, table: str) -> Counter[tuple[Any, ...]]:
        columns = [c.name for c in self.metadata.tables[table].columns
                   if c.name not in IGNORED_COLUMNS]
        return Counter(tuple((c, self.value(table, c, row[c])) for c in columns)
                       for row in self.raw(table))


def compare(before_url: str, after_url: str, show: int = 5) -> int:
    before, after = Snapshot(before_url), Snapshot(after_url)
    tables = sorted((set(before.metadata.tables) | set(after.metadata.tables)) - SKIPPED_TABLES)
    differing = 0
    for table in tables:
        if table not in before.metadata.tables or table not in after.metadata.tables:
            print(f"{table}: only in {'after' if table in after.metadata.tables else 'before'}")
            differing += 1
            continue
        old, new = before.rows(table), after.rows(table)
        if old == new:
            print(f"{table}: {sum(new.values())} rows, same")
            continue
        differing += 1
        gone, added = old - new, new - old
        print(f"{table}: DIFFERENT ({sum(old.values())} before, {sum(new.values())} after; "
              f"{sum(gone.values())} only before, {sum(added.values())} only after)")
        for label, rows in (("-", gone), ("+", added)):
            for row in list(rows)[:show]:
                print(f"  {label} {dict(row)}"[:600])
    print("same" if not differing else f"{differing} table(s) differ")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="database URL (sqlite:///path or postgresql://...)")
    parser.add_argument("after", help="database URL")
    parser.add_argument("--show", type=int, default=5, help="differing rows shown per table")
    args = parser.parse_args(argv)
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    raise SystemExit(main())

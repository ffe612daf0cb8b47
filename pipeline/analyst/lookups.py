"""Lookup tables from the package's data: CAMEO codes, PLOVER types, QuadClasses, countries.

The rows come from the same files the event coder and the gazetteer read, so what SQL sees
is what the pipeline used: ``pipeline/events/data/cameo_codes.tsv``,
``pipeline/data/country_codes.tsv`` and this package's ``data/`` (PLOVER types, QuadClasses).
Migration 0008 fills the tables; :func:`sync_lookups` brings them in step with the files
again (``newsflow db upgrade`` runs it) after a data file changed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from sqlalchemy import Connection, Table, select

from pipeline.db import schema

_EVENTS_DATA = resources.files("pipeline") / "events" / "data"
_COUNTRY_DATA = resources.files("pipeline") / "data"
_ANALYST_DATA = resources.files("pipeline") / "analyst" / "data"


def _tsv(file: Traversable) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated file with a header line; ``#`` lines are comments."""
    with file.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t")


def _empty_to_none(value: str | None) -> str | None:
    return value if value else None


def cameo_code_rows() -> list[dict[str, Any]]:
    """One row per CAMEO event code; ``base_code`` is GDELT's EventBaseCode (the three-digit
    parent of a four-digit code, else the code itself)."""
    return [{"code": row["code"], "name": row["name"],
             "base_code": row["code"][:3], "root_code": row["root"],
             "level": {2: 1, 3: 2, 4: 3}[len(row["code"])],
             "quad_class": int(row["quad_class"]), "goldstein": float(row["goldstein"]),
             "plover_type": _empty_to_none(row["plover_type"]),
             "plover_mode": _empty_to_none(row["plover_mode"])}
            for row in _tsv(_EVENTS_DATA / "cameo_codes.tsv")]


def plover_type_rows() -> list[dict[str, Any]]:
    return [{"type": row["type"], "position": position, "description": row["description"]}
            for position, row in enumerate(_tsv(_ANALYST_DATA / "plover_types.tsv"), 1)]


def quad_class_rows() -> list[dict[str, Any]]:
    return [{"code": int(row["code"]), "name": row["name"], "cameo_roots": row["cameo_roots"],
             "description": row["description"]}
            for row in _tsv(_ANALYST_DATA / "quad_classes.tsv")]


def country_rows() -> list[dict[str, Any]]:
    return [{"alpha3": row["alpha3"], "alpha2": row["alpha2"], "cameo_code": row["cameo"],
             "fips": _empty_to_none(row["fips"]), "name": row["name"]}
            for row in _tsv(_COUNTRY_DATA / "country_codes.tsv")]


def region_codes() -> set[str]:
    """The CAMEO region codes the event coder writes as an actor's country (WST, EUR)."""
    return {row["region"][:3] for row in _tsv(_EVENTS_DATA / "regions.tsv")}


LOOKUPS: tuple[tuple[Table, str, Any], ...] = (
    (schema.QuadClass.__table__, "code", quad_class_rows),
    (schema.PloverType.__table__, "type", plover_type_rows),
    (schema.CameoCode.__table__, "code", cameo_code_rows),
    (schema.Country.__table__, "alpha3", country_rows),
)
"""Each lookup table, its key and its rows, in the order foreign keys need."""


def sync_lookups(connection: Connection) -> dict[str, int]:
    """Make the lookup tables hold exactly the data files' rows; returns the rows changed per
    table (inserted, updated or deleted). Rows are compared, so an unchanged table is not
    written to. Inserts and updates go parents first, deletes children first, so the foreign
    keys between the tables hold at every step."""
    changed: dict[str, int] = {}
    deletes: list[tuple[Table, str, list[Any]]] = []
    for table, key, rows_of in LOOKUPS:
        wanted = {row[key]: row for row in rows_of()}
        stored = {row[key]: dict(row) for row in
                  connection.execute(select(table)).mappings()}
        inserts = [row for k, row in wanted.items() if k not in stored]
        updates = [row for k, row in wanted.items() if k in stored and stored[k] != row]
        gone = [k for k in stored if k not in wanted]
        for row in updates:
            connection.execute(table.update().where(table.c[key] == row[key]).values(row))
        if inserts:
            connection.execute(table.insert(), inserts)
        deletes.append((table, key, gone))
        changed[table.name] = len(inserts) + len(updates) + len(gone)
    for table, key, gone in reversed(deletes):
        if gone:
            connection.execute(table.delete().where(table.c[key].in_(gone)))
    return changed

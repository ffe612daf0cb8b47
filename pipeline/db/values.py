"""Values fitted to their columns the same way on SQLite and PostgreSQL.

PostgreSQL refuses text with NUL or lone surrogates and strings longer than a ``varchar(n)``;
SQLite stores all three. So that one database never loses what the other keeps, every row the
loader writes goes through :func:`fit_row`: text made storable (see
:func:`pipeline.validate.storable`) and strings cut to their column's length. Columns are
bounded only where the bound means something (codes, labels, names in a unique index); a cut
value keeps its full form elsewhere (a mention's offsets point into the article's text).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Table

from pipeline.db.schema import Base
from pipeline.validate import storable

_LENGTHS: dict[str, dict[str, int]] = {
    table.name: {column.name: column.type.length for column in table.columns
                 if isinstance(column.type, String) and column.type.length}
    for table in Base.metadata.tables.values()
}
"""Column name → maximum characters, per table."""

_JSON_COLUMNS: dict[str, frozenset[str]] = {
    table.name: frozenset(c.name for c in table.columns if isinstance(c.type, JSON))
    for table in Base.metadata.tables.values()
}


def fit(value: str, length: int | None) -> str:
    """``value`` storable and at most ``length`` characters (no bound when ``None``); what
    is not a string comes back as it is, for the database to judge."""
    if not isinstance(value, str):
        return value
    value = storable(value)
    return value if length is None or len(value) <= length else value[:length].rstrip()


def fit_json(value: Any) -> Any:
    """A JSON value with every string in it storable (keys included)."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): fit_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [fit_json(v) for v in value]
    return value


def fit_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``row`` whose values the table's columns take on every backend."""
    lengths = _LENGTHS.get(table.name, {})
    json_columns = _JSON_COLUMNS.get(table.name, frozenset())
    fitted = {}
    for name, value in row.items():
        if isinstance(value, str):
            value = fit(value, lengths.get(name))
        elif name in json_columns:
            value = fit_json(value)
        fitted[name] = value
    return fitted


def column_length(table: Table, column: str) -> int | None:
    return _LENGTHS.get(table.name, {}).get(column)

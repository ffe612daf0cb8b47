"""Datasette plugin (loaded by ``newsflow browse`` with ``--plugins-dir``): a code column
shows its label from the lookup tables beside the code (``042`` → ``042 Make a visit``,
``XKX`` → ``XKX Kosovo``), in tables, views and query results alike.

The labels travel in the metadata ``newsflow browse`` writes (``plugins.newsflow-labels``),
read from the database when the server starts, so rendering a cell queries nothing.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(value: Any, column: str, datasette: Any) -> Markup | None:
    config = datasette.plugin_config("newsflow-labels") or {}
    lookup = config.get("columns", {}).get(column)
    if lookup is None or value is None:
        return None
    label = config.get("labels", {}).get(lookup, {}).get(str(value))
    if label is None:
        return None
    return Markup(f'{escape(value)} <span style="color:#666">{escape(label)}</span>')

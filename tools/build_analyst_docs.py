"""Rewrite the generated parts of ``docs/analysts.md`` from the package's analyst data.

Two parts of the guide come from data the code uses, so they cannot drift from it: the common
questions (``pipeline/analyst/data/queries.toml``, also Datasette's canned queries) and the
list of every table, view and column (``pipeline/analyst/data/catalog.toml``, also the
browser's metadata). Each sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``
lines; the rest of the guide is prose written by hand. ``tests/analyst/test_docs.py``
fails when the guide is out of date.

Usage (from the repository root)::

    .venv/bin/python tools/build_analyst_docs.py
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from pipeline.analyst.browse import load_queries
from pipeline.analyst.catalog import LOOKUPS, VIEWS, load_catalog

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "analysts.md"

OPERATIONS = ("pipeline_runs", "ingest_errors", "sources", "source_leases", "backfill_windows",
              "export_cursors", "alembic_version")
FETCHING = ("raw_documents", "url_state", "source_items", "input_files", "article_urls",
            "article_lsh_bands")


def render_queries() -> str:
    parts = []
    for query in load_queries():
        parameters = ""
        if query.example:
            values = ", ".join(f"`:{name}` (e.g. `{value}`)"
                               for name, value in query.example.items())
            parameters = f" Parameters: {values}."
        parts.append(f"#### {query.title}\n\n{query.description}{parameters} "
                     f"(Datasette: `{query.name}`.)\n\n```sql\n{query.sql}\n```\n")
    return "\n".join(parts)


def _group(name: str) -> str:
    if name in VIEWS:
        return "Views"
    if name in LOOKUPS:
        return "Lookup tables"
    if name in OPERATIONS:
        return "Runs, sources and exports"
    if name in FETCHING:
        return "Fetching and deduplication"
    return "Articles, entities and events"


def render_catalog() -> str:
    catalog = load_catalog()
    order = ["Articles, entities and events", "Views", "Lookup tables",
             "Fetching and deduplication", "Runs, sources and exports"]
    groups: dict[str, list[str]] = {group: [] for group in order}
    for name in catalog.relations:
        groups[_group(name)].append(name)
    parts = []
    for group in order:
        parts.append(f"### {group}\n")
        for name in groups[group]:
            relation = catalog.relations[name]
            rows = "\n".join(f"| `{column}` | {description} |"
                             for column, description in relation.columns.items())
            parts.append(f"#### `{name}`\n\n{relation.description}\n\n"
                         f"| column | meaning |\n|---|---|\n{rows}\n")
    return "\n".join(parts)


SECTIONS = {"queries": render_queries, "catalog": render_catalog}


def update(text: str) -> str:
    """``text`` with every generated section rendered afresh."""
    for name, render in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"no <!-- {name}:start --> ... <!-- {name}:end --> in the guide")
        text = pattern.sub(lambda match, r=render: match.group(1) + "\n" + r() + "\n"
                           + match.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guide", type=Path, default=GUIDE)
    args = parser.parse_args(argv)
    text = args.guide.read_text(encoding="utf-8")
    updated = update(text)
    if updated != text:
        args.guide.write_text(updated, encoding="utf-8")
        print(f"{args.guide}: generated sections updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What every table, view and column holds (``data/catalog.toml``), for the browser's metadata
and the analysts' guide."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources

VIEWS = ("events_view", "event_clusters_view", "event_dyads_daily", "entity_mentions_daily",
         "source_health_daily")
"""The analyst views, created by migration 0009 (not ORM models: the schema drift test skips
views, and ``tests/analyst/test_catalog.py`` checks them against this catalog instead)."""

LOOKUPS = ("cameo_codes", "plover_types", "quad_classes", "countries")


@dataclass(frozen=True, slots=True)
class Relation:
    """A table or a view."""

    name: str
    description: str
    columns: dict[str, str]
    """Column name → description, in the catalog's order."""
    units: dict[str, str] = field(default_factory=dict)
    """Column name → a unit Datasette understands (pint's names)."""

    @property
    def is_view(self) -> bool:
        return self.name in VIEWS


@dataclass(frozen=True, slots=True)
class Catalog:
    relations: dict[str, Relation]
    labels: dict[str, str]
    """Column name → the lookup table whose ``name`` (or description) labels its codes."""


def load_catalog() -> Catalog:
    """The packaged catalog."""
    text = (resources.files("pipeline") / "analyst" / "data" / "catalog.toml").read_text(
        encoding="utf-8")
    data = tomllib.loads(text)
    labels = data.pop("labels")
    relations = {name: Relation(name, entry["description"], dict(entry["columns"]),
                                dict(entry.get("units", {})))
                 for name, entry in data.items()}
    return Catalog(relations, labels)

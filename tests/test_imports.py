"""Package boundaries: entities and events never import each other (the analysis stage wires
them), and nothing in pipeline/ imports Prefect or reaches back into flows/."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest


def _modules_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout
    return set(output.split())


@pytest.mark.parametrize(("module", "forbidden"), [
    ("pipeline.entities", "pipeline.events"),
    ("pipeline.events", "pipeline.entities"),
    ("pipeline.analysis", "prefect"),
    ("pipeline.load", "prefect"),
], ids=["entities-without-events", "events-without-entities", "analysis-without-prefect",
        "load-without-prefect"])
def test_module_does_not_pull_in(module: str, forbidden: str) -> None:
    loaded = _modules_after_import(module)
    assert module in loaded
    assert not {m for m in loaded if m == forbidden or m.startswith(forbidden + ".")}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


ROOT = Path(__file__).resolve().parents[1]
PIPELINE_FILES = sorted((ROOT / "pipeline").rglob("*.py"))


@pytest.mark.parametrize("path", PIPELINE_FILES,
                         ids=[str(p.relative_to(ROOT)) for p in PIPELINE_FILES])
def test_library_module_imports_neither_prefect_nor_flows(path: Path) -> None:
    """Every import in pipeline/, lazy ones included: the library runs without Prefect and never
    reaches back into the flows that wire it."""
    assert not _imported_roots(path) & {"prefect", "flows"}

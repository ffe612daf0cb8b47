"""Package boundaries: entities and events never import each other (the analysis stage wires
them), and nothing in pipeline/ imports Prefect."""

from __future__ import annotations

import subprocess
import sys

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

"""The analysts' docs stay true: every SQL block of docs/analysts.md and README.md runs on
SQLite and PostgreSQL, the guide's generated parts are current, and docs/gdelt.md names every
GDELT column and says truly which ones the export leaves empty."""

import csv
import os
import re

import pytest
from sqlalchemy import text

from pipeline.analyst.browse import load_queries
from pipeline.analyst.export import ExportRequest, export
from pipeline.analyst.gdelt import EVENT_COLUMNS, MENTION_COLUMNS
from tests.conftest import ROOT
from tools.build_analyst_docs import update

DOCS = ROOT / "docs"
REFERENCE = ROOT.parent / "shared" / "reference" / "gdelt"
EXAMPLES = {name: value for query in load_queries() for name, value in query.example.items()}


def _sql_blocks(path):
    return re.findall(r"```sql\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def _statements(block):
    return [part.strip() for part in block.split(";") if part.strip()
            and not all(line.strip().startswith("--") for line in part.strip().splitlines())]


def test_every_sql_block_of_the_guide_and_readme_runs(seeds_db):
    blocks = [(path.name, block) for path in (DOCS / "analysts.md", ROOT / "README.md")
              for block in _sql_blocks(path)]
    assert len([b for name, b in blocks if name == "analysts.md"]) >= 10
    ran = 0
    with seeds_db.engine.connect() as connection:
        for name, block in blocks:
            for statement in _statements(block):
                names = set(re.findall(r"(?<![:\w]):(\w+)", statement))
                assert names <= set(EXAMPLES), f"{name}: no example value for {names}"
                connection.execute(text(statement), {n: EXAMPLES[n] for n in names}).all()
                ran += 1
            connection.rollback()
    assert ran >= len(blocks)


def test_the_guides_generated_parts_are_current():
    guide = (DOCS / "analysts.md").read_text(encoding="utf-8")
    assert update(guide) == guide, "run: .venv/bin/python tools/build_analyst_docs.py"
    for query in load_queries():
        assert f"```sql\n{query.sql}\n```" in guide, query.name


def _documented(section):
    return re.findall(r"^\| (\d+) \| (\w+) \| (.*) \|$", section, flags=re.MULTILINE)


def test_gdelt_doc_maps_every_column_and_tells_the_truth_about_empty_ones(seeds_db, tmp_path):
    page = (DOCS / "gdelt.md").read_text(encoding="utf-8")
    events_part = page.split("## Events (61 columns)")[1].split("## Mentions")[0]
    mentions_part = page.split("## Mentions (16 columns)")[1].split("## What differs")[0]
    for part, columns, kind in ((events_part, EVENT_COLUMNS, "events"),
                                (mentions_part, MENTION_COLUMNS, "event-mentions")):
        documented = _documented(part)
        assert [name for _, name, _ in documented] == list(columns)
        assert [int(n) for n, _, _ in documented] == list(range(1, len(columns) + 1))
        out = tmp_path / kind
        export(seeds_db.engine, ExportRequest(kind, "gdelt", str(out)))
        rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
        for index, (_, name, meaning) in enumerate(documented):
            has_values = any(row[index] for row in rows)
            if meaning.startswith("empty"):
                assert not has_values, f"{name} is documented empty but has values"
            elif "empty in practice" not in meaning:
                assert has_values, f"{name} is documented as filled but is empty"
    assert len([1 for *_, m in _documented(events_part) if m.startswith("empty")]) == 33
    assert "28 are mapped to newsflow data and 33 are left empty" in page


def test_gdelt_columns_are_the_codebooks():
    if not REFERENCE.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {REFERENCE} is missing")
        pytest.skip(f"{REFERENCE} is not there (the shared reference data)")
    with (REFERENCE / "events-columns.csv").open(encoding="utf-8", newline="") as handle:
        assert tuple(row["tableId"] for row in csv.DictReader(handle)) == EVENT_COLUMNS
    lines = (REFERENCE / "mentions-columns.tsv").read_text(encoding="utf-8").splitlines()[1:]
    names = [line.split("\t")[1] for line in lines if line.split("\t")[1] != "Add New Fields"]
    assert tuple(names) == MENTION_COLUMNS

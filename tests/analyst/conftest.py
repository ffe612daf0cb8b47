"""A database built from seeds/ on SQLite and on PostgreSQL, shared by the analyst tests.

The seed articles are read, cleaned and analysed once per session with the real model, then
loaded into each database the way runs load them: the wire file (seeds/009_wire.jsonl) as the
named source ``wire``, with a near-duplicate copy of its first story on another site
(tests/cases/analyst/wire_copy.jsonl) and two quarantined items; the rest as an ad hoc run.
Tests that write (cursors, reprocess) build their own database with :func:`build`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pipeline.analysis import Analyzer
from pipeline.clean import clean_articles
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.load import load_articles, record_failures
from pipeline.readers import read_file
from pipeline.records import AnalyzedArticle, ItemFailure
from pipeline.registry import add_source
from pipeline.runs import finish_run, start_run
from pipeline.settings import Settings
from tests.conftest import CASES, SEEDS, postgres_database

WIRE_FILE = "009_wire.jsonl"
COPY = CASES / "analyst" / "wire_copy.jsonl"
FAILURES = (
    ItemFailure("https://www.bosphoruswire.example/gone", "fetch", "HTTPStatusError",
                "404 Not Found"),
    ItemFailure("https://www.bosphoruswire.example/teaser", "clean", "TooShort",
                "4 words after cleaning, fewer than 10"),
)


@dataclass(frozen=True, slots=True)
class Analysed:
    wire: list[AnalyzedArticle]
    """The wire file's stories, then the near-duplicate copy of the first."""
    other: list[AnalyzedArticle]
    version: str


@dataclass(frozen=True, slots=True)
class SeedsDb:
    backend: str
    url: str
    engine: Engine


def _analyse(analyzer: Analyzer, paths: list[Path]) -> list[AnalyzedArticle]:
    raw = [item for path in paths for item in read_file(path, max_bytes=10**8)]
    assert all(not isinstance(item, ItemFailure) for item in raw), raw
    cleaned = clean_articles(raw)
    assert not cleaned.failed
    result = analyzer.analyse(cleaned.ok)
    assert not result.failed
    return result.ok


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer(Settings())


@pytest.fixture(scope="session")
def analysed(analyzer: Analyzer) -> Analysed:
    seeds = sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".html", ".jsonl"))
    wire = [p for p in seeds if p.name == WIRE_FILE]
    other = [p for p in seeds if p.name != WIRE_FILE]
    return Analysed(_analyse(analyzer, [*wire, COPY]), _analyse(analyzer, other),
                    analyzer.version)


def build(url: str, analysed: Analysed) -> Engine:
    """Load the analysed seeds into the empty database at ``url`` as two runs."""
    engine = make_engine(url)
    ensure_schema(engine)
    adhoc = start_run(engine, flow_name="ingest", parameters={},
                      pipeline_version=analysed.version)
    loaded = load_articles(engine, analysed.other, run_id=adhoc,
                           pipeline_version=analysed.version)
    finish_run(engine, adhoc, status="completed", counts={"new_count": loaded.new})
    wire = add_source(engine, "wire", "path", str(SEEDS / WIRE_FILE), schedule=None)
    run = start_run(engine, flow_name="ingest-source", parameters={},
                    pipeline_version=analysed.version, source_id=wire.id)
    loaded = load_articles(engine, analysed.wire, run_id=run, pipeline_version=analysed.version,
                           source_id=wire.id)
    assert loaded.near_duplicate == 1, "the copy should be found as a near-duplicate"
    record_failures(engine, FAILURES, run_id=run, source_id=wire.id)
    finish_run(engine, run, status="completed",
               counts={"new_count": loaded.new, "failed_count": len(FAILURES)})
    return engine


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def seeds_db(request: pytest.FixtureRequest, analysed: Analysed,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeedsDb]:
    """The seeds database on each backend, built once per session; tests only read it (an
    export may record its cursor, under a target of its own)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'seeds.db'}"
        engine = build(url, analysed)
        yield SeedsDb("sqlite", url, engine)
        engine.dispose()
        return
    with postgres_database() as url:
        engine = build(url, analysed)
        yield SeedsDb("postgres", url, engine)
        engine.dispose()


@pytest.fixture
def fresh_db(database_url: str, analysed: Analysed) -> Iterator[SeedsDb]:
    """A seeds database of one's own (on each backend), for tests that write."""
    engine = build(database_url, analysed)
    yield SeedsDb("postgres" if database_url.startswith("postgresql") else "sqlite",
                  database_url, engine)
    engine.dispose()

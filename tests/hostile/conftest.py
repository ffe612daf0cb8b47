"""The hostile suite's fixtures: one analyzer for every flow run, settings that fetch from the
local test server at once, and queries for what the runs left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from pipeline.analysis import Analyzer
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.fetch.settings import FetchSettings
from pipeline.settings import Settings


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The real model, loaded once for the suite (flows take it as ``analyzer=``)."""
    return Analyzer(Settings())


def hostile_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for a run against the test server on 127.0.0.1: allowed, no delay, one retry."""
    fetch = FetchSettings(allowed_private_hosts=["127.0.0.1"], per_host_delay_seconds=0,
                          retries=0, timeout_seconds=10,
                          **overrides.pop("fetch", {}))  # type: ignore[arg-type]
    return Settings(database_url=database_url, fetch=fetch, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Engine]:
    """For cases where the backend is not the point (limits, reasons): SQLite only, to keep the
    suite's time for the cases where it is."""
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def open_errors(engine: Engine) -> dict[str, tuple[str, str, int]]:
    """Open ``ingest_errors`` rows by source URI: (stage, error type, attempts); a second open
    row for one item fails the test."""
    table = schema.IngestError
    with engine.connect() as connection:
        rows = connection.execute(select(table.source_uri, table.stage, table.error_type,
                                         table.attempts).where(table.status == "open")).all()
    found: dict[str, tuple[str, str, int]] = {}
    for uri, stage, kind, attempts in rows:
        assert uri not in found, f"two open rows for {uri!r}"
        found[uri] = (stage, kind, attempts)
    return found


def loaded_uris(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(schema.Article.source_uri)).scalars())


def run_status(engine: Engine, run_id: int) -> str:
    with engine.connect() as connection:
        return connection.execute(select(schema.PipelineRun.status).where(
            schema.PipelineRun.id == run_id)).scalar_one()

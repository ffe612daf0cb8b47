"""Shared fixtures: real databases (a SQLite file, a PostgreSQL database), the real spaCy model."""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Prefect: no telemetry from the test server, room for a slow start.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Flows under test analyse in the test's own process: a pool of workers per run costs seconds
# of model loading. tests/test_nlp_pool.py and the CLI tests (their subprocesses get no
# NEWSFLOW_ variables) run the default, a worker per CPU.
os.environ.setdefault("NEWSFLOW_NLP_PROCESSES", "1")

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pipeline.db.engine import make_engine, normalize_url
from pipeline.events.actors import ActorCoder
from pipeline.events.coder import EventCoder
from pipeline.events.lexicon import EventLexicon
from pipeline.gazetteer import Gazetteer
from pipeline.parsing import load_model
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "000_ec5e55c82fc7c8bb.txt"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsflow.db'}"


def _postgres_admin_url() -> str | None:
    return os.environ.get("NEWSFLOW_TEST_POSTGRES_URL")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards; its URL.

    Under CI the server must be there (CI=true); elsewhere the caller skips when it is not.
    """
    admin_url = _postgres_admin_url()
    if not admin_url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but NEWSFLOW_TEST_POSTGRES_URL is not set")
        pytest.skip("NEWSFLOW_TEST_POSTGRES_URL is not set (no PostgreSQL server to test)")
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"newsflow_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - turned into a skip or a CI failure with the reason
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {admin_url} is unreachable under CI: {exc}")
        pytest.skip(f"PostgreSQL at {admin_url} is unreachable: {exc}")
    url = make_url(normalize_url(admin_url)).set(database=name).render_as_string(
        hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that takes this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url: str):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def nlp():
    return load_model(None)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer()


@pytest.fixture(scope="session")
def coder(gazetteer: Gazetteer) -> EventCoder:
    return EventCoder(EventLexicon.load(), ActorCoder(gazetteer))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's server, but threaded and on 127.0.0.1.

    Threaded so that a handler that stalls on purpose does not hold up the next request (or
    the next test), and so concurrent fetches really are concurrent.
    """
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set when the test ends: stalling handlers wait on it so they finish with the test."""
    event = threading.Event()
    yield event
    event.set()

"""newsflow browse: Datasette over the seeds database with descriptions, labels and canned
queries, served for real on 127.0.0.1; the canned queries run on SQLite and PostgreSQL."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from pipeline.analyst.browse import (
    code_labels,
    datasette_metadata,
    load_queries,
    sqlite_path,
)
from pipeline.analyst.catalog import load_catalog
from pipeline.errors import RunError
from tests.conftest import ROOT

NEWSFLOW = Path(sys.executable).parent / "newsflow"


def test_every_canned_query_runs_and_answers_on_the_seeds(seeds_db):
    queries = load_queries()
    assert len(queries) >= 10
    with seeds_db.engine.connect() as connection:
        for query in queries:
            rows = connection.execute(text(query.sql), query.example).all()
            assert rows, query.name


def test_metadata_describes_every_table_view_and_column(seeds_db):
    metadata = datasette_metadata(load_catalog(), load_queries(), database="seeds",
                                  labels=code_labels(seeds_db.engine))
    database = metadata["databases"]["seeds"]
    inspector = inspect(seeds_db.engine)
    relations = inspector.get_table_names() + inspector.get_view_names()
    assert set(database["tables"]) == set(relations), "described = what the database has"
    for name in relations:
        entry = database["tables"][name]
        assert entry["description"]
        assert set(entry["columns"]) == {c["name"] for c in inspector.get_columns(name)}, name
        assert all(entry["columns"].values()), name
    assert database["tables"]["article_lsh_bands"]["hidden"] is True
    assert database["tables"]["raw_documents"]["units"] == {"body_bytes": "byte"}
    assert database["tables"]["countries"]["label_column"] == "name"
    assert set(database["queries"]) == {query.name for query in load_queries()}
    labels = metadata["plugins"]["newsflow-labels"]
    assert labels["labels"]["cameo_codes"]["042"] == "Make a visit"
    assert labels["labels"]["countries"]["XKX"] == "Kosovo"
    assert labels["labels"]["quad_classes"]["4"] == "Material Conflict"
    assert labels["columns"]["actor1_country"] == "countries"


def test_browse_refuses_what_datasette_cannot_open():
    with pytest.raises(RunError, match="serves SQLite databases"):
        sqlite_path("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with pytest.raises(RunError, match="no database file"):
        sqlite_path("sqlite:////nonexistent/newsflow.db")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"newsflow browse exited: {process.stdout.read()}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing served at {url} within {timeout}s")


def test_browse_serves_canned_queries_and_labels(seeds_db):
    if seeds_db.backend != "sqlite":
        pytest.skip("Datasette serves SQLite; the PostgreSQL side of the queries is tested above")
    path = sqlite_path(seeds_db.url)
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    process = subprocess.Popen(
        [str(NEWSFLOW), "browse", "--db", seeds_db.url, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=environment)
    base = f"http://127.0.0.1:{port}/{path.stem}"
    try:
        _wait_for(f"http://127.0.0.1:{port}/-/versions.json", process)
        served = json.loads(_get(f"{base}/who_accused_whom.json?_shape=array"))
        with seeds_db.engine.connect() as connection:
            query = next(q for q in load_queries() if q.name == "who_accused_whom")
            direct = [dict(row._mapping) for row in connection.execute(text(query.sql))]
        assert served == [{k: (str(v) if hasattr(v, "isoformat") else v)
                           for k, v in row.items()} for row in direct]
        timeline = json.loads(_get(f"{base}/entity_timeline.json?_shape=array&entity=Wang+Yi"))
        assert timeline and timeline[0]["mentions"] > 0
        page = _get(f"{base}/events_view?cameo_code=042")
        assert "Make a visit</span>" in page
        tables = json.loads(_get(f"{base}.json"))
        described = {t["name"]: t for t in tables["tables"]}
        assert "events" in described and "article_lsh_bands" in described
        view_page = _get(f"{base}/event_dyads_daily")
        assert "Distinct real-world events (event clusters)." in view_page
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    with pytest.raises(OSError):
        _get(f"http://127.0.0.1:{port}/-/versions.json")

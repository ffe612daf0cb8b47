"""The ingest flow on a Dask cluster (prefect-dask's DaskTaskRunner) stores exactly what the
default in-process runner stores."""

import sys
from collections.abc import Iterator

import pytest
from distributed import Client, LocalCluster
from sqlalchemy import MetaData, select

from flows.ingest import ingest_flow
from flows.runners import with_task_runner
from pipeline.db.engine import make_engine
from pipeline.settings import Settings
from tests.conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_server")

SEED_ARTICLES = 13
COMPARED = ("articles", "article_urls", "article_lsh_bands", "entities", "entity_aliases",
            "mentions", "events", "event_clusters", "ingest_errors")
WALL_CLOCK = {"ingested_at", "seen_at", "created_at", "last_attempt_at", "started_at",
              "finished_at"}
"""Columns that record when a row was written: the only ones allowed to differ."""


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_port=0) as cluster:
        yield cluster


def _dump(url: str) -> dict[str, list[tuple]]:
    """Every row of the compared tables, wall-clock columns left out, in primary-key order."""
    engine = make_engine(url)
    metadata = MetaData()
    metadata.reflect(engine, only=COMPARED)
    tables = {}
    with engine.connect() as connection:
        for name in COMPARED:
            table = metadata.tables[name]
            columns = [c for c in table.columns if c.name not in WALL_CLOCK]
            tables[name] = [tuple(row) for row in connection.execute(
                select(*columns).order_by(*table.primary_key.columns))]
    engine.dispose()
    return tables


def test_dask_runner_stores_what_the_default_runner_stores(tmp_path, cluster):
    default_url = f"sqlite:///{tmp_path / 'default.db'}"
    dask_url = f"sqlite:///{tmp_path / 'dask.db'}"
    # Batches of 4: the 13 seed articles make 4 batches, so both workers get work and the
    # flow has several batches in flight at once.
    default = Settings(database_url=default_url, batch_size=4)
    on_dask = Settings(database_url=dask_url, batch_size=4,
                       dask_address=cluster.scheduler_address)

    assert with_task_runner(ingest_flow, default) is ingest_flow
    dask_flow = with_task_runner(ingest_flow, on_dask)
    assert type(dask_flow.task_runner).__name__ == "DaskTaskRunner"

    first = ingest_flow([str(SEEDS)], settings=default)
    second = dask_flow([str(SEEDS)], settings=on_dask)

    with Client(cluster.scheduler_address) as client:
        analysed_on = client.run(lambda: "pipeline.analysis" in sys.modules)
    assert any(analysed_on.values()), "no Dask worker ran the analysis"

    assert (first.read, first.new, first.failed) == (SEED_ARTICLES, SEED_ARTICLES, 0)
    counts = ("read", "new", "duplicate", "near_duplicate", "failed", "mentions", "events")
    assert [getattr(second, c) for c in counts] == [getattr(first, c) for c in counts]
    assert second.pipeline_version == first.pipeline_version

    expected, actual = _dump(default_url), _dump(dask_url)
    assert len(expected["mentions"]) > 100 and len(expected["events"]) > 20
    for name in COMPARED:
        assert actual[name] == expected[name], name

"""PostgreSQL as the shared sink: loaders running at the same time on overlapping input store
each article, entity, alias, mention and event once, with no errors and no lost updates."""

import threading

import pytest
from sqlalchemy import text

from flows.ingest import ingest_flow
from pipeline.analysis import Analyzer
from pipeline.clean import clean_articles
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.load import load_articles
from pipeline.readers import discover_files, read_file
from pipeline.records import ItemFailure
from pipeline.settings import Settings
from tests.conftest import SEEDS

TABLES = ("articles", "article_urls", "article_lsh_bands", "entities", "entity_aliases",
          "mentions", "events", "event_clusters", "ingest_errors")


def _figures(url: str) -> dict[str, object]:
    """Row counts, and the event clusters' counters next to what the events say they are."""
    engine = make_engine(url)
    with engine.connect() as connection:
        figures: dict[str, object] = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in TABLES}
        figures["entity keys"] = connection.execute(text(
            "SELECT count(DISTINCT type || '/' || name) FROM entities")).scalar_one()
        figures["cluster counters"] = tuple(connection.execute(text(
            "SELECT coalesce(sum(num_mentions), 0), coalesce(sum(num_articles), 0) "
            "FROM event_clusters")).one())
        figures["stale clusters"] = connection.execute(text(
            "SELECT count(*) FROM event_clusters c WHERE c.num_mentions <> "
            "(SELECT count(*) FROM events e WHERE e.cluster_id = c.id)")).scalar_one()
    engine.dispose()
    return figures


def _run_together(*jobs) -> list[object]:
    """Run the jobs in threads released at the same moment; their results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = jobs[index]()
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.usefixtures("prefect_server")
def test_two_ingest_flows_at_once_store_what_one_run_stores(postgres_url, sqlite_url):
    files = discover_files([SEEDS]).files
    # Overlapping halves, read in opposite orders, in small batches: the two runs meet the same
    # articles and entities in different orders while both are loading.
    first_half, second_half = files[:7], files[3:][::-1]
    assert set(first_half) | set(second_half) == set(files)

    def ingest(paths: list, url: str):
        return lambda: ingest_flow([str(p) for p in paths],
                                   settings=Settings(database_url=url, batch_size=2))

    ensure_schema(make_engine(postgres_url))
    together = _run_together(ingest(first_half, postgres_url), ingest(second_half, postgres_url))
    single = ingest([SEEDS], sqlite_url)()

    for summary in together:
        assert not isinstance(summary, Exception), summary
        assert summary.failed == 0
    assert sum(s.new for s in together) == single.new == 13
    assert sum(s.read for s in together) == sum(s.new + s.duplicate for s in together)
    figures = _figures(postgres_url)
    assert figures == _figures(sqlite_url)
    assert figures["ingest_errors"] == 0 and figures["stale clusters"] == 0
    assert figures["entities"] == figures["entity keys"]


@pytest.fixture(scope="module")
def analysed_seeds():
    settings = Settings()
    raw = [item for path in discover_files([SEEDS]).files
           for item in read_file(path, max_bytes=settings.max_file_bytes)
           if not isinstance(item, ItemFailure)]
    analyzer = Analyzer(settings)
    return analyzer.analyse(clean_articles(raw, min_words=1).ok).ok, analyzer.version


def test_loaders_meeting_the_same_articles_in_opposite_orders(postgres_url, sqlite_url,
                                                               analysed_seeds):
    """The load step alone, many small transactions racing: no deadlock surfaces, no row is
    stored twice, no cluster counter loses the other loader's events."""
    items, version = analysed_seeds
    reference = make_engine(sqlite_url)
    ensure_schema(reference)
    load_articles(reference, items, run_id=None, pipeline_version=version)
    expected = _figures(sqlite_url)
    engine = make_engine(postgres_url)
    ensure_schema(engine)

    def load(order: list) -> object:
        def job() -> tuple[int, int, int]:
            new = duplicate = failed = 0
            for start in range(0, len(order), 3):
                result = load_articles(engine, order[start:start + 3], run_id=None,
                                       pipeline_version=version)
                new, duplicate = new + result.new, duplicate + result.duplicate
                failed += len(result.failed)
            return new, duplicate, failed
        return job

    for _round in range(3):
        with engine.begin() as connection:
            connection.execute(text(
                f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        results = _run_together(load(items), load(items[::-1]))
        assert not any(isinstance(r, Exception) for r in results), results
        assert sum(new for new, _d, _f in results) == len(items)
        assert all(failed == 0 for _n, _d, failed in results)
        assert _figures(postgres_url) == expected
    engine.dispose()

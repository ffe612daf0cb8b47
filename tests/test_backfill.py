"""Backfill windows in the database: planned once, ledgers and the status they imply."""

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.backfill import Ledger, finish_window, plan_files, plan_windows, start_window
from pipeline.db.migrate import ensure_schema
from pipeline.readers import discover_files, warc_file_time
from pipeline.registry import add_source
from pipeline.windows import split_windows
from tests.conftest import SEEDS

DAY = timedelta(days=1)


@pytest.fixture
def source_id(engine):
    ensure_schema(engine)
    return add_source(engine, "wire", "feed", "https://example.com/rss.xml").id


def test_windows_are_planned_once_and_keep_their_status(engine, source_id):
    windows = split_windows(datetime(2024, 1, 1), datetime(2024, 1, 4), DAY)
    first = plan_windows(engine, source_id, windows)
    start_window(engine, first[0].id)
    finish_window(engine, first[0].id, Ledger(listed=2, fetched=2, loaded=2))
    again = plan_windows(engine, source_id, windows)
    assert [r.id for r in again] == [r.id for r in first]
    assert [(r.status, r.attempts) for r in again] == [("done", 1), ("pending", 0),
                                                       ("pending", 0)]


@pytest.mark.parametrize(("ledger", "error", "status"), [
    (Ledger(listed=3, loaded=1, duplicate=1, failed=1), None, "done"),
    (Ledger(listed=3, loaded=1, missing=2), None, "failed"),
    (Ledger(listing_failed=True), None, "failed"),
    (None, "TransientError: database unavailable", "failed"),
], ids=["all-accounted", "missing-items", "listing-failed", "run-raised"])
def test_a_window_is_done_only_when_every_listed_item_is_accounted_for(
        engine, source_id, ledger, error, status):
    [row] = plan_windows(engine, source_id, split_windows(datetime(2024, 1, 1),
                                                          datetime(2024, 1, 2), DAY))
    assert finish_window(engine, row.id, ledger, error=error) == status


def test_files_are_assigned_to_the_windows_their_articles_are_dated_in():
    files = discover_files([SEEDS]).files
    windows = split_windows(datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC),
                            timedelta(days=183))
    plan = plan_files(files, windows, max_bytes=10_000_000)
    names = {w.start.month: sorted(p.name for p in paths) for w, paths in plan.by_window.items()}
    # 2024-01-01 .. 2024-07-02 and 2024-07-02 .. 2025-01-01; the wire file spans both.
    assert names == {1: ["004_poland_court_border_pushbacks.txt",
                         "006_india_france_rafale_marine_deal.html"],
                     7: ["000_ec5e55c82fc7c8bb.txt", "007_tbilisi_protest_before_election.html",
                         "009_wire.jsonl"]}
    assert plan.undated == 0


def test_warc_files_named_with_their_crawl_time_are_dated_by_name(tmp_path):
    named = tmp_path / "CC-NEWS-20240920123456-00001.warc.gz"
    assert warc_file_time(named) == datetime(2024, 9, 20, 12, 34, 56, tzinfo=UTC)
    assert warc_file_time(tmp_path / "crawl.warc.gz") is None
    assert warc_file_time(tmp_path / "20240920123456.txt") is None

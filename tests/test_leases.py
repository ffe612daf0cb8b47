"""Source leases: one active run per source, across threads and processes."""

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.leases import acquire_lease, current_lease, holder_id, release_lease, renew_lease
from pipeline.registry import add_source


@pytest.fixture
def source_id(engine):
    ensure_schema(engine)
    return add_source(engine, "wire", "feed", "https://example.com/rss.xml").id


def test_second_holder_is_refused_until_the_first_releases(engine, source_id):
    first = acquire_lease(engine, source_id, "host:1:first", seconds=600)
    assert first is not None
    assert acquire_lease(engine, source_id, "host:2:second", seconds=600) is None
    assert current_lease(engine, source_id).holder == "host:1:first"
    release_lease(engine, first)
    assert acquire_lease(engine, source_id, "host:2:second", seconds=600) is not None


def test_an_expired_lease_is_taken_over_and_its_holder_cannot_renew(engine, source_id):
    stale = acquire_lease(engine, source_id, "elsewhere:1:old", seconds=600)
    with engine.begin() as connection:
        connection.execute(update(schema.SourceLease.__table__).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    fresh = acquire_lease(engine, source_id, "elsewhere:2:new", seconds=600)
    assert fresh is not None
    assert not renew_lease(engine, stale, seconds=600)
    assert renew_lease(engine, fresh, seconds=600)


def test_a_dead_local_holder_is_taken_over_at_once(engine, source_id):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead = f"{holder_id().split(':')[0]}:{finished.stdout.strip()}:killed-run"
    assert acquire_lease(engine, source_id, dead, seconds=3600) is not None
    assert acquire_lease(engine, source_id, holder_id("next-run"), seconds=3600) is not None
    assert current_lease(engine, source_id).holder.endswith("next-run")


def test_a_live_holder_elsewhere_is_respected(engine, source_id):
    assert acquire_lease(engine, source_id, "other-host:1:run", seconds=3600) is not None
    assert acquire_lease(engine, source_id, holder_id("mine"), seconds=3600) is None


def test_racing_runs_get_exactly_one_lease(engine, source_id):
    barrier, winners, errors = threading.Barrier(8), [], []

    def race(n: int) -> None:
        barrier.wait()
        try:
            if acquire_lease(engine, source_id, f"other-host:{n}:run", seconds=600):
                winners.append(n)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(winners), errors) == (1, [])

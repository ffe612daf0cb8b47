"""Runs whose process died are marked abandoned, with the counts their rows show."""

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.runs import reap_abandoned, start_run, touch_run


def _run(engine, run_id):
    with engine.connect() as connection:
        return connection.execute(select(schema.PipelineRun).where(
            schema.PipelineRun.id == run_id)).one()


def test_a_killed_run_is_abandoned_by_the_next_with_its_articles_counted(sqlite_url):
    # SQLite only: liveness is about processes, and the query is the silent-run test's too.
    database_url, engine = sqlite_url, make_engine(sqlite_url)
    ensure_schema(engine)
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from pipeline.db.engine import make_engine\n"
        "from pipeline.runs import start_run\n"
        f"print(start_run(make_engine({database_url!r}), flow_name='ingest', parameters={{}},"
        " pipeline_version='1'), flush=True)\n"
        "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True)
    try:
        killed = int(child.stdout.readline())
        assert _run(engine, killed).status == "running"
        now = datetime.now(UTC)
        with engine.begin() as connection:  # what the dead run had loaded
            connection.execute(schema.Article.__table__.insert().values(
                source_uri="file:///a.txt", text="t", content_hash="h", word_count=1,
                source_format="txt", ingested_at=now, pipeline_version="1", run_id=killed))
        assert reap_abandoned(engine, found_by="test") == []  # alive: nothing to do
    finally:
        child.kill()
        child.wait(30)
    time.sleep(0.1)
    following = start_run(engine, flow_name="ingest", parameters={}, pipeline_version="1")
    dead = _run(engine, killed)
    assert (dead.status, dead.new_count, dead.read_count) == ("abandoned", 1, 1)
    assert "its process" in dead.message and f"found by run {following}" in dead.message
    assert dead.finished_at is not None
    assert _run(engine, following).status == "running"


def test_a_silent_run_of_another_host_is_abandoned_after_the_lease_time(engine):
    ensure_schema(engine)
    run_id = start_run(engine, flow_name="ingest", parameters={}, pipeline_version="1")
    old = datetime.now(UTC) - timedelta(hours=7)
    with engine.begin() as connection:
        connection.execute(update(schema.PipelineRun.__table__).values(
            holder="elsewhere:123", heartbeat_at=old))
    assert reap_abandoned(engine, silence_seconds=8 * 3600, found_by="test") == []
    touch_run(engine, run_id)  # a heartbeat keeps it alive
    assert reap_abandoned(engine, silence_seconds=6 * 3600, found_by="test") == []
    with engine.begin() as connection:
        connection.execute(update(schema.PipelineRun.__table__).values(heartbeat_at=old))
    assert reap_abandoned(engine, silence_seconds=6 * 3600, found_by="newsflow runs") == [run_id]
    assert "no sign of life" in _run(engine, run_id).message

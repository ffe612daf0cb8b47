"""``newsflow serve`` as an operator starts it: a Prefect server of its own, a deployment per
scheduled source, runs on schedule, and a clean stop on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.registry import add_source
from tests.conftest import SEEDS

NEWSFLOW = Path(sys.executable).parent / "newsflow"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(condition, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None and not condition():
        time.sleep(0.5)


def test_serve_runs_each_scheduled_source_on_time_until_interrupted(sqlite_url, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_bytes((SEEDS / "001_seoul_washington_joint_drills.txt")
                                     .read_bytes())
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    add_source(engine, "local", "path", str(articles), schedule="20s")
    add_source(engine, "maps", "sitemap", "https://example.com/sitemap.xml",
               schedule="0 6 * * *")
    add_source(engine, "archive", "path", str(articles), schedule=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFLOW_", "PREFECT_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               COLUMNS="200")
    log = tmp_path / "serve.log"

    def runs() -> list[tuple[str, int | None, int, int]]:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(select(
                schema.PipelineRun.flow_name, schema.PipelineRun.source_id,
                schema.PipelineRun.new_count, schema.PipelineRun.duplicate_count)
                .where(schema.PipelineRun.status == "completed")
                .order_by(schema.PipelineRun.id))]

    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(NEWSFLOW), "serve", "--db", sqlite_url, "--prefect-port", str(_free_port())],
            env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait(lambda: len(runs()) >= 2, process, timeout=240)
        assert process.poll() is None, log.read_text()
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole group
        process.wait(60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = log.read_text()
    assert "serving local: path every 20s" in output
    assert "serving maps: sitemap every 0 6 * * *" in output
    assert "archive" not in output
    # the second run finds the file loaded and unchanged: skipped unread, nothing duplicated
    assert runs()[:2] == [("ingest-source", 1, 1, 0), ("ingest-source", 1, 0, 0)]

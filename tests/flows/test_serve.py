"""``newsflow serve`` as an operator starts it: it serves a deployment per scheduled source
and stops cleanly on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from pipeline.registry import add_source

NEWSFLOW = Path(sys.executable).parent / "newsflow"


def _wait_for_text(log: Path, marker: str, process: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if marker in log.read_text():
            break
        time.sleep(0.5)
    return log.read_text()


def test_serve_serves_each_scheduled_source_until_interrupted(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    add_source(engine, "wire", "feed", "https://example.com/rss.xml")
    add_source(engine, "maps", "sitemap", "https://example.com/sitemap.xml",
               schedule="0 6 * * *")
    add_source(engine, "archive", "path", str(Path(__file__).parent))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFLOW_", "PREFECT_"))}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="200",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    log = tmp_path / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen([str(NEWSFLOW), "serve", "--db", sqlite_url], env=env,
                                   stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        output = _wait_for_text(log, "newsflow-backfill", process, timeout=180)
        assert process.poll() is None, output
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole group
        process.wait(60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert "serving wire: feed every 15m" in output
    assert "serving maps: sitemap every 0 6 * * *" in output
    assert "archive" not in output
    assert "ingest-source/source-maps" in output

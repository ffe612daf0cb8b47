"""The ``newsflow`` command as a user runs it: exit codes, one-line errors, a clean terminal."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASES, ROOT, SEED_ARTICLE, SEEDS

NEWSFLOW = Path(sys.executable).parent / "newsflow"


def run(*args, cwd=ROOT, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    environment.update(env or {})
    return subprocess.run([str(NEWSFLOW), *args], capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=600, check=False)


@pytest.mark.parametrize(("args", "message"), [
    (["ingest", "seeds", "--db", "mysql://root@127.0.0.1/test"], "unsupported database 'mysql'"),
    (["ingest", "seeds", "--db", "not a url"], "invalid database URL"),
    (["ingest", "seeds", "--db", "postgresql://nobody@127.0.0.1:1/none"],
     "cannot connect to the database"),
    (["ingest", "no/such/dir"], "input path does not exist: no/such/dir"),
    (["stats", "--db", "sqlite:///{tmp}/nothere.db"], "no database at"),
], ids=["unsupported-backend", "malformed-url", "unreachable-server", "missing-path",
        "stats-without-database"])
def test_run_level_failures_exit_nonzero_with_one_line(args, message, tmp_path):
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args], cwd=ROOT)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsflow: error:") and message in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def test_invalid_setting_is_one_line(tmp_path):
    result = run("stats", env={"NEWSFLOW_BATCH_SIZE": "0"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "newsflow: error: invalid settings: batch_size: Input should be greater than or "
        "equal to 1")


def test_database_url_comes_from_the_environment_and_db_overrides_it(tmp_path):
    env_db, flag_db = tmp_path / "env.db", tmp_path / "flag.db"
    run("db", "upgrade", env={"NEWSFLOW_DATABASE_URL": f"sqlite:///{env_db}"})
    run("db", "upgrade", "--db", f"sqlite:///{flag_db}",
        env={"NEWSFLOW_DATABASE_URL": f"sqlite:///{env_db}"})
    assert env_db.exists() and flag_db.exists()
    current = run("db", "current", "--db", f"sqlite:///{flag_db}")
    assert current.returncode == 0 and "up to date" in current.stdout


def test_ingest_then_stats_with_clean_output(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_ARTICLE, inbox)
    shutil.copy(CASES / "bad" / "empty.txt", inbox)
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    result = run("ingest", str(inbox), "--db", db, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    for noise in ("| INFO", "| WARNING", "| ERROR", "Starting temporary server"):
        assert noise not in output
    assert "articles read" in result.stdout and "failed" in result.stdout
    assert "SELECT * FROM ingest_errors WHERE run_id = 1" in result.stdout

    stats = run("stats", "--db", db, cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    assert "Wang Yi" in stats.stdout and "PERSON" in stats.stdout
    assert "EmptyInput" in stats.stdout

    runs = run("runs", "--db", db, cwd=tmp_path)
    assert runs.returncode == 0 and "completed" in runs.stdout
    errors = run("errors", "--db", db, "--stage", "read", cwd=tmp_path)
    assert errors.returncode == 0
    assert "EmptyInput" in errors.stdout and "file is empty" in errors.stdout


def test_ingest_a_url_from_the_command_line(httpserver, tmp_path):
    page = (SEEDS / "007_tbilisi_protest_before_election.html").read_bytes()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# one a line\n{httpserver.url_for('/story')}\nftp://nope.example/x\n")
    db = f"sqlite:///{tmp_path / 'web.db'}"

    result = run("ingest", "--urls", str(urls), "--allow-host", "127.0.0.1", "--db", db,
                 cwd=tmp_path, env={"NEWSFLOW_FETCH__PER_HOST_DELAY_SECONDS": "0"})

    assert result.returncode == 0, result.stderr
    assert "pages fetched" in result.stdout
    stats = run("stats", "--db", db, cwd=tmp_path)
    assert "UnsupportedScheme" in stats.stdout and "Tbilisi" in stats.stdout

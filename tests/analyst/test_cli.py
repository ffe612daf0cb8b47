"""newsflow export and report as a user runs them, on SQLite and PostgreSQL: what they print,
what they write, and one-line errors. The first test runs the installed command; the others
call the same Typer app in-process (the command's start-up costs seconds)."""

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from tests.conftest import ROOT

NEWSFLOW = Path(sys.executable).parent / "newsflow"


def run(*args):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    return subprocess.run([str(NEWSFLOW), *args], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=300, check=False)


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_export_prints_what_it_wrote_and_resumes_with_since_last(seeds_db, tmp_path):
    out = tmp_path / "events.export.CSV"
    first = run("export", "events", "--format", "gdelt", "--out", str(out), "--since", "last",
                "--db", seeds_db.url)
    assert first.returncode == 0, first.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    assert f"exported {len(rows)} events rows (gdelt) to {out}" in first.stdout
    assert f"{out.stat().st_size:,} bytes" in first.stdout
    assert "cursor 'events.gdelt:" in first.stdout
    again = invoke("export", "events", "--format", "gdelt", "--out", str(out), "--since",
                   "last", "--db", seeds_db.url)
    assert again.exit_code == 0 and "exported 0 events rows" in again.stdout
    assert out.read_text(encoding="utf-8") == ""


def test_export_to_stdout_and_report(seeds_db, tmp_path):
    result = invoke("export", "articles", "--format", "jsonl", "--out", "-", "--source", "wire",
                    "--db", seeds_db.url)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 5  # four wire stories and the copy
    out = tmp_path / "report.html"
    result = invoke("report", "--out", str(out), "--source", "wire", "--db", seeds_db.url)
    assert result.exit_code == 0, result.output
    assert f"report with 7 charts written to {out}" in result.stdout
    assert out.read_text(encoding="utf-8").count("<svg") == 7


def test_mistakes_are_one_line_errors(sqlite_url, tmp_path):
    ensure_schema(make_engine(sqlite_url))
    for args, message in (
            (["export", "articles", "--format", "gdelt"], "GDELT has no articles file"),
            (["export", "events", "--since", "yesterday"], "invalid time 'yesterday'"),
            (["report", "--source", "nope"], "no source or outlet named 'nope'"),
            (["browse"], "serves SQLite databases")):
        if args[0] == "export":
            args = [*args, "--out", str(tmp_path / "x")]
        db = "postgresql://postgres@127.0.0.1:5432/test" if args[0] == "browse" else sqlite_url
        result = invoke(*args, "--db", db)
        assert result.exit_code == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("newsflow: error:"), result.stderr
        assert message in lines[0]

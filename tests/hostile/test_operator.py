"""Failures 11-14: operator errors are one line, exit non-zero and touch nothing; .gz inputs are
read. The cases run the CLI's own entry (``run(main_command(argv))``, what ``newsflow`` runs)
in this process and read what it wrote to stderr; ``tests/flows/test_cli.py`` runs the
installed command as a subprocess."""

from __future__ import annotations

import gzip
import json

import pytest

from flows.cli.app import main_command, run
from flows.ingest import ingest_flow
from pipeline.db.engine import make_engine
from pipeline.db.migrate import current_revision, head_revision, upgrade
from tests.conftest import SEED_ARTICLE
from tests.db.test_migrations import _populate
from tests.hostile.conftest import hostile_settings, loaded_uris
from tests.hostile.inputs import body, html_page


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    """Exit code and stderr lines of ``newsflow ARGV``; a failing command writes no stdout."""
    code = run(main_command(list(argv)), list(argv))
    captured = capsys.readouterr()
    if code:
        assert captured.out == ""
    return code, [line for line in captured.err.splitlines() if line.strip()]


def _one_line_error(code: int, lines: list[str], expected: str) -> None:
    assert code != 0
    assert len(lines) == 1, lines
    assert lines[0].startswith("newsflow: error:") and expected in lines[0], lines[0]
    assert "Traceback" not in lines[0]


@pytest.mark.parametrize(("argv", "expected"), [
    (["ingest", "{seed}", "--db", "postgresql://postgres@127.0.0.1:5432/%00x"], "NUL"),
    (["ingest", "{seed}", "--db", "sqlite:////etc/passwd"], "not a SQLite database"),
    (["ingest", "{seed}", "--db", "sqlite:///%00.db"], "NUL"),
    (["ingest", "{seed}", "--db", "sqlite://x.db"], "three slashes"),
    (["sources", "add", "x", "--feed", "http://[::1", "--db", "sqlite:///{tmp}/s.db"],
     "Invalid IPv6 URL"),
    (["sources", "add", "abc\n", "--feed", "https://e.org/rss", "--db", "sqlite:///{tmp}/s.db"],
     "invalid source name 'abc\\n'"),
    (["errors", "--stage", "fetchh", "--db", "sqlite:///{tmp}/s.db"], "unknown stage 'fetchh'"),
    (["stats", "--db", "sqlite:///{tmp}/nothere.db"], "no database at"),
    (["runs", "--db", "sqlite:///{tmp}/nothere.db"], "no database at"),
    (["ingest", "--no-such-option"], "No such option"),
], ids=["postgres-nul-database", "etc-passwd", "sqlite-nul", "sqlite-host", "feed-ipv6",
        "name-newline", "unknown-stage", "stats-creates-nothing", "runs-creates-nothing",
        "usage"])
def test_operator_errors_are_one_line_and_touch_nothing(argv, expected, tmp_path, capsys):
    """Failures 11, 12 and 14: the --db cases wrote a schema into another database or printed
    tracebacks; stats created an empty file; --stage fetchh silently showed nothing."""
    (tmp_path / "s.db").touch()
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = [a.replace("{seed}", str(SEED_ARTICLE)).replace("{tmp}", str(tmp_path))
            for a in argv]
    code, lines = _cli(capsys, *argv)
    _one_line_error(code, lines, expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "s.db").stat().st_size == 0  # not even the schema


@pytest.mark.parametrize("argv", [["run", "nosuch"], ["ingest", str(SEED_ARTICLE), "--model",
                                                      "en_core_web_lg"]],
                         ids=["unknown-source", "model-not-installed"])
def test_mistakes_found_before_the_flow_starts_are_one_line(argv, tmp_path, capsys):
    """Failure 12: `newsflow run nosuch` printed 19 lines, `--model en_core_web_lg` 35 lines
    after a Prefect ERROR: both are now found before any flow starts."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    upgrade(make_engine(db))
    code, lines = _cli(capsys, *argv, "--db", db)
    _one_line_error(code, lines, "no source named 'nosuch'" if argv[0] == "run"
                    else "'en_core_web_lg' is not installed")


def test_db_downgrade_minus_one_works_as_the_readme_shows(database_url, capsys):
    """Failure 13: `newsflow db downgrade -1` said "No such option: -1"; with `-- -1` a
    populated SQLite database gave a 90-line FOREIGN KEY traceback."""
    engine = make_engine(database_url)
    upgrade(engine)
    _populate(engine)
    # One step at a time from whatever the head is down to 0003: each `-1` moves exactly one.
    head = int(head_revision(engine) or "0")
    for expected in (f"{n:04d}" for n in range(head - 1, 2, -1)):
        code, lines = _cli(capsys, "db", "downgrade", "-1", "--db", database_url)
        assert (code, lines, current_revision(engine)) == (0, [], expected)
    code, lines = _cli(capsys, "db", "downgrade", "-1", "--db", database_url)
    _one_line_error(code, lines, "would drop tables that hold rows: event_clusters (1 row)")
    assert current_revision(engine) == "0003"
    code, _lines = _cli(capsys, "db", "downgrade", "-1", "--force", "--db", database_url)
    assert (code, current_revision(engine)) == (0, "0002")


def test_nothing_to_ingest_says_what_was_skipped_and_creates_nothing(tmp_path, capsys):
    """Failure 14: the benchmark's 181 .html.gz pages gave "nothing to ingest: no readable
    files" without saying why, and the schema was created anyway."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(3):
        (inbox / f"page{n}.pdf").write_bytes(b"%PDF")
    (inbox / "table.csv.gz").write_bytes(gzip.compress(b"a,b"))
    (inbox / ".hidden.txt").write_text("x", encoding="utf-8")
    db = tmp_path / "n.db"
    code, lines = _cli(capsys, "ingest", str(inbox), "--db", f"sqlite:///{db}")
    _one_line_error(code, lines, "nothing to ingest")
    assert "4 with no reader for their type (3 '.pdf', 1 '.gz'" in lines[0]
    assert "1 hidden" in lines[0]
    assert not db.exists()


@pytest.mark.usefixtures("prefect_server")
def test_gzip_compressed_files_are_read(tmp_path, sqlite_url, analyzer, sqlite_db):
    """Failure 14: .html.gz, .txt.gz and .jsonl.gz were skipped for their suffix."""
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(html_page(body(1)).encode()))
    (tmp_path / "story.TXT.GZ").write_bytes(gzip.compress(SEED_ARTICLE.read_bytes()))
    (tmp_path / "wire.jsonl.gz").write_bytes(gzip.compress(json.dumps(
        {"url": "https://wire.example/gz", "text": body(2)}).encode() + b"\n"))
    (tmp_path / "broken.html.gz").write_bytes(gzip.compress(b"<p>cut")[:12])
    summary = ingest_flow([str(tmp_path)], settings=hostile_settings(sqlite_url),
                          analyzer=analyzer)
    assert (summary.files, summary.new, summary.failed) == (4, 3, 1)
    assert {uri.rsplit("/", 1)[1] for uri in loaded_uris(sqlite_db)} == {
        "page.html.gz", "story.TXT.GZ", "wire.jsonl.gz#line=1"}
    assert summary.failures_by_stage == {"read": 1}

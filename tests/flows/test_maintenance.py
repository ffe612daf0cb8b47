"""The maintenance flows under Prefect and from the CLI: reprocess after a lexicon change,
retry-failed once a cause is fixed (a local file rewritten, a server that recovered)."""

import json
import re
import shutil

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import ingest_flow
from flows.maintenance import reprocess_flow, retry_failed_flow
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.fetch.settings import FetchSettings
from pipeline.settings import Settings
from tests.conftest import CASES, SEED_ARTICLE, SEEDS
from tests.test_reprocess import edited_lexicon

pytestmark = pytest.mark.usefixtures("prefect_server")

MAINTENANCE = CASES / "maintenance"


def _rows(engine, statement):
    with engine.connect() as connection:
        return connection.execute(statement).all()


def _errors(engine):
    table = schema.IngestError
    return {uri.rsplit("/", 1)[1]: (status, attempts, kind) for uri, status, attempts, kind in
            _rows(engine, select(table.source_uri, table.status, table.attempts,
                                 table.error_type).order_by(table.id))}


def test_reprocess_after_a_lexicon_change_then_nothing_to_do(database_url, tmp_path):
    ingest_flow([str(SEED_ARTICLE)], settings=Settings(database_url=database_url))
    engine = make_engine(database_url)
    # visits that took place: an announced one is an intent (036) whatever the lexicon says
    visits = select(schema.Event.cameo_code).where(schema.Event.trigger == "visit",
                                                   schema.Event.modality == "asserted")
    assert {c for (c,) in _rows(engine, visits)} == {"042"}
    settings = Settings(database_url=database_url, event_lexicon_dir=edited_lexicon(tmp_path))
    seen = []

    summary = reprocess_flow(settings=settings, progress=lambda s, done, total: seen.append(
        (done, total)))

    assert (summary.selected, summary.reprocessed, summary.changed, summary.failed) == (
        1, 1, 1, 0)
    assert summary.events_before == summary.events_after > 0
    assert seen[-1] == (1, 1)
    assert {c for (c,) in _rows(engine, visits)} == {"043"}
    assert {v for (v,) in _rows(engine, select(schema.Event.pipeline_version))} == {
        summary.pipeline_version}
    again = reprocess_flow(settings=settings)
    assert (again.selected, again.reprocessed, again.up_to_date) == (0, 0, 1)
    runs = _rows(engine, select(schema.PipelineRun.flow_name, schema.PipelineRun.status,
                                schema.PipelineRun.pipeline_version, schema.PipelineRun.read_count)
                 .where(schema.PipelineRun.flow_name == "reprocess")
                 .order_by(schema.PipelineRun.id))
    assert runs == [("reprocess", "completed", summary.pipeline_version, 1),
                    ("reprocess", "completed", summary.pipeline_version, 0)]


def test_retry_resolves_fixed_files_and_keeps_the_others_open(sqlite_url, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(MAINTENANCE, inbox)
    settings = Settings(database_url=sqlite_url)
    first = ingest_flow([str(inbox)], settings=settings)
    assert (first.new, first.failed) == (1, 3)
    engine = make_engine(sqlite_url)
    assert _errors(engine) == {"empty.txt": ("open", 1, "EmptyInput"),
                               "binary.txt": ("open", 1, "BinaryInput"),
                               "wire.jsonl#line=2": ("open", 1, "MalformedJSON")}
    # the causes of two are fixed: the file is rewritten, the line repaired
    shutil.copy(SEEDS / "002_scholz_hosts_lula_berlin.txt", inbox / "empty.txt")
    lines = (inbox / "wire.jsonl").read_text(encoding="utf-8").splitlines()
    record = {"url": "https://wire.example/2", "title": "Armenia and Azerbaijan meet",
              "text": (SEEDS / "003_armenia_azerbaijan_brussels_talks.txt").read_text(
                  encoding="utf-8"), "published_at": "2024-10-02T10:00:00Z"}
    lines[1] = json.dumps(record)
    (inbox / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    summary = retry_failed_flow(settings=settings)

    assert (summary.items, summary.resolved, summary.still_failing, summary.new) == (3, 2, 1, 2)
    assert _errors(engine) == {"empty.txt": ("resolved", 2, "EmptyInput"),
                               "binary.txt": ("open", 2, "BinaryInput"),
                               "wire.jsonl#line=2": ("resolved", 2, "MalformedJSON")}
    loaded = {uri.rsplit("/", 1)[1] for (uri,) in _rows(engine, select(
        schema.Article.source_uri))}
    assert loaded == {"wire.jsonl#line=1", "wire.jsonl#line=2", "empty.txt"}

    second = retry_failed_flow(settings=settings)
    assert (second.items, second.resolved, second.still_failing) == (1, 0, 1)
    assert _rows(engine, select(func.count()).select_from(schema.IngestError)) == [(3,)]
    assert _errors(engine)["binary.txt"] == ("open", 3, "BinaryInput")
    [run] = _rows(engine, select(schema.PipelineRun.status, schema.PipelineRun.failed_count,
                                 schema.PipelineRun.message)
                  .where(schema.PipelineRun.flow_name == "retry-failed")
                  .order_by(schema.PipelineRun.id.desc()).limit(1))
    assert run[:2] == ("completed", 1) and "0 resolved" in run[2]


def _page(httpserver: HTTPServer) -> str:
    html = (SEEDS / "007_tbilisi_protest_before_election.html").read_text(encoding="utf-8")
    [original] = re.findall(r'<link rel="canonical" href="([^"]+)"', html)
    return html.replace(original, httpserver.url_for("/story"))


def test_retry_fetches_a_page_again_once_the_server_recovers(httpserver, database_url):
    settings = Settings(database_url=database_url, fetch=FetchSettings(
        allowed_private_hosts=["127.0.0.1"], per_host_delay_seconds=0, retries=1,
        backoff_base_seconds=0.01, timeout_seconds=3))
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\n",
                                                               content_type="text/plain")
    httpserver.expect_request("/story").respond_with_data("busy", status=503)
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)
    url, gone = httpserver.url_for("/story"), httpserver.url_for("/gone")
    first = ingest_flow(urls=[url, gone], settings=settings)
    assert (first.new, first.failed) == (0, 2)

    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\n",
                                                               content_type="text/plain")
    httpserver.expect_request("/story").respond_with_data(
        _page(httpserver), content_type="text/html; charset=utf-8")
    httpserver.expect_request("/gone").respond_with_data("still not here", status=410)
    summary = retry_failed_flow(stage="fetch", settings=settings)

    assert (summary.resolved, summary.still_failing, summary.new) == (1, 1, 1)
    engine = make_engine(database_url)
    errors = {uri: (status, attempts) for uri, status, attempts in _rows(engine, select(
        schema.IngestError.source_uri, schema.IngestError.status, schema.IngestError.attempts))}
    assert errors == {url: ("resolved", 2), gone: ("open", 2)}
    assert _rows(engine, select(schema.Article.url)) == [(url,)]

    # loaded by now: resolved without a fetch, even with the server gone quiet
    httpserver.clear()
    again = retry_failed_flow(settings=settings)
    assert (again.items, again.resolved, again.still_failing) == (1, 0, 1)


def test_cli_reprocess_and_retry_failed(sqlite_url, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_ARTICLE, inbox)
    (inbox / "empty.txt").write_text("", encoding="utf-8")
    ingest_flow([str(inbox)], settings=Settings(database_url=sqlite_url))
    runner = CliRunner()
    monkeypatch.setenv("NEWSFLOW_EVENT_LEXICON_DIR", str(edited_lexicon(tmp_path)))

    result = runner.invoke(app, ["reprocess", "--db", sqlite_url, "--since", "2024-01-01",
                                 "--no-progress"])
    assert result.exit_code == 0, result.output
    assert re.search(r"articles reprocessed[\s│]+1 of 1", result.output)
    assert re.search(r"events before → after[\s│]+(\d+) → \1", result.output)
    result = runner.invoke(app, ["reprocess", "--db", sqlite_url, "--no-progress"])
    assert re.search(r"articles reprocessed[\s│]+0 of 0", result.output), result.output
    assert re.search(r"already current \(skipped\)[\s│]+1", result.output)

    (inbox / "empty.txt").write_text(
        "Talks in Geneva.\n\nThe foreign ministers of both countries met there on Monday.",
        encoding="utf-8")
    result = runner.invoke(app, ["retry-failed", "--db", sqlite_url, "--stage", "read",
                                 "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "resolved 1, still failing 0" in result.output

    result = runner.invoke(app, ["reprocess", "--db", sqlite_url, "--source", "nope"])
    assert result.exit_code == 1 and "no source named 'nope'" in result.output
    result = runner.invoke(app, ["retry-failed", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1 and "no database at" in result.output
    (tmp_path / "x.db").touch()  # an empty file: a database without the schema
    result = runner.invoke(app, ["retry-failed", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1 and "no newsflow schema yet" in result.output

"""Failures 7 and 9: records that are true. A rerun does not count a failure twice, and what
one database keeps the other keeps too. (Failure 8, a killed run left ``running``, is
``tests/test_runs.py`` and the killed CLI run of ``tests/flows/test_feed_resume.py``.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flows.ingest import ingest_flow
from pipeline.db import schema
from tests.hostile.conftest import hostile_settings, loaded_uris, open_errors
from tests.hostile.inputs import body, html_page, jsonl_line

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_rerunning_the_same_input_keeps_one_open_row_per_failing_item(tmp_path, database_url,
                                                                     analyzer, db, httpserver):
    """Failure 7: ingest_errors went 25 -> 50 -> 75 over three runs of the same input, files
    and web sources alike (tests/test_load.py counts three attempts of one item)."""
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    (tmp_path / "wire.jsonl").write_text("{not json\n" + jsonl_line(
        url="https://wire.example/1", text=body(1)) + "\n", encoding="utf-8")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/gone").respond_with_data("gone", status=404)
    settings = hostile_settings(database_url)
    for attempt in (1, 2):
        summary = ingest_flow([str(tmp_path)], urls=[httpserver.url_for("/gone")],
                              settings=settings, analyzer=analyzer)
        errors = open_errors(db)
        assert len(errors) == 4 and summary.failed == 4
        assert {attempts for _stage, _kind, attempts in errors.values()} == {attempt}
    with db.connect() as connection:
        runs = set(connection.execute(select(schema.IngestError.run_id)).scalars())
    assert runs == {summary.run_id}  # each row names the run that last tried it
    assert len(loaded_uris(db)) == 1


def test_what_postgresql_refused_and_sqlite_took_now_loads_on_both(tmp_path, database_url,
                                                                   analyzer, db, httpserver):
    """Failure 9: a 44-character language was lost on PostgreSQL (varchar(16)) and loaded on
    SQLite; a charset=utf-8 header on a cp1252 body was stored as 'Caf\ufffd cr\ufffdme'."""
    (tmp_path / "wire.jsonl").write_text(jsonl_line(
        url="https://wire.example/lang", language="x" * 44, text=body(1)) + "\n",
        encoding="utf-8")
    page = html_page(body(2).replace("Report number", "Café crème report number"),
                     "Café crème")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/cafe").respond_with_data(
        page.encode("cp1252"), headers={"Content-Type": "text/html; charset=utf-8"})
    summary = ingest_flow([str(tmp_path)], urls=[httpserver.url_for("/cafe")],
                          settings=hostile_settings(database_url), analyzer=analyzer)
    assert (summary.new, summary.failed) == (2, 0)
    with db.connect() as connection:
        rows = dict(connection.execute(select(schema.Article.url, schema.Article.language)).all())
        cafe = connection.execute(select(schema.Article.title, schema.Article.text).where(
            schema.Article.source_uri == httpserver.url_for("/cafe"))).one()
    assert rows["https://wire.example/lang"] == "en"  # the tag was garbage: detected instead
    assert cafe.title == "Café crème" and "Café crème report" in cafe.text

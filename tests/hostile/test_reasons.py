"""Failure 10: a quarantine reason names what was wrong. A charset lie, 100,000 nested divs and
a surrogate inside a JSON line's html were all 'NoContent' though text was there; a year 9999
failed at stage events with an OverflowError; a bad feed link and symlink loops left no row."""

from __future__ import annotations

import os

import pytest

from flows.ingest import ingest_flow
from tests.hostile.conftest import hostile_settings, loaded_uris, open_errors, run_status
from tests.hostile.inputs import MALFORMED_URL, body, html_page, jsonl_line, rss

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_each_reason_names_the_problem(tmp_path, sqlite_url, analyzer, sqlite_db,
                                        httpserver):
    files = tmp_path / "in"
    files.mkdir()
    deep = ("<html><body>" + "<div>" * 100_000 + f"<p>{body(3)}</p>" + "</div>" * 100_000
            + "</body></html>")
    (files / "deep.html").write_text(deep, encoding="utf-8")
    (files / "wire.jsonl").write_text("\n".join([
        jsonl_line(url="https://wire.example/html", html=html_page(body(4) + " \ud800 end")),
        jsonl_line(url="https://wire.example/9999", text=body(5),
                   published_at="9999-12-31T23:59:59Z"),
        jsonl_line(url="https://wire.example/0001", text=body(6), published_at="0001-01-01"),
    ]) + "\n", encoding="utf-8")
    os.symlink("loop-b.txt", files / "loop-a.txt")
    os.symlink("loop-a.txt", files / "loop-b.txt")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/utf16-lie").respond_with_data(
        html_page(body(7)).encode(), headers={"Content-Type": "text/html; charset=utf-16"})
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([MALFORMED_URL, httpserver.url_for("/utf16-lie")]),
        content_type="application/rss+xml")

    summary = ingest_flow([str(files)], feeds=[httpserver.url_for("/feed.xml")],
                          settings=hostile_settings(sqlite_url), analyzer=analyzer)

    assert run_status(sqlite_db, summary.run_id) == "completed"
    jsonl = (files / "wire.jsonl").resolve().as_uri()
    assert loaded_uris(sqlite_db) == {httpserver.url_for("/utf16-lie"), f"{jsonl}#line=1"}
    assert {uri.rsplit("/", 1)[-1]: (stage, kind)
            for uri, (stage, kind, _n) in open_errors(sqlite_db).items()} == {
        "deep.html": ("extract", "TooDeep"),
        "wire.jsonl#line=2": ("read", "DateOutOfRange"),
        "wire.jsonl#line=3": ("read", "DateOutOfRange"),
        "loop-a.txt": ("read", "SymlinkLoop"),
        "loop-b.txt": ("read", "SymlinkLoop"),
        "[::1": ("read", "InvalidURL"),
    }

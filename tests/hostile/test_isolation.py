"""Failures 1-3 of the campaign, and the issue's closing case: one bad item never costs the run.
Each of these ended the run ``failed`` with the good articles of its batch not loaded."""

from __future__ import annotations

import pytest

from flows.ingest import ingest_flow
from tests.conftest import SEEDS
from tests.hostile.conftest import hostile_settings, loaded_uris, open_errors, run_status
from tests.hostile.inputs import (
    GOOD_TXT,
    HTML_SEED,
    MALFORMED_URL,
    body,
    done_when_inputs,
    html_page,
    jsonl_line,
    seed_text,
    sitemap,
    write_warc,
)

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_done_when_the_bad_items_cost_nothing_and_stay_one_row_each(tmp_path, database_url,
                                                                    analyzer, db):
    directory, url_file = done_when_inputs(tmp_path)
    urls = url_file.read_text(encoding="utf-8").splitlines()
    settings = hostile_settings(database_url)
    good = {(directory / name).resolve().as_uri() for name in GOOD_TXT}
    expected = {
        (directory / "surrogate.jsonl").resolve().as_uri() + "#line=1": ("read", "InvalidURL"),
        (directory / "big.jsonl").resolve().as_uri() + "#line=1": ("read", "TextTooLong"),
        (directory / "empty.txt").resolve().as_uri(): ("read", "EmptyInput"),
        MALFORMED_URL: ("read", "InvalidURL"),
    }
    for attempt in (1, 2):
        summary = ingest_flow([str(directory)], urls=urls, settings=settings, analyzer=analyzer)
        assert run_status(db, summary.run_id) == "completed"
        assert loaded_uris(db) == good
        errors = open_errors(db)
        assert {uri: (stage, kind) for uri, (stage, kind, _n) in errors.items()} == expected
        assert {n for _stage, _kind, n in errors.values()} == {attempt}


def test_a_lone_surrogate_in_any_field_loses_only_what_it_must(tmp_path, database_url,
                                                                 analyzer, db):
    """Failure 1: a ``\\ud800`` in ``url``, ``author``, ``source`` or ``image`` raised
    UnicodeEncodeError in the loader and lost the whole directory."""
    (tmp_path / GOOD_TXT[0]).write_text(seed_text(GOOD_TXT[0]), encoding="utf-8")
    lines = [jsonl_line(url="https://wire.example/a\ud800", title="In the URL", text=body(1)),
             jsonl_line(url="https://wire.example/2", author="Ana \ud800 Lima", text=body(2)),
             jsonl_line(url="https://wire.example/3", source="Wire\ud800", text=body(3)),
             jsonl_line(url="https://wire.example/4", image="x\ud800.png", text=body(4))]
    (tmp_path / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = ingest_flow([str(tmp_path)], settings=hostile_settings(database_url),
                          analyzer=analyzer)
    assert run_status(db, summary.run_id) == "completed"
    wire = (tmp_path / "wire.jsonl").resolve().as_uri()
    assert loaded_uris(db) == {(tmp_path / GOOD_TXT[0]).resolve().as_uri(),
                               f"{wire}#line=2", f"{wire}#line=3", f"{wire}#line=4"}
    [(uri, (stage, kind, _n))] = open_errors(db).items()
    assert (uri, stage, kind) == (f"{wire}#line=1", "read", "InvalidURL")


def test_malformed_urls_in_a_url_list_a_sitemap_and_a_warc_are_items(tmp_path, database_url,
                                                                    analyzer, db, httpserver):
    """Failure 2: ``http://[::1`` in a ``--urls`` file, a sitemap ``<loc>`` or a
    WARC-Target-URI raised ValueError ("Invalid IPv6 URL") and failed the run."""
    page = html_page(body(5), "Served page")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        sitemap([MALFORMED_URL + "/from-sitemap", httpserver.url_for("/story")]),
        content_type="application/xml")
    archive = write_warc(tmp_path / "crawl.warc.gz", [
        (MALFORMED_URL + "/from-warc", (SEEDS / HTML_SEED).read_bytes()),
        ("https://meridiandaily.example/tbilisi", (SEEDS / HTML_SEED).read_bytes())])
    summary = ingest_flow([str(archive)], urls=[MALFORMED_URL + "/from-list"],
                          sitemaps=[httpserver.url_for("/sitemap.xml")],
                          settings=hostile_settings(database_url), analyzer=analyzer)
    assert run_status(db, summary.run_id) == "completed"
    assert loaded_uris(db) == {"https://meridiandaily.example/tbilisi",
                               httpserver.url_for("/story")}
    assert {uri: kind for uri, (_stage, kind, _n) in open_errors(db).items()} == {
        MALFORMED_URL + "/from-list": "InvalidURL",
        MALFORMED_URL + "/from-sitemap": "InvalidURL",
        MALFORMED_URL + "/from-warc": "InvalidURL"}


def test_a_nul_in_a_warc_target_uri_is_recorded(tmp_path, database_url, analyzer, db):
    """Failure 3: on PostgreSQL, recording the failure of a WARC-Target-URI with a NUL raised
    DataError itself, and the run failed."""
    archive = write_warc(tmp_path / "crawl.warc", [
        ("https://example.org/a\x00b", (SEEDS / HTML_SEED).read_bytes()),
        ("https://meridiandaily.example/tbilisi", (SEEDS / HTML_SEED).read_bytes())])
    summary = ingest_flow([str(archive)], settings=hostile_settings(database_url),
                          analyzer=analyzer)
    assert run_status(db, summary.run_id) == "completed"
    assert loaded_uris(db) == {"https://meridiandaily.example/tbilisi"}
    [(uri, (stage, kind, _n))] = open_errors(db).items()
    assert (uri, stage, kind) == ("https://example.org/ab", "read", "InvalidURL")

"""WARC archives through the reader registry; the archives are written here with warcio."""

from datetime import UTC, datetime
from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.readers import discover_files, read_file
from pipeline.records import ItemFailure, RawArticle
from tests.conftest import SEEDS


def _response(writer, uri, body, *, status="200 OK", content_type="text/html; charset=utf-8",
              date="2024-10-03T17:30:00Z"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(uri, "response", payload=BytesIO(body),
                                       http_headers=headers,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def _archive(path):
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.suffix == ".gz")
        _response(writer, "https://meridiandaily.example/tbilisi",
                  (SEEDS / "007_tbilisi_protest_before_election.html").read_bytes())
        _response(writer, "https://img.example/logo.png", b"\x89PNG", content_type="image/png")
        _response(writer, "https://meridiandaily.example/missing", b"<p>gone</p>",
                  status="404 Not Found")
        _response(writer, "https://meridiandaily.example/empty", b"<html><body></body></html>")
    return path


def test_html_responses_become_articles_with_url_and_fetch_date(tmp_path):
    path = _archive(tmp_path / "crawl.warc.gz")
    assert discover_files([tmp_path]).files == [path]
    items = list(read_file(path, max_bytes=1))  # streamed: the byte limit is for whole files
    articles = [i for i in items if isinstance(i, RawArticle)]
    failures = [i for i in items if isinstance(i, ItemFailure)]
    [article] = articles
    assert article.format == "warc"
    assert article.source_uri == "https://meridiandaily.example/tbilisi"
    assert article.fetched_at == datetime(2024, 10, 3, 17, 30, tzinfo=UTC)
    assert article.published_at is not None and article.published_at <= article.fetched_at
    assert "Tbilisi" in article.text and article.document is not None
    assert [(f.source_uri, f.error_type) for f in failures] == [
        ("https://meridiandaily.example/empty", "NoContent")]


def test_plain_warc_files_are_read_too(tmp_path):
    path = _archive(tmp_path / "crawl.warc")
    assert sum(isinstance(i, RawArticle) for i in read_file(path, max_bytes=1)) == 1

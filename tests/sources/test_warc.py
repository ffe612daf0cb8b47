import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.records import ItemFailure
from pipeline.sources.warc import WarcPage, read_warc

PAGE_A = b"<html><head><title>Ministers meet</title></head><body><p>" + b"Talks. " * 40 + \
    b"</p></body></html>"
PAGE_B = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Summit ends.</p></body></html>'
PAGE_G = b"<html><body>" + b"<p>Compressed on the wire.</p>" * 100 + b"</body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _response(writer, uri, body, *, status="200 OK", content_type="text/html; charset=utf-8",
              extra=(), date="2024-09-20T10:00:00Z"):
    http = StatusAndHeaders(status, [("Content-Type", content_type), *extra],
                            protocol="HTTP/1.1")
    return writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": date})


def write_warc(path: Path, *, compress: bool = True) -> dict[str, tuple[int, int]]:
    """A small crawl: every kind of record the reader must skip, three pages it must keep.

    Returns each record's (start, end) byte offsets in the file, by name.
    """
    offsets = {}
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        request = writer.create_warc_record(
            "https://news.example.com/world/ministers", "request",
            payload=io.BytesIO(b"GET /world/ministers HTTP/1.1\r\nHost: news.example.com\r\n\r\n"),
            warc_headers_dict={"WARC-Date": "2024-09-20T09:59:59Z"})
        metadata = writer.create_warc_record(
            "https://news.example.com/world/ministers", "metadata",
            payload=io.BytesIO(b"outlinks: https://news.example.com/world/summit\r\n"),
            warc_content_type="application/warc-fields")
        records = {
            "warcinfo": writer.create_warcinfo_record(path.name, {"software": "newsflow-tests"}),
            "request": request,
            "page_a": _response(writer, "https://news.example.com/world/ministers", PAGE_A),
            "metadata": metadata,
            "page_b": _response(writer, "https://news.example.com/world/summit", PAGE_B,
                                content_type="application/xhtml+xml",
                                date="2024-09-20T12:30:05.123456Z"),
            "image": _response(writer, "https://cdn.example.com/img/summit.png", PNG,
                               content_type="image/png"),
            "not_found": _response(writer, "https://news.example.com/gone", b"<html>404</html>",
                                   status="404 Not Found"),
            "revisit": writer.create_revisit_record(
                "https://news.example.com/world/ministers",
                digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                refers_to_uri="https://news.example.com/world/ministers",
                refers_to_date="2024-09-20T10:00:00Z",
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                              protocol="HTTP/1.1")),
            "page_gzip": _response(writer, "https://news.example.com/culture/festival",
                                   gzip.compress(PAGE_G),
                                   extra=[("Content-Encoding", "gzip"), ("Vary", "Accept"),
                                          ("Vary", "Cookie")]),
        }
        for name, record in records.items():
            start = out.tell()
            writer.write_record(record)
            offsets[name] = (start, out.tell())
    return offsets


@pytest.fixture(params=[True, False], ids=["warc.gz", "warc"])
def archive(request, tmp_path):
    path = tmp_path / ("crawl.warc.gz" if request.param else "crawl.warc")
    offsets = write_warc(path, compress=request.param)
    return path, offsets


def _pages(items):
    return [item for item in items if isinstance(item, WarcPage)]


def test_only_html_200_responses_become_pages(archive):
    path, _ = archive
    items = list(read_warc(path))
    assert all(isinstance(item, WarcPage) for item in items)
    assert [page.target_uri for page in items] == [
        "https://news.example.com/world/ministers",
        "https://news.example.com/world/summit",
        "https://news.example.com/culture/festival",
    ]
    page_a, page_b, _ = items
    assert page_a.body == PAGE_A
    assert page_a.status == 200
    assert page_a.fetched_at == datetime(2024, 9, 20, 10, 0, tzinfo=UTC)
    assert page_a.headers == {"content-type": "text/html; charset=utf-8"}
    assert page_a.record_id and page_a.record_id.startswith("<urn:uuid:")
    assert page_b.body == PAGE_B
    assert page_b.fetched_at == datetime(2024, 9, 20, 12, 30, 5, 123456, tzinfo=UTC)
    assert page_b.headers["content-type"] == "application/xhtml+xml"


def test_content_encoding_is_removed_from_the_body(archive):
    path, _ = archive
    page = _pages(read_warc(path))[-1]
    assert page.body == PAGE_G
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["vary"] == "Accept, Cookie"


def test_chunked_transfer_encoding_is_removed(tmp_path):
    path = tmp_path / "chunked.warc.gz"
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part)
                       for part in (PAGE_B[:30], PAGE_B[30:])) + b"0\r\n\r\n"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(_response(writer, "https://news.example.com/chunked", chunked,
                                      extra=[("Transfer-Encoding", "chunked")]))
    (page,) = read_warc(path)
    assert page.body == PAGE_B


def _outcome(path, limit):
    return [f"{item.error_type}: {item.message}" if isinstance(item, ItemFailure) else "page"
            for item in read_warc(path, max_record_bytes=limit)]


def test_decoded_payload_over_the_limit_fails_and_reading_goes_on(archive):
    path, _ = archive
    assert len(gzip.compress(PAGE_G)) < 2_000 < len(PAGE_G)
    assert _outcome(path, 2_000) == [
        "page", "page",
        "RecordTooLarge: HTTP payload decodes (gzip) to more than 2,000 bytes, over the "
        "2,000-byte limit (max_record_bytes)"]


def test_payload_over_the_limit_fails_before_it_is_read(archive):
    path, _ = archive
    assert _outcome(path, len(PAGE_B)) == [
        f"RecordTooLarge: HTTP payload is {len(PAGE_A):,} bytes, over the {len(PAGE_B):,}-byte "
        "limit (max_record_bytes)",
        "page",
        f"RecordTooLarge: HTTP payload is {len(gzip.compress(PAGE_G)):,} bytes, over the "
        f"{len(PAGE_B):,}-byte limit (max_record_bytes)"]
    failure = next(read_warc(path, max_record_bytes=len(PAGE_B)))
    assert (failure.source_uri, failure.stage) == ("https://news.example.com/world/ministers",
                                                   "read")


def test_truncated_archive_keeps_earlier_pages_and_reports_the_offset(archive, tmp_path):
    path, offsets = archive
    start, end = offsets["page_gzip"]  # the last record
    cut = tmp_path / f"cut-{path.name}"
    cut.write_bytes(path.read_bytes()[:(start + end) // 2])
    items = list(read_warc(cut))
    assert [page.target_uri for page in _pages(items)] == [
        "https://news.example.com/world/ministers", "https://news.example.com/world/summit"]
    failure = items[-1]
    assert isinstance(failure, ItemFailure)
    assert (failure.source_uri, failure.stage, failure.error_type) == (
        cut.resolve().as_uri(), "read", "CorruptWARC")
    assert f"at byte offset {start:,}:" in failure.message


def test_cut_anywhere_never_yields_a_partial_page(archive, tmp_path):
    path, offsets = archive
    data = path.read_bytes()
    full = list(read_warc(path))
    boundaries = {end for _, end in offsets.values()}
    cut = tmp_path / "cut.warc"
    for size in range(1, len(data), 7):
        cut.write_bytes(data[:size])
        items = list(read_warc(cut))
        pages = _pages(items)
        assert pages == full[:len(pages)], size
        failures = [item for item in items if isinstance(item, ItemFailure)]
        if failures:
            assert failures == [items[-1]], size
            assert failures[0].error_type == "CorruptWARC", size
        else:
            # Undetectable only when nothing but a record's trailer (CRLFs, gzip footer) is gone.
            assert min(b - size for b in boundaries if b >= size) <= 12, size


@pytest.mark.parametrize(("content", "detail"), [
    (b"<html><body>not an archive</body></html>\n", "Unknown archive format"),
    (gzip.compress(b"hello, world\n"), "Unknown archive format"),
], ids=["html-file", "gzipped-text"])
def test_not_a_warc_is_corrupt_at_offset_zero(tmp_path, content, detail):
    path = tmp_path / "not.warc.gz"
    path.write_bytes(content)
    (failure,) = read_warc(path)
    assert failure.error_type == "CorruptWARC"
    assert failure.message.startswith("archive is truncated or corrupt at byte offset 0: ")
    assert detail in failure.message


def test_archive_gzipped_as_a_whole_is_reported_with_warcio_hint(tmp_path):
    plain = tmp_path / "crawl.warc"
    write_warc(plain, compress=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    (failure,) = read_warc(whole)  # the first record is warcinfo, no page before the error
    assert failure.error_type == "CorruptWARC"
    assert failure.message.startswith("archive is truncated or corrupt (offset unknown): ERROR: "
                                      "non-chunked gzip file detected")
    assert "warcio recompress" in failure.message


def test_damaged_bytes_in_the_middle(archive, tmp_path):
    path, offsets = archive
    data = bytearray(path.read_bytes())
    start, _ = offsets["image"]
    data[start:start + 40] = b"\x00garbage\x00" * 5
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(bytes(data))
    items = list(read_warc(damaged))
    assert len(_pages(items)) == 2
    assert items[-1].error_type == "CorruptWARC"
    assert f"offset {start:,}" in items[-1].message


def test_missing_and_empty_files(tmp_path):
    (missing,) = read_warc(tmp_path / "nope.warc.gz")
    assert (missing.error_type, missing.stage) == ("UnreadableFile", "read")
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    (failure,) = read_warc(empty)
    assert failure.error_type == "EmptyInput"


def test_old_arc_files_are_read_too(tmp_path):
    meta = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE_B
    path = tmp_path / "old.arc"
    path.write_bytes(
        b"filedesc://old.arc 0.0.0.0 20240920100000 text/plain %d\n%s\n" % (len(meta), meta)
        + b"http://old.example.org/a 192.0.2.1 20240920101500 text/html %d\n%s\n"
        % (len(http), http))
    (page,) = read_warc(path)
    assert (page.target_uri, page.body) == ("http://old.example.org/a", PAGE_B)
    assert page.fetched_at == datetime(2024, 9, 20, 10, 15, tzinfo=UTC)

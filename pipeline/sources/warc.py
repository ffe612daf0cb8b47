"""WARC archives: the HTML pages a crawler stored, with their URL, fetch time and headers.

Only ``response`` records for HTML pages fetched with status 200 become pages; request,
metadata, warcinfo and revisit records, other media types and other statuses are skipped
without a word. warcio reads plain and gzip-compressed archives alike. A damaged archive
yields the pages before the damage and then one ``CorruptWARC`` failure: warcio itself
stops silently at a cut-off gzip member, so truncation is checked here, record by record
and against the file size at the end.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeadersParserException

from pipeline.dates import parse_iso_datetime
from pipeline.records import ItemFailure
from pipeline.urls import BadURL, check_url

STAGE = "read"
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK_BYTES = 65_536
_STREAM_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, ChunkedDataException,
                  EOFError, OSError, zlib.error)
"""What reading a record's streams raises on damaged input (``OSError``: a failing disk too)."""


@dataclass(slots=True)
class WarcPage:
    """One HTML page as the crawler received it."""

    target_uri: str
    fetched_at: datetime
    """Aware UTC, from ``WARC-Date``."""
    status: int
    headers: dict[str, str]
    """HTTP response headers as recorded, names in lower case; repeated headers are joined
    with ``", "``. ``content-encoding`` describes the recorded payload, not :attr:`body`."""
    body: bytes
    """The HTTP payload with transfer and content encoding (chunked, gzip, deflate) removed."""
    record_id: str | None
    """``WARC-Record-ID`` as written, e.g. ``<urn:uuid:…>`` (for old ARC files, which have no
    record ids, warcio makes one up on every read)."""


class _CorruptArchive(Exception):
    """The archive cannot be read past this point."""

    def __init__(self, detail: str, *, offset_known: bool = True) -> None:
        super().__init__(detail)
        self.offset_known = offset_known


def read_warc(path: Path, *,
              max_record_bytes: int = 20_000_000) -> Iterator[WarcPage | ItemFailure]:
    """The HTML pages of a WARC file (plain or ``.gz``), in archive order.

    A page whose payload is larger than ``max_record_bytes`` (before or after decoding) becomes
    an ``ItemFailure`` (``RecordTooLarge``) and reading goes on. A truncated or corrupt archive
    ends with an ``ItemFailure`` (``CorruptWARC``, source URI the file's, the byte offset of the
    damaged record in the message); the pages before it have been yielded already.
    """
    uri = path.resolve().as_uri()
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield ItemFailure(uri, STAGE, "UnreadableFile", f"cannot read file: {exc.strerror or exc}")
        return
    with stream:
        size = os.fstat(stream.fileno()).st_size
        if size == 0:
            yield ItemFailure(uri, STAGE, "EmptyInput", "file is empty")
            return
        # arc2warc: old ARC files come through with WARC headers (WARC-Date, Content-Length).
        records = ArchiveIterator(stream, arc2warc=True)
        offset = 0
        try:
            while (record := _next_record(records)) is not None:
                offset = records.offset
                item = _read_record(records, record, max_record_bytes=max_record_bytes)
                # Where the next record starts: also where the damage is if it cannot be read.
                offset = records.offset
                if item is not None:
                    yield item
        except _CorruptArchive as exc:
            yield _corrupt(uri, offset if exc.offset_known else None, str(exc))
            return
        if 0 <= offset < size and not _only_padding(stream, offset):
            yield _corrupt(uri, offset, f"{size - offset:,} bytes at the end cannot be read as "
                                        "WARC records (truncated gzip member?)")


def _next_record(records: ArchiveIterator) -> Any:
    # On damaged input warcio raises whatever its parsing trips over: ArchiveLoadFailed,
    # EOFError, even AttributeError for a header cut before its WARC-Target-URI.
    try:
        return next(records, None)
    except Exception as exc:
        # In a file gzipped as a whole, not record by record, warcio's offsets mix compressed
        # and decompressed positions and mean nothing.
        whole_gzip = isinstance(exc, ArchiveLoadFailed) and "non-chunked gzip" in exc.msg
        raise _CorruptArchive(str(exc) or type(exc).__name__,
                              offset_known=not whole_gzip) from exc


def _read_record(records: ArchiveIterator, record: Any, *,
                 max_record_bytes: int) -> WarcPage | ItemFailure | None:
    """The page (or failure) in one record, reading the record to its end either way so a
    record cut short is noticed even when it is skipped."""
    # warcio takes end of file for the end of a header block and a bad Content-Length for 0:
    # a record cut inside its headers shows up as one without a type or a valid length.
    declared_length = (record.rec_headers.get_header("Content-Length") or "").strip()
    if not record.rec_type or not declared_length.isdigit():
        raise _CorruptArchive("record header is incomplete (no WARC-Type or no valid "
                              "Content-Length)")
    try:
        item = _page(record, max_record_bytes=max_record_bytes)
        raw = record.raw_stream
        while raw.read(_CHUNK_BYTES):
            pass
        if isinstance(raw, LimitReader) and raw.limit > 0:
            raise _CorruptArchive(f"record is cut short: {raw.limit:,} of its "
                                  f"{declared_length} bytes are missing")
        records.read_to_end()
    except _STREAM_ERRORS as exc:
        raise _CorruptArchive(str(exc) or type(exc).__name__) from exc
    return item


def _page(record: Any, *, max_record_bytes: int) -> WarcPage | ItemFailure | None:
    http = record.http_headers
    if record.rec_type != "response" or http is None or http.get_statuscode() != "200":
        return None
    media_type = (http.get_header("content-type") or "").split(";")[0].strip().lower()
    if media_type not in HTML_MEDIA_TYPES:
        return None
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    try:
        target = check_url(target)
    except BadURL as exc:
        return ItemFailure(target, STAGE, exc.error_type, f"WARC-Target-URI: {exc.reason}")
    warc_date = record.rec_headers.get_header("WARC-Date") or ""
    try:
        fetched_at = parse_iso_datetime(warc_date)
    except ValueError:
        return ItemFailure(target, STAGE, "MalformedRecord",
                           f"WARC-Date {warc_date!r} is not an ISO 8601 date")
    if record.payload_length > max_record_bytes:
        return _too_large(target, f"HTTP payload is {record.payload_length:,} bytes",
                          max_record_bytes)
    encoding = (http.get_header("content-encoding") or "identity").strip().lower()
    if encoding not in ("identity", *BufferedReader.get_supported_decompressors()):
        return ItemFailure(target, STAGE, "UnsupportedEncoding",
                           f"Content-Encoding {encoding!r} cannot be decoded")
    body = record.content_stream().read(max_record_bytes + 1)
    if len(body) > max_record_bytes:
        return _too_large(target, f"HTTP payload decodes ({encoding}) to more than "
                                  f"{max_record_bytes:,} bytes", max_record_bytes)
    headers: dict[str, str] = {}
    for name, value in http.headers:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return WarcPage(
        target_uri=target,
        fetched_at=fetched_at,
        status=200,
        headers=headers,
        body=body,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


def _too_large(target: str, what: str, limit: int) -> ItemFailure:
    return ItemFailure(target, STAGE, "RecordTooLarge",
                       f"{what}, over the {limit:,}-byte limit (max_record_bytes)")


def _corrupt(uri: str, offset: int | None, detail: str) -> ItemFailure:
    where = "(offset unknown)" if offset is None or offset < 0 else f"at byte offset {offset:,}"
    detail = " ".join(detail.split())  # warcio's messages span several indented lines
    return ItemFailure(uri, STAGE, "CorruptWARC", f"archive is truncated or corrupt {where}: "
                                                  f"{detail}; stopped reading this file")


def _only_padding(stream: Any, offset: int) -> bool:
    """Whether what warcio left unread from ``offset`` on is mere padding (blank lines, NULs)."""
    stream.seek(offset)
    while chunk := stream.read(_CHUNK_BYTES):
        if chunk.strip(b"\r\n\t \x00"):
            return False
    return True

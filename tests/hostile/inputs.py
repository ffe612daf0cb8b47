"""Hostile inputs, written where a test (or ``bench/hostile.py``) asks for them.

Small cases are built here from the seed articles rather than stored, so what makes each one
hostile is visible in code: a lone surrogate, a NUL, a malformed URL, a megabyte line, a gzip
bomb. Every builder is deterministic.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import SEEDS

GOOD_TXT = ("001_seoul_washington_joint_drills.txt", "002_scholz_hosts_lula_berlin.txt")
BODY_SEEDS = ("003_armenia_azerbaijan_brussels_talks.txt",
              "004_poland_court_border_pushbacks.txt", "005_eu_renews_russia_sanctions.txt")
HTML_SEED = "007_tbilisi_protest_before_election.html"
MALFORMED_URL = "http://[::1"


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def body(index: int) -> str:
    """A story's body: the first paragraphs of a seed article, made unique (no two copies are
    duplicates) and short, so the suite spends its time on the hostile part."""
    text = seed_text(BODY_SEEDS[index % len(BODY_SEEDS)])
    return f"Report number {index} of the hostile suite.\n\n{text[:1_200]}"


def jsonl_line(**fields: object) -> str:
    """One JSON line; ``ensure_ascii`` keeps lone surrogates as ``\\ud800`` escapes, the way
    the campaign wrote them."""
    return json.dumps(fields, ensure_ascii=True)


def big_text(chars: int) -> str:
    """Text that reads as sentences with names in them, ``chars`` long: the worst case for the
    entity and event stages (the campaign's 2 MB line)."""
    sentence = "President Alpha Beta met Minister Gamma Delta in Capital City on Monday. "
    return (sentence * (chars // len(sentence) + 1))[:chars]


def done_when_inputs(root: Path) -> tuple[Path, Path]:
    """The issue's closing case: a directory with two good articles, a JSON line with a lone
    surrogate, a 2 MB JSON line and an empty file; and a ``--urls`` file naming
    ``http://[::1``. Returns (directory, URL file)."""
    directory = root / "articles"
    directory.mkdir(parents=True)
    for name in GOOD_TXT:
        (directory / name).write_text(seed_text(name), encoding="utf-8")
    (directory / "surrogate.jsonl").write_text(jsonl_line(
        url="https://wire.example/\ud800", title="Lone surrogate", text=body(0),
        published_at="2024-10-02T10:00:00Z") + "\n", encoding="utf-8")
    (directory / "big.jsonl").write_text(jsonl_line(
        url="https://wire.example/big", title="Two megabytes", text=big_text(2_000_000),
        published_at="2024-10-02T10:00:00Z") + "\n", encoding="utf-8")
    (directory / "empty.txt").write_text("", encoding="utf-8")
    urls = root / "urls.txt"
    urls.write_text(MALFORMED_URL + "\n", encoding="utf-8")
    return directory, urls


def gzip_bomb(inflated_bytes: int, *, prefix: bytes = b"<html><body><p>") -> bytes:
    """Gzip of ``prefix`` and then zeros, ``inflated_bytes`` in all, compressed in pieces (never
    held inflated): 300 MB become about 300 KB."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as packed:
        packed.write(prefix)
        zeros = bytes(1 << 20)
        left = inflated_bytes - len(prefix)
        while left > 0:
            packed.write(zeros[:min(left, len(zeros))])
            left -= len(zeros)
    return out.getvalue()


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def write_warc(path: Path, records: Iterable[tuple[str, bytes]], *,
               date: str = "2024-10-03T17:30:00Z") -> Path:
    """A WARC of HTML 200 responses: (WARC-Target-URI, body) each, written as given."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.suffix == ".gz")
        for uri, payload in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                               http_headers=headers,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)
    return path


def html_page(text: str, title: str = "A story") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>")


def sitemap(urls: Iterable[str], *, lastmod: datetime | None = None) -> bytes:
    stamp = f"<lastmod>{lastmod.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}</lastmod>" if lastmod else ""
    entries = "".join(f"<url><loc>{u}</loc>{stamp}</url>" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{entries}</urlset>').encode()


def rss(links: Iterable[str]) -> bytes:
    items = "".join(f"<item><title>Entry {i}</title><link>{link}</link><guid>g{i}</guid>"
                    f"<pubDate>Wed, 02 Oct 2024 10:00:00 GMT</pubDate></item>"
                    for i, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
            "</channel></rss>").encode()

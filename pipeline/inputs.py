"""No work done twice: local files loaded before and unchanged since are skipped unread, and
articles whose content (or URL) is already stored skip the NLP.

A file is recorded in ``input_files`` once every article it holds went through loading (new,
or already stored) and none failed: with its size, modification time and SHA-256 as they were
before it was read, and the ids of its articles. A later run skips the file without reading it
while its size and modification time are the same (``unchanged``), or, when those changed, its
bytes still hash the same (``same digest``: a copy, a ``touch``), and its articles are all
still stored. A file with a failed item is read again on the next run, as before (its open
``ingest_errors`` row counts the attempt). A skipped file whose stored rows come from an older
``pipeline_version`` is counted (``outdated``): ``newsflow reprocess`` brings them up to date.

Plain functions over an engine; the ingest flow calls them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.db import schema
from pipeline.records import Article

CHUNK = 500
"""Keys per ``IN (...)`` lookup."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What identifies a file's contents without reading it (and, once read, its digest)."""

    size: int
    mtime_ns: int
    sha256: str = ""


def stamp(path: Path, *, digest: bool = False) -> Stamp:
    info = path.stat()
    return Stamp(info.st_size, info.st_mtime_ns, sha256_of(path) if digest else "")


def sha256_of(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            hasher.update(block)
    return hasher.hexdigest()


@dataclass(slots=True)
class Skipped:
    """Files a run did not read, and why."""

    to_read: list[Path] = field(default_factory=list)
    unchanged: int = 0
    """Same size and modification time as when loaded."""
    same_digest: int = 0
    """Size or time changed, the bytes did not."""
    outdated: int = 0
    """Of the skipped files, those with stored rows from another ``pipeline_version``."""

    @property
    def total(self) -> int:
        return self.unchanged + self.same_digest


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def skip_unchanged(engine: Engine, files: Sequence[Path], pipeline_version: str) -> Skipped:
    """Split ``files`` into those to read and those loaded before and unchanged since."""
    result = Skipped()
    uris = {path.as_uri(): path for path in files}
    table, articles = schema.InputFile.__table__, schema.Article.__table__
    known: dict[str, tuple[int, int, str, list[int]]] = {}
    with engine.connect() as connection:
        for chunk in _chunks(list(uris)):
            for uri, size, mtime_ns, sha256, ids in connection.execute(
                    select(table.c.source_uri, table.c.size, table.c.mtime_ns, table.c.sha256,
                           table.c.article_ids).where(table.c.source_uri.in_(chunk))):
                known[uri] = (size, mtime_ns, sha256, list(ids or []))
        ids = sorted({i for *_rest, article_ids in known.values() for i in article_ids})
        versions: dict[int, str | None] = {}
        for start in range(0, len(ids), CHUNK):
            versions.update(connection.execute(
                select(articles.c.id, articles.c.pipeline_version)
                .where(articles.c.id.in_(ids[start:start + CHUNK]))).all())
    moved: list[tuple[str, Stamp]] = []
    for uri, path in uris.items():
        entry = known.get(uri)
        if entry is None or not all(i in versions for i in entry[3]):
            result.to_read.append(path)
            continue
        size, mtime_ns, sha256, article_ids = entry
        try:
            now = stamp(path)
            if (now.size, now.mtime_ns) == (size, mtime_ns):
                result.unchanged += 1
            elif now.size == size and sha256_of(path) == sha256:
                result.same_digest += 1
                moved.append((uri, now))
            else:
                result.to_read.append(path)
                continue
        except OSError:  # gone or unreadable since discovery: reading reports it
            result.to_read.append(path)
            continue
        if any(versions[i] != pipeline_version for i in article_ids):
            result.outdated += 1
    if moved:
        with engine.begin() as connection:
            for uri, now in moved:
                connection.execute(update(table).where(table.c.source_uri == uri).values(
                    mtime_ns=now.mtime_ns))
    return result


def record_loaded(engine: Engine, files: Sequence[tuple[str, Stamp, list[int]]], *,
                  run_id: int | None) -> None:
    """Remember files whose every article is stored: ``(file URI, stamp before reading,
    article ids)``."""
    if not files:
        return
    table = schema.InputFile.__table__
    now = datetime.now(UTC)
    rows = [{"source_uri": uri, "size": s.size, "mtime_ns": s.mtime_ns, "sha256": s.sha256,
             "article_ids": sorted(set(ids)), "run_id": run_id, "seen_at": now}
            for uri, s, ids in files]
    with engine.begin() as connection:
        statement = _insert(connection, table)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["source_uri"],
            set_={column: getattr(statement.excluded, column)
                  for column in ("size", "mtime_ns", "sha256", "article_ids", "run_id",
                                 "seen_at")}), rows)


def _insert(connection: Connection, table: object) -> object:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)  # type: ignore[arg-type]


def stored_articles(engine: Engine, articles: Sequence[Article]) -> set[int]:
    """Indexes of ``articles`` already stored (same content hash, or same URL): loading them
    only records where they were seen, so they need no NLP."""
    table = schema.Article.__table__
    hashes = sorted({a.content_hash for a in articles})
    urls = sorted({a.raw.url for a in articles if a.raw.url})
    found_hashes: set[str] = set()
    found_urls: set[str] = set()
    with engine.connect() as connection:
        for chunk in _chunks(hashes):
            found_hashes.update(connection.execute(select(table.c.content_hash).where(
                table.c.content_hash.in_(chunk))).scalars())
        for chunk in _chunks(urls):
            found_urls.update(connection.execute(select(table.c.url).where(
                table.c.url.in_(chunk))).scalars())
    return {index for index, article in enumerate(articles)
            if article.content_hash in found_hashes or (article.raw.url or "") in found_urls}


class FileTracker:
    """Which local files a run has read completely, and whether their every article went
    through: batches are loaded in the order they were read, so once the batch a file ended
    in is loaded, the file is settled."""

    def __init__(self) -> None:
        self._filling = 0
        """Number of the batch being filled by the reader."""
        self._loaded = 0
        self._open: dict[Path, tuple[Stamp, list[str]]] = {}
        self._ended: list[tuple[int, Path, Stamp, list[str]]] = []
        self._owner: dict[str, Path] = {}
        self._ids: dict[str, int] = {}
        self._failed: set[Path] = set()

    def begin(self, path: Path) -> bool:
        """Stamp ``path`` before it is read; False when it cannot be (reading reports why)."""
        try:
            self._open[path] = (stamp(path, digest=True), [])
        except OSError:
            return False
        return True

    def item(self, path: Path, source_uri: str) -> None:
        if path in self._open:
            self._open[path][1].append(source_uri)
            self._owner[source_uri] = path

    def fail(self, path: Path) -> None:
        self._failed.add(path)

    def end(self, path: Path) -> None:
        if path in self._open:
            file_stamp, uris = self._open.pop(path)
            self._ended.append((self._filling, path, file_stamp, uris))

    def batch_yielded(self) -> None:
        self._filling += 1

    def batch_loaded(self, stored: dict[str, int], failed: Iterable[str]
                     ) -> list[tuple[str, Stamp, list[int]]]:
        """Take the next loaded batch's outcome (article id per source URI, failed source
        URIs); returns the files now settled with every article stored."""
        self._ids.update(stored)
        for uri in failed:
            owner = self._owner.get(uri)
            if owner is not None:
                self._failed.add(owner)
            elif uri.startswith("file:"):
                self._failed.add(Path(_path_of(uri)))
        settled = [entry for entry in self._ended if entry[0] <= self._loaded]
        self._ended = [entry for entry in self._ended if entry[0] > self._loaded]
        self._loaded += 1
        done = []
        for _batch, path, file_stamp, uris in settled:
            if path not in self._failed and all(uri in self._ids for uri in uris):
                done.append((path.as_uri(), file_stamp, [self._ids[uri] for uri in uris]))
            for uri in uris:
                self._owner.pop(uri, None)
                self._ids.pop(uri, None)
        return done


def _path_of(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return os.path.normpath(unquote(urlparse(uri.split("#", 1)[0]).path))

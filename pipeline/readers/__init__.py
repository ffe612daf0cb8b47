"""Readers: one small module per input format, each turning a file into raw articles.

A reader is a function ``(path, content) -> Iterator[RawArticle | ItemFailure]`` that gets the
file's bytes (read under the size limit), or, for archives too large to hold in memory, a
streaming reader ``(path) -> Iterator[...]`` that opens the file itself. Adding a format means
writing one reader module and registering its suffixes in :data:`READERS` or
:data:`STREAM_READERS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import ItemError, RunError
from pipeline.readers import html, jsonl, txt, warc
from pipeline.readers.files import read_bytes
from pipeline.records import ItemFailure, RawArticle

Reader = Callable[[Path, bytes], Iterator[RawArticle | ItemFailure]]

READERS: dict[str, Reader] = {
    ".txt": txt.read_txt,
    ".html": html.read_html,
    ".htm": html.read_html,
    ".jsonl": jsonl.read_jsonl,
}
"""Reader for each file suffix (lower case)."""

StreamReader = Callable[[Path], Iterator[RawArticle | ItemFailure]]

STREAM_READERS: dict[str, StreamReader] = {
    ".warc": warc.read_warc_file,
    ".warc.gz": warc.read_warc_file,
}
"""Readers that stream large files themselves, by (possibly compound) suffix."""


def _suffix(path: Path) -> str:
    """``.warc.gz`` for ``crawl.warc.gz``, else the last suffix; lower case."""
    compound = "".join(path.suffixes[-2:]).lower()
    return compound if compound in STREAM_READERS else path.suffix.lower()


_CRAWL_TIME = re.compile(r"(?<!\d)(20\d{12})(?!\d)")


def warc_file_time(path: Path) -> datetime | None:
    """The crawl time a WARC file's name carries (``CC-NEWS-20240920123456-00001.warc.gz``),
    in UTC; ``None`` for other files and names without one."""
    if _suffix(path) not in STREAM_READERS:
        return None
    match = _CRAWL_TIME.search(path.name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def is_supported(path: Path) -> bool:
    suffix = _suffix(path)
    return suffix in READERS or suffix in STREAM_READERS

STAGE = "read"


@dataclass(slots=True)
class Discovery:
    """The files a set of input paths expands to."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    """Files inside directories whose suffix no reader handles; listed, not read."""


def discover_files(paths: Iterable[str | Path]) -> Discovery:
    """Expand files and directories (recursively) into the files to read, in a stable order.

    A path that does not exist or cannot be listed is a run-level error: the user named it.
    Files named explicitly are kept whatever their suffix (an unsupported one becomes an item
    error); inside directories, unsupported and hidden files are skipped and listed.
    """
    found = Discovery()
    seen: set[Path] = set()
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise RunError(f"input path does not exist: {path}")
        if path.is_dir():
            try:
                children = sorted(p for p in path.rglob("*") if p.is_file())
            except OSError as exc:
                raise RunError(f"cannot list directory {path}: {exc.strerror or exc}") from exc
            for child in children:
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if is_supported(child):
                    _add(found.files, seen, child)
                else:
                    found.skipped.append(child)
        else:
            _add(found.files, seen, path)
    return found


def _add(files: list[Path], seen: set[Path], path: Path) -> None:
    resolved = path.resolve()
    if resolved not in seen:
        seen.add(resolved)
        files.append(resolved)


def read_file(path: Path, *, max_bytes: int) -> Iterator[RawArticle | ItemFailure]:
    """Read one file with the reader for its suffix; failures come back as ``ItemFailure``."""
    uri = path.resolve().as_uri()
    suffix = _suffix(path)
    if suffix in STREAM_READERS:
        try:
            yield from STREAM_READERS[suffix](path)
        except OSError as exc:
            yield ItemFailure(uri, STAGE, "UnreadableFile",
                              f"cannot read file: {exc.strerror or exc}")
        return
    reader = READERS.get(suffix)
    if reader is None:
        supported = ", ".join(sorted({*READERS, *STREAM_READERS}))
        kind = path.suffix or path.name
        yield ItemFailure(uri, STAGE, "UnsupportedFormat",
                          f"no reader for '{kind}' files (supported: {supported})")
        return
    try:
        content = read_bytes(path, max_bytes=max_bytes)
        yield from reader(path, content)
    except ItemError as exc:
        yield ItemFailure(uri, exc.stage, exc.error_type, exc.reason)

"""Readers: one small module per input format, each turning a file into raw articles.

A reader is a function ``(path, content) -> Iterator[RawArticle | ItemFailure]`` that gets the
file's bytes (read under the size limit), or, for archives too large to hold in memory, a
streaming reader ``(path) -> Iterator[...]`` that opens the file itself. Adding a format means
writing one reader module and registering its suffixes in :data:`READERS` or
:data:`STREAM_READERS`. A gzip-compressed file of a :data:`READERS` format (``.html.gz``,
``.txt.gz``, ``.jsonl.gz``) is inflated, within the same size limit, and read by that reader.

Every article a reader yields passes :func:`pipeline.validate.validate_article` here, and any
failure of one file or one article, expected or not, comes back as its ``ItemFailure``: what
one file holds never stops the others.
"""

from __future__ import annotations

import errno
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.compression import CompressionError, gunzip
from pipeline.errors import ItemError, RunError
from pipeline.readers import html, jsonl, txt, warc
from pipeline.readers.files import read_bytes
from pipeline.records import ItemFailure, RawArticle, unexpected
from pipeline.validate import ContentLimits, storable, validate_article

STAGE = "read"

Reader = Callable[[Path, bytes], Iterator[RawArticle | ItemFailure]]

READERS: dict[str, Reader] = {
    ".txt": txt.read_txt,
    ".html": html.read_html,
    ".htm": html.read_html,
    ".jsonl": jsonl.read_jsonl,
}
"""Reader for each file suffix (lower case)."""

StreamReader = Callable[[Path, ContentLimits], Iterator[RawArticle | ItemFailure]]

STREAM_READERS: dict[str, StreamReader] = {
    ".warc": warc.read_warc_file,
    ".warc.gz": warc.read_warc_file,
}
"""Readers that stream large files themselves, by (possibly compound) suffix."""


GZIP_SUFFIX = ".gz"


def _suffix(path: Path) -> str:
    """``.warc.gz`` for ``crawl.warc.gz``, ``.html.gz`` for ``page.html.gz``, else the last
    suffix; lower case."""
    compound = "".join(path.suffixes[-2:]).lower()
    if compound in STREAM_READERS or (compound.endswith(GZIP_SUFFIX)
                                      and compound.removesuffix(GZIP_SUFFIX) in READERS):
        return compound
    return path.suffix.lower()


def _reader(suffix: str) -> Reader | None:
    return READERS.get(suffix.removesuffix(GZIP_SUFFIX) if suffix.endswith(GZIP_SUFFIX)
                       else suffix)


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
    return suffix in STREAM_READERS or _reader(suffix) is not None


def is_streamed(path: Path) -> bool:
    """Whether ``path`` is an archive read as a stream (a WARC file), not held whole."""
    return _suffix(path) in STREAM_READERS


def supported_suffixes() -> list[str]:
    return sorted({*READERS, *(f"{s}{GZIP_SUFFIX}" for s in READERS), *STREAM_READERS})


@dataclass(slots=True)
class Discovery:
    """The files a set of input paths expands to."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    """Files inside directories whose suffix no reader handles; listed, not read."""
    hidden: int = 0
    """Hidden files and files in hidden directories (``.git``, ``.DS_Store``): not read."""
    unreadable: list[ItemFailure] = field(default_factory=list)
    """Entries that are not files to read: symlink loops, broken symlinks (quarantined)."""

    def skipped_summary(self) -> str:
        """What was not read and why, in one line (empty when everything is read)."""
        parts = []
        if self.skipped:
            kinds = Counter(p.suffix.lower() or p.name for p in self.skipped)
            listed = ", ".join(f"{n} {kind!r}" for kind, n in kinds.most_common(5))
            more = "…" if len(kinds) > 5 else ""
            parts.append(f"{len(self.skipped)} with no reader for their type ({listed}{more}; "
                         f"read are {', '.join(supported_suffixes())})")
        if self.hidden:
            parts.append(f"{self.hidden} hidden")
        for kind, n in Counter(f.error_type for f in self.unreadable).items():
            parts.append(f"{n} {_UNREADABLE[kind]}")
        return "; ".join(parts)


_UNREADABLE = {"SymlinkLoop": "symlink loops", "BrokenSymlink": "broken symlinks",
               "UnreadableFile": "unreadable entries"}


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
                    found.hidden += 1
                elif is_supported(child):
                    _add(found.files, seen, child)
                else:
                    found.skipped.append(child)
            found.unreadable += _dangling_links(path)
        else:
            _add(found.files, seen, path)
    return found


def _dangling_links(directory: Path) -> list[ItemFailure]:
    """Symlinks under ``directory`` that lead nowhere: ``rglob`` and ``is_file`` pass them
    over without a word, so they are reported here."""
    failures = []
    for link in sorted(p for p in directory.rglob("*") if p.is_symlink() and not p.exists()):
        if any(part.startswith(".") for part in link.relative_to(directory).parts):
            continue
        uri = link.absolute().as_uri()
        try:
            link.resolve(strict=True)
        except RuntimeError:  # Python 3.11 reports a loop this way
            failures.append(ItemFailure(uri, STAGE, "SymlinkLoop",
                                        f"symlink loop: {link} leads back to itself"))
        except OSError as exc:
            kind = "SymlinkLoop" if exc.errno == errno.ELOOP else "BrokenSymlink"
            failures.append(ItemFailure(uri, STAGE, kind, f"{link} points to "
                                        f"{os.readlink(link)!r}, which "
                                        + ("leads back to itself" if kind == "SymlinkLoop"
                                           else "does not exist")))
    return failures


def _add(files: list[Path], seen: set[Path], path: Path) -> None:
    resolved = path.resolve()
    if resolved not in seen:
        seen.add(resolved)
        files.append(resolved)


def read_file(path: Path, *, max_bytes: int, limits: ContentLimits | None = None
              ) -> Iterator[RawArticle | ItemFailure]:
    """Read one file with the reader for its suffix; every article is validated against
    ``limits``, and failures come back as ``ItemFailure``."""
    limits = limits or ContentLimits()
    for item in _read(path, max_bytes=max_bytes, limits=limits):
        if isinstance(item, ItemFailure):
            yield item
            continue
        try:
            yield validate_article(item, stage=STAGE, limits=limits)
        except ItemError as exc:
            yield ItemFailure(storable(item.source_uri), exc.stage, exc.error_type, exc.reason)


def _read(path: Path, *, max_bytes: int, limits: ContentLimits
          ) -> Iterator[RawArticle | ItemFailure]:
    uri = path.resolve().as_uri()
    suffix = _suffix(path)
    if suffix in STREAM_READERS:
        try:
            yield from STREAM_READERS[suffix](path, limits)
        except OSError as exc:
            yield ItemFailure(uri, STAGE, "UnreadableFile",
                              f"cannot read file: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 - the archive fails, the run goes on
            yield unexpected(uri, STAGE, exc)
        return
    reader = _reader(suffix)
    if reader is None:
        kind = path.suffix or path.name
        yield ItemFailure(uri, STAGE, "UnsupportedFormat",
                          f"no reader for '{kind}' files (supported: "
                          f"{', '.join(supported_suffixes())})")
        return
    try:
        content = read_bytes(path, max_bytes=max_bytes)
        if suffix.endswith(GZIP_SUFFIX):
            # Inflated within the same limit: what is held in memory is what the limit is for.
            content = gunzip(content, limit=max_bytes, setting="max_file_bytes")
        yield from reader(path, content)
    except ItemError as exc:
        yield ItemFailure(uri, exc.stage, exc.error_type, exc.reason)
    except CompressionError as exc:
        yield ItemFailure(uri, STAGE, exc.error_type, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one file's surprise is that file's failure
        yield unexpected(uri, STAGE, exc)

"""Undoing Content-Encoding in bounded steps, and reading Content-Type.

httpx's own decoders inflate each network chunk in one call: 64 KiB of gzipped zeros become
about 64 MB in memory before anyone can count them. :class:`BodyDecoder` never returns more than
:data:`PIECE` bytes per step, so the caller can stop a compression bomb at its limit with at most
one piece of overshoot.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

PIECE = 64 * 1024
"""Largest decoded piece produced at once."""

_IDENTITY = {"", "identity"}
_GZIP = {"gzip", "x-gzip"}
_DEFLATE = {"deflate"}


class UnsupportedEncoding(ValueError):
    """A Content-Encoding we cannot undo (``br``, ``zstd``, ``compress``...)."""


class CorruptEncoding(ValueError):
    """The compressed body is not valid for its Content-Encoding."""


class _ZlibStage:
    """One gzip or deflate layer, decoded incrementally with bounded output."""

    def __init__(self, name: str) -> None:
        self._gzip = name in _GZIP
        self._obj = zlib.decompressobj(self._wbits())
        self._started = False  # has the current stream (gzip member) produced or taken data?
        self._first_stream = True
        self._finished = False  # trailing bytes after the last stream are ignored

    def _wbits(self) -> int:
        return zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS

    def decode(self, data: bytes) -> Iterator[bytes]:
        buffer = data
        while not self._finished:
            if self._obj.eof:
                if not buffer:
                    return
                if not self._gzip:
                    self._finished = True  # bytes after a deflate stream: ignored
                    return
                # Another gzip member follows (concatenated gzip files are one valid stream).
                self._obj = zlib.decompressobj(self._wbits())
                self._started = False
                self._first_stream = False
            try:
                out = self._obj.decompress(buffer, PIECE)
            except zlib.error as exc:
                if not self._started and not self._first_stream:
                    self._finished = True  # garbage after the last member, as httpx ignores it
                    return
                if self._gzip or self._started:
                    kind = "gzip" if self._gzip else "deflate"
                    raise CorruptEncoding(f"corrupt {kind} data: {exc}") from exc
                # "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate.
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                continue
            self._started = True
            if out:
                yield out
            if self._obj.eof:
                buffer = self._obj.unused_data
                continue
            buffer = self._obj.unconsumed_tail
            # A full piece with no input left may still leave output pending inside zlib.
            if not buffer and len(out) < PIECE:
                return

    def flush(self) -> Iterator[bytes]:
        # A truncated stream simply ends here, as with httpx: what arrived is kept.
        yield from self.decode(b"")


class BodyDecoder:
    """Undoes a ``Content-Encoding`` header value such as ``gzip`` or ``deflate, gzip``."""

    def __init__(self, content_encoding: str | None) -> None:
        names = [part.strip().lower() for part in (content_encoding or "").split(",")]
        stages = []
        # Codings are listed in the order they were applied; undo them from the last one.
        for name in reversed(names):
            if name in _IDENTITY:
                continue
            if name in _GZIP or name in _DEFLATE:
                stages.append(_ZlibStage(name))
            else:
                raise UnsupportedEncoding(f"the Content-Encoding {name!r} is not supported")
        self._stages = stages

    @property
    def identity(self) -> bool:
        """True when the body is not encoded (decoded bytes are the wire bytes)."""
        return not self._stages

    def decode(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces (each at most :data:`PIECE` bytes) for the next wire chunk."""
        return self._through(0, [data])

    def flush(self) -> Iterator[bytes]:
        """Whatever is still pending once the wire body has ended."""
        for index, stage in enumerate(self._stages):
            yield from self._through(index + 1, stage.flush())

    def _through(self, index: int, pieces: Iterator[bytes] | list[bytes]) -> Iterator[bytes]:
        if index == len(self._stages):
            yield from (piece for piece in pieces if piece)
            return
        stage = self._stages[index]
        for piece in pieces:
            yield from self._through(index + 1, stage.decode(piece))


def parse_content_type(value: str | None) -> tuple[str | None, dict[str, str]]:
    """The lower-cased media type and the parameters of a Content-Type value.

    ``'Text/HTML; charset="UTF-8"'`` gives ``('text/html', {'charset': 'UTF-8'})``; a missing or
    empty value gives ``(None, {})``.
    """
    if not value:
        return None, {}
    media_type, *params = value.split(";")
    parameters = {}
    for param in params:
        name, sep, raw = param.partition("=")
        if sep:
            parameters[name.strip().lower()] = raw.strip().strip('"')
    return (media_type.strip().lower() or None), parameters

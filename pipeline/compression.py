"""Gzip content inflated in bounded steps: a page, a sitemap or a file that is itself a gzip
file never becomes more than its limit in memory, however small it is on disk or on the wire
(a few hundred kilobytes of gzip can hold gigabytes of whitespace).

The fetcher undoes ``Content-Encoding`` with its own bounded decoder
(:mod:`pipeline.fetch.decoding`); this module covers what is left: bodies and files that are
gzip files as such, and gzip files inside those.
"""

from __future__ import annotations

import zlib

GZIP_MAGIC = b"\x1f\x8b"

MAX_LAYERS = 3
"""Gzip inside gzip is undone this many times at most; deeper nesting is refused."""


class CompressionError(ValueError):
    """Gzip content that cannot be inflated within the limits; ``error_type`` says why
    (``DecompressionLimit``, ``CorruptGzip``, ``NestedCompression``)."""

    def __init__(self, reason: str, *, error_type: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error_type = error_type


def is_gzip(content: bytes) -> bool:
    return content.startswith(GZIP_MAGIC)


def gunzip(content: bytes, *, limit: int, setting: str = "max_decompressed_bytes") -> bytes:
    """One gzip layer (concatenated members included) inflated to at most ``limit`` bytes.

    Never holds more than ``limit`` + one step of output: past the limit it stops and raises
    ``DecompressionLimit`` naming ``setting``; a truncated or corrupt stream is ``CorruptGzip``.
    """
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    chunks: list[bytes] = []
    size = 0
    pending = content
    try:
        while True:
            chunk = decompressor.decompress(pending, limit + 1 - size)
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise CompressionError(
                    f"gzip content decompresses to more than {limit:,} bytes (setting "
                    f"{setting}; possible decompression bomb); refused",
                    error_type="DecompressionLimit")
            if decompressor.eof:
                # Concatenated gzip members form one stream (what `cat a.gz b.gz` makes).
                pending = decompressor.unused_data
                if not pending.startswith(GZIP_MAGIC):
                    break
                decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                continue
            pending = decompressor.unconsumed_tail
            if not pending:
                # Output was not capped, so the input simply ran out before the gzip trailer.
                raise CompressionError("gzip content is truncated", error_type="CorruptGzip")
    except zlib.error as exc:
        raise CompressionError(f"gzip content is corrupt: {exc}",
                               error_type="CorruptGzip") from exc
    return b"".join(chunks)


def gunzip_layers(content: bytes, *, limit: int,
                  setting: str = "max_decompressed_bytes") -> bytes:
    """``content`` with every gzip layer undone, each bounded by ``limit``; content that is
    not gzip comes back as it is."""
    for _layer in range(MAX_LAYERS):
        if not is_gzip(content):
            return content
        content = gunzip(content, limit=limit, setting=setting)
    if is_gzip(content):
        raise CompressionError(f"gzip nested more than {MAX_LAYERS} levels deep; refused",
                               error_type="NestedCompression")
    return content

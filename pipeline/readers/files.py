"""File access shared by the readers: size limits, binary detection, strict UTF-8 decoding."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ItemError

STAGE = "read"


def read_bytes(path: Path, *, max_bytes: int) -> bytes:
    """The file's bytes, refusing files that are unreadable or larger than ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ItemError(STAGE, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit "
                                   "(setting max_file_bytes)", error_type="FileTooLarge")
        return path.read_bytes()
    except OSError as exc:
        raise ItemError(STAGE, f"cannot read file: {exc.strerror or exc}",
                        error_type="UnreadableFile") from exc


def decode_text(content: bytes) -> str:
    """Decode a text file as UTF-8 (a BOM is allowed), refusing binary data with a clear reason."""
    if not content.strip():
        raise ItemError(STAGE, "file is empty", error_type="EmptyInput")
    if b"\x00" in content[:8192]:
        raise ItemError(STAGE, "file looks binary (contains NUL bytes), not text",
                        error_type="BinaryInput")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ItemError(
            STAGE,
            f"not valid UTF-8: byte 0x{content[exc.start]:02x} at offset {exc.start} "
            "(re-encode the file as UTF-8)",
            error_type="InvalidEncoding",
        ) from exc

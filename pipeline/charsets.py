"""Page bytes to text: the HTTP charset, then UTF-8, then ``<meta charset>``, then detection.

The order follows the HTML standard's encoding sniffing, with one deliberate change: bytes that
are valid UTF-8 are read as UTF-8 even when a ``<meta>`` tag names a legacy charset, because
CMS templates often declare ISO-8859-1 on UTF-8 pages, and multi-byte UTF-8 sequences almost
never occur by chance in legacy text. Detection (charset-normalizer) often cannot tell the
Windows code pages apart on Latin-script text; on such a tie windows-1252 wins, as it is the
standard's fallback for undeclared pages.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_PRESCAN_BYTES = 4096
"""The HTML standard's prescan reads the first 1024 bytes; some pages put the tag later."""

_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)

_DETECTION_SAMPLE = 20_000
"""Bytes handed to detection (the start and the end of a long page)."""

_FALLBACK = "cp1252"


def declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` tag names."""
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return _known(match[1].decode("ascii")) if match else None


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    """Decode page bytes; undecodable bytes are replaced, never fatal."""
    return decode_page(data, http_charset)[0]


def decode_page(data: bytes, http_charset: str | None = None) -> tuple[str, str | None]:
    """The page's text, and the HTTP charset when it was refused because it does not fit the
    bytes (``None`` when it fitted or none was declared).

    A server's charset wins, as the standard says, unless it plainly does not fit: a
    ``charset=utf-8`` on a windows-1252 body, a ``charset=utf-16`` on ASCII markup. Then the
    page is decoded as if no charset had been sent.
    """
    charset = _known(http_charset)
    refused = None
    if charset is not None:
        text = _fitting(data, charset)
        if text is not None:
            return text, None
        refused = charset
    try:
        return data.decode("utf-8"), refused
    except UnicodeDecodeError:
        pass
    charset = declared_charset(data) or detected_charset(data)
    return data.decode(charset, errors="replace"), refused


_MAX_BAD_SHARE = 0.001
"""Undecodable bytes a declared single-byte charset may leave (one in a thousand characters)
before it is taken for a wrong declaration."""


def _fitting(data: bytes, charset: str) -> str | None:
    """``data`` decoded with ``charset`` when that charset plausibly is the page's own."""
    text = data.decode(charset, errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if "<" in data[:_PRESCAN_BYTES].decode("latin-1") and "<" not in text[:_PRESCAN_BYTES]:
        return None  # markup that this charset turns into something else (UTF-16 on ASCII)
    if bad <= 0:
        return text
    if charset == "utf-8":
        # Stray bad bytes among more valid multi-byte sequences are damage to a UTF-8 page;
        # more bad bytes than valid sequences are a legacy encoding under a wrong label.
        multibyte = sum(1 for character in text if ord(character) > 0x7F) - bad
        return text if multibyte >= bad else None
    return text if bad <= _MAX_BAD_SHARE * len(text) else None


def detected_charset(data: bytes) -> str:
    """charset-normalizer's best guess; windows-1252 among equally good guesses."""
    sample = data if len(data) <= _DETECTION_SAMPLE else (
        data[:_DETECTION_SAMPLE // 2] + data[-_DETECTION_SAMPLE // 2:])
    matches = from_bytes(sample, preemptive_behaviour=False)
    best = matches.best()
    if best is None:
        return _FALLBACK
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any(_FALLBACK in (_known(name) for name in m.could_be_from_charset) for m in tied):
        return _FALLBACK
    return _known(best.encoding) or _FALLBACK


def _known(name: str | None) -> str | None:
    """Python's name for a charset label, or None for a label Python does not know."""
    if not name or not name.strip():
        return None
    label = name.strip().lower()
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        label = "windows-1252"  # the HTML standard reads these labels as windows-1252
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None

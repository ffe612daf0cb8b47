"""Splitting long texts for spaCy, at paragraph or sentence boundaries, never mid-word."""

from __future__ import annotations

import re

_BOUNDARIES = (re.compile(r"\n\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?])\s+"),
               re.compile(r"\s+"))


def split_text(text: str, max_chars: int) -> list[tuple[int, str]]:
    """Chunks of at most ``max_chars`` as ``(offset, chunk)``; ``text[offset:]`` starts each one.

    Splits at the last paragraph break before the limit, else the last line break, sentence end
    or space; a run of ``max_chars`` with no whitespace at all is cut hard.
    """
    chunks: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start:start + max_chars]
        cut = None
        for boundary in _BOUNDARIES:
            ends = [m.end() for m in boundary.finditer(window) if m.start() > 0]
            if ends:
                cut = ends[-1]
                break
        cut = cut or max_chars
        chunks.append((start, text[start:start + cut]))
        start += cut
    if start < len(text):
        chunks.append((start, text[start:]))
    return chunks

"""Plain-text articles in the seed layout.

The layout (see ``seeds/000_ec5e55c82fc7c8bb.txt``)::

    September, Friday 20, 2024      <- dateline
                                    <- blank lines
    Title of the article
                                    <- blank lines
    HN9XqUMiCP8pEQf.png             <- optional image file name
                                    <- blank lines
    Body paragraphs ...

Files without a dateline are read too: a short first paragraph becomes the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.dates import date_to_utc, parse_dateline
from pipeline.readers.files import decode_text
from pipeline.records import ItemFailure, RawArticle

_IMAGE_LINE = re.compile(r"^[\w.\-/]+\.(?:png|jpe?g|gif|webp|svg|avif|bmp|tiff?)$", re.IGNORECASE)
_MAX_TITLE_CHARS = 300


def read_txt(path: Path, content: bytes) -> Iterator[RawArticle | ItemFailure]:
    """One article per ``.txt`` file."""
    yield parse_txt_article(decode_text(content), source_uri=path.resolve().as_uri())


def parse_txt_article(text: str, *, source_uri: str) -> RawArticle:
    """Split a seed-layout text into dateline, title, image and body."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    blocks = [block for block in blocks if block]
    published = None
    if blocks and "\n" not in blocks[0]:
        published = parse_dateline(blocks[0])
        if published is not None:
            blocks = blocks[1:]
    title = None
    if len(blocks) > 1 and "\n" not in blocks[0] and len(blocks[0]) <= _MAX_TITLE_CHARS:
        title, blocks = blocks[0], blocks[1:]
    image = None
    if blocks and _IMAGE_LINE.match(blocks[0]):
        image, blocks = blocks[0], blocks[1:]
    return RawArticle(
        source_uri=source_uri,
        format="txt",
        text="\n\n".join(blocks),
        title=title,
        published_at=date_to_utc(published) if published else None,
        published_at_source="dateline" if published else None,
        published_date=published,
        image=image,
    )

"""Entities: canonical entities from spaCy's entity spans (see :mod:`.canonical`).

Works on documents :mod:`pipeline.parsing` has already parsed; the same documents go to the
event coder, so an article is parsed once for both.
"""

from __future__ import annotations

from pipeline.entities.canonical import Candidate, candidates_from_doc, resolve_mentions
from pipeline.gazetteer import Gazetteer
from pipeline.parsing import ParsedArticle
from pipeline.records import Mention

__all__ = ["entity_mentions"]

STAGE = "entities"


def entity_mentions(parsed: ParsedArticle, gazetteer: Gazetteer) -> list[Mention]:
    """Every entity mention of one parsed article (title and body), with its canonical
    entity."""
    found: list[Candidate] = []
    if parsed.title is not None:
        found += candidates_from_doc(parsed.title, gazetteer, section="title")
    for body in parsed.bodies:
        found += candidates_from_doc(body.doc, gazetteer, char_offset=body.char_offset,
                                     sentence_offset=body.sentence_offset, section="body")
    return resolve_mentions(found, gazetteer)

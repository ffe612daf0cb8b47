"""Entities: spaCy NER over batches, then canonical entities (see :mod:`.canonical`).

The same parsed texts feed the event coder (:mod:`pipeline.events`) when one is given, so an
article is parsed once for both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from spacy.language import Language

from pipeline.entities.canonical import (
    Candidate,
    candidates_from_doc,
    resolve_mentions,
    sentences,
)
from pipeline.entities.chunks import split_text
from pipeline.entities.gazetteer import Gazetteer
from pipeline.entities.model import load_model
from pipeline.events import BodyDoc, code_article
from pipeline.records import AnalyzedArticle, Article, ItemFailure, StageResult

if TYPE_CHECKING:
    from pipeline.events.coder import EventCoder

__all__ = ["Gazetteer", "extract_entities", "load_model"]

STAGE = "entities"

_Job = tuple[str, tuple[int, str, int]]


_DATELINE = re.compile(r"^[A-Z][A-Z .,'\-]{1,40}(?:\([^)\n]{1,40}\))? +[—–-]{1,2} +",
                       re.MULTILINE)
"""Wire-style datelines ("PARIS — ", "KINSHASA (Reuters) — ") opening a paragraph."""


def _without_datelines(text: str) -> str:
    """The text with paragraph-opening datelines blanked out, offsets unchanged: the parser
    would otherwise take "PARIS" for the subject of the sentence after it."""
    return _DATELINE.sub(lambda m: " " * len(m[0]), text)


def _jobs(articles: list[Article], max_chunk_chars: int) -> Iterator[_Job]:
    """Texts for spaCy with their context: (article index, section, char offset)."""
    for index, article in enumerate(articles):
        if article.title:
            yield article.title, (index, "title", 0)
        for offset, chunk in split_text(article.text, max_chunk_chars):
            yield _without_datelines(chunk), (index, "body", offset)


def _candidates(articles: list[Article], nlp: Language, gazetteer: Gazetteer, *,
                max_chunk_chars: int, batch_size: int, n_process: int,
                keep_docs: bool) -> tuple[dict[int, list[Candidate]], dict[int, list[BodyDoc]]]:
    found: dict[int, list[Candidate]] = defaultdict(list)
    bodies: dict[int, list[BodyDoc]] = defaultdict(list)
    sentences_seen: dict[int, int] = defaultdict(int)
    docs = nlp.pipe(_jobs(articles, max_chunk_chars), as_tuples=True, batch_size=batch_size,
                    n_process=n_process)
    for doc, (index, section, offset) in docs:
        sentence_offset = sentences_seen[index] if section == "body" else 0
        found[index].extend(candidates_from_doc(doc, gazetteer, char_offset=offset,
                                                sentence_offset=sentence_offset,
                                                section=section))
        if section == "body":
            if keep_docs:
                bodies[index].append(BodyDoc(doc, offset, sentence_offset))
            sentences_seen[index] += len(sentences(doc))
    return found, bodies


def extract_entities(articles: list[Article], nlp: Language, gazetteer: Gazetteer, *,
                     max_chunk_chars: int = 100_000, batch_size: int = 32,
                     n_process: int = 1,
                     event_coder: EventCoder | None = None) -> StageResult[AnalyzedArticle]:
    """Mentions with canonical entities (and, with an ``event_coder``, events) for a batch.

    The batch goes through ``nlp.pipe`` in one stream; if that fails, each article is retried
    alone so one bad article is quarantined and the others still get their entities.
    """
    result: StageResult[AnalyzedArticle] = StageResult()
    # Whatever the setting, no chunk may reach the model's own limit, where spaCy raises.
    chunk_limit = max(1, min(max_chunk_chars, nlp.max_length - 1))
    options = {"max_chunk_chars": chunk_limit, "batch_size": batch_size,
               "keep_docs": event_coder is not None}
    try:
        found, bodies = _candidates(articles, nlp, gazetteer, n_process=n_process, **options)
    except Exception:  # noqa: BLE001 - isolate the article at fault below, one by one
        found, bodies = {}, {}
        for index, article in enumerate(articles):
            try:
                one, one_body = _candidates([article], nlp, gazetteer, n_process=1, **options)
                found[index], bodies[index] = one.get(0, []), one_body.get(0, [])
            except Exception as exc:  # noqa: BLE001 - quarantined with its reason
                result.failed.append(ItemFailure(article.raw.source_uri, STAGE,
                                                 type(exc).__name__, str(exc) or repr(exc)))
    failed = {f.source_uri for f in result.failed}
    for index, article in enumerate(articles):
        if article.raw.source_uri in failed:
            continue
        mentions = resolve_mentions(found.get(index, []), gazetteer)
        analysed = AnalyzedArticle(article=article, mentions=mentions)
        if event_coder is not None:
            try:
                analysed.events = code_article(event_coder, bodies.get(index, []), mentions,
                                               anchor=_anchor(article))
            except Exception as exc:  # noqa: BLE001 - one article's parse must not sink the batch
                result.failed.append(ItemFailure(article.raw.source_uri, "events",
                                                 type(exc).__name__, str(exc) or repr(exc)))
                continue
        result.ok.append(analysed)
    return result


def _anchor(article: Article) -> date | None:
    """The day relative dates in the article count from."""
    raw = article.raw
    if raw.published_date is not None:
        return raw.published_date
    return raw.published_at.date() if raw.published_at else None

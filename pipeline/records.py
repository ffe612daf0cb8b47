"""The records that flow between stages.

Plain dataclasses so every stage is a function from a list of records to a list of records,
testable without Prefect or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class FetchedDocument:
    """A web response as fetched, kept so the article can be re-extracted without refetching."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    fetched_at: datetime
    body: bytes


@dataclass(slots=True)
class SourceRef:
    """The feed or sitemap entry an article came from, for incremental runs."""

    source_key: str
    """``feed:<url>`` or ``sitemap:<url>``."""
    item_key: str
    """The entry id or ``<loc>``."""
    version: str | None = None
    """The entry's date or ``lastmod`` as seen: a new version is fetched again."""


@dataclass(slots=True)
class RawArticle:
    """An article as a reader found it, before cleaning."""

    source_uri: str
    """Where it was read from: a ``file://`` URI (with ``#line=N`` for JSONL) or a fetched URL."""
    format: str
    """Which reader produced it (``txt``, ``html``, ``jsonl``)."""
    text: str
    url: str | None = None
    title: str | None = None
    author: str | None = None
    site_name: str | None = None
    published_at: datetime | None = None
    published_at_source: str | None = None
    """Where ``published_at`` came from: ``dateline``, ``jsonl``, ``json-ld``, ``meta`` or
    ``htmldate``."""
    published_date: date | None = None
    """The publisher's calendar date (a UTC instant can fall on the next or previous day)."""
    modified_at: datetime | None = None
    language: str | None = None
    """The language the source declares, if any; cleaning detects it when absent."""
    image: str | None = None
    source_name: str | None = None
    fetched_at: datetime | None = None
    document: FetchedDocument | None = None
    seen_urls: tuple[str, ...] = ()
    """Every URL this article was reached at (requested, after redirects, canonical)."""
    source_ref: SourceRef | None = None
    extracted: bool = False
    """The text was extracted from a page (HTML), not handed over by the publisher (a ``.txt``
    file, a JSONL ``text`` field): only extracted text is held to ``min_words``."""


@dataclass(slots=True)
class Article:
    """A cleaned article, ready for NLP and loading."""

    raw: RawArticle
    text: str
    content_hash: str
    word_count: int
    language: str | None
    title: str | None


@dataclass(slots=True)
class Mention:
    """One entity mention in an article, already resolved to its canonical entity."""

    text: str
    label: str
    start_char: int
    end_char: int
    sentence_index: int
    section: str
    """``title`` or ``body``: offsets are into the article's title or its text."""
    entity_name: str
    entity_type: str
    country_code: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """One side of an event."""

    code: str
    """``CHNGOV``, ``USA``, ``IGO``, ``TURCOP``; a bare role (``COP``) when no country is known."""
    country: str | None
    role: str | None
    text: str
    entity_name: str | None = None
    entity_type: str | None = None


@dataclass(slots=True)
class CodedEvent:
    """One event found in one sentence."""

    sentence_index: int
    start_char: int
    end_char: int
    evidence: str
    trigger: str
    cameo_code: str
    cameo_root: str
    quad_class: int
    goldstein: float
    plover_type: str | None
    """None for CAMEO root 01 (public statements), which PLOVER 2.0 dropped."""
    plover_mode: str | None
    actor1: Actor
    actor2: Actor | None
    negated: bool
    modality: str
    event_date: date | None
    location_name: str | None
    location_type: str | None
    confidence: float
    nominal: bool = False
    """Stated by a noun ("Putin's meeting with Kim") rather than a verb."""
    rule: str = ""
    """The coder rule that produced the event (provenance; see ``pipeline.events.rules``)."""


@dataclass(slots=True)
class AnalyzedArticle:
    """An article with its mentions and events; what the loader takes."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    events: list[CodedEvent] = field(default_factory=list)
    analysed: bool = True
    """False for an article in a language the NLP stage does not read (loaded without
    mentions and events)."""


@dataclass(slots=True)
class ItemFailure:
    """An article that failed at one stage; loaded into ``ingest_errors``."""

    source_uri: str
    stage: str
    error_type: str
    message: str


def unexpected(source_uri: str, stage: str, exc: BaseException) -> ItemFailure:
    """An exception nobody planned for, as the failure of the one item it happened to: its
    type and the first line of its message (a bug to report, not a reason to stop a run)."""
    lines = str(exc).strip().splitlines()
    detail = lines[0] if lines else repr(exc)
    return ItemFailure(source_uri, stage, type(exc).__name__,
                       f"unexpected error: {detail}"[:2000])


@dataclass(slots=True)
class StageResult(Generic[T]):
    """What a stage returns for a batch: the items that passed and the ones that failed."""

    ok: list[T] = field(default_factory=list)
    failed: list[ItemFailure] = field(default_factory=list)

"""The database schema as SQLAlchemy 2 models.

Table and column names are a contract that analysts' queries rely on; change them only through
an Alembic migration in ``db/migrations`` (a test checks that models and migrations agree).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored in UTC on every backend.

    SQLite has no time zone type, so values are stored as naive UTC there and come back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: newsflow stores aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PipelineRun(Base):
    """One row per flow run: what it was asked to do, how it went, and its counts."""

    __tablename__ = "pipeline_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    flow_name: Mapped[str] = mapped_column(String(100))
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pipeline_version: Mapped[str] = mapped_column(String(40))
    read_count: Mapped[int] = mapped_column(Integer, default=0)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    """The named source a scheduled run or backfill window worked on."""
    event_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    near_duplicate_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stage_seconds: Mapped[dict[str, float] | None] = mapped_column(JSON)
    """Wall time per stage (``read``, ``fetch``, ``clean``, ``entities+events``, ``load``)."""
    holder: Mapped[str | None] = mapped_column(String(100))
    """``host:pid``: the process running it, checked like a lease holder to tell a run whose
    process died (status ``abandoned``) from one still going."""
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Last sign of life (each batch); a run on another host silent for ``lease_seconds`` is
    abandoned."""


class Source(Base):
    """A named source: what schedules, backfills, watermarks and reports refer to."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    """``feed``, ``sitemap``, ``urls`` (a file of URLs), ``path`` (a directory) or ``warc``
    (a glob of WARC files)."""
    location: Mapped[str] = mapped_column(Text)
    schedule: Mapped[str | None] = mapped_column(String(100))
    """An interval (``15m``, ``6h``, ``1d``) or a cron expression; NULL: not scheduled."""
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When a run of this source last finished (any status)."""


class SourceLease(Base):
    """At most one active run per source: a run holds the lease until it ends or it expires.

    A row in the database, not an in-process flag, so runs in other processes and on other
    machines see it; the expiry frees a source whose run was killed without releasing it.
    """

    __tablename__ = "source_leases"

    source_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BackfillWindow(Base):
    """One time window of a backfill, with its status and completeness ledger."""

    __tablename__ = "backfill_windows"
    __table_args__ = (UniqueConstraint("source_id", "window_start", "window_end"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    """Exclusive."""
    status: Mapped[str] = mapped_column(String(10), index=True)
    """``pending``, ``running``, ``done``, ``partial`` (a cap left items for the next run) or
    ``failed``."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    listed: Mapped[int] = mapped_column(Integer, default=0)
    """Items the source listed in the window."""
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    """Items read or fetched (304 Not Modified counts as fetched)."""
    loaded: Mapped[int] = mapped_column(Integer, default=0)
    """New articles loaded."""
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    """Items that were already in the database (same URL or same text)."""
    failed: Mapped[int] = mapped_column(Integer, default=0)
    """Items that failed at some stage, including items listed but never accounted for."""
    run_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("pipeline_runs.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str | None] = mapped_column(Text)


class Article(Base):
    """One article; unique by content hash and by URL."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_uri: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text, unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    site_name: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    published_at_source: Mapped[str | None] = mapped_column(String(40))
    published_date: Mapped[date | None] = mapped_column(Date, index=True)
    """The publisher's calendar date; ``published_at`` in UTC can fall on the day after."""
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    word_count: Mapped[int] = mapped_column(Integer)
    image: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pipeline_version: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[int | None] = mapped_column(Id, ForeignKey("pipeline_runs.id"), index=True)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    raw_document_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("raw_documents.id"), index=True)
    duplicate_of: Mapped[int | None] = mapped_column(Id, ForeignKey("articles.id"), index=True)
    """The earlier article this one is a near-duplicate of (the same wire story elsewhere)."""
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    """MinHash signature of the text (see ``pipeline/dedup.py``); NULL for very short texts."""
    source_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    """The named source (``newsflow sources add``) the article came from, if any."""


class ArticleUrl(Base):
    """Every URL an article was seen at: its own, redirects, and other sites' copies."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        Id, ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ArticleLshBand(Base):
    """One LSH band hash of an article's MinHash signature: the near-duplicate index."""

    __tablename__ = "article_lsh_bands"
    __table_args__ = (Index("ix_article_lsh_bands_band_hash", "band", "hash"),)

    article_id: Mapped[int] = mapped_column(
        Id, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger)


class RawDocument(Base):
    """A fetched response, kept compressed so articles can be re-extracted without refetching."""

    __tablename__ = "raw_documents"
    __table_args__ = (UniqueConstraint("url", "body_sha256"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body_sha256: Mapped[str] = mapped_column(String(64))
    body_bytes: Mapped[int] = mapped_column(Integer)
    compression: Mapped[str] = mapped_column(String(10))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class UrlState(Base):
    """Conditional-GET validators and the last outcome per fetched URL."""

    __tablename__ = "url_state"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    article_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("articles.id", ondelete="SET NULL"))


class InputFile(Base):
    """A local input file whose every article was loaded (none failed), with what identified
    its contents then: a later run skips it unread while its size and modification time (or,
    failing those, its SHA-256) are the same and its articles are still stored."""

    __tablename__ = "input_files"

    source_uri: Mapped[str] = mapped_column(Text, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    article_ids: Mapped[list[int]] = mapped_column(JSON)
    run_id: Mapped[int | None] = mapped_column(Id)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SourceItem(Base):
    """What a feed or sitemap listed and newsflow has handled, with the version it saw
    (entry date, ``lastmod``): an item is fetched again only when its version changes."""

    __tablename__ = "source_items"

    source_key: Mapped[str] = mapped_column(Text, primary_key=True)
    item_key: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    article_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("articles.id", ondelete="SET NULL"))


class Entity(Base):
    """A canonical entity, one row across all articles, keyed by type and canonical name."""

    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("type", "name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(400))
    type: Mapped[str] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(String(3), index=True)
    pipeline_version: Mapped[str | None] = mapped_column(String(40))
    """The version that last wrote this entity."""


class EntityAlias(Base):
    """A surface form an entity was seen under (``US``, ``U.S.``, ``Chinese``, ``Wang``)."""

    __tablename__ = "entity_aliases"
    __table_args__ = (UniqueConstraint("entity_id", "alias"),
                      Index("ix_entity_aliases_alias", "alias"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entity_id: Mapped[int] = mapped_column(Id, ForeignKey("entities.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(400))


class EntityForm(Base):
    """A person's or organization's name as an article resolved it on its own (``Trump``,
    ``Donald J. Trump``), and the entity it is across articles (``Donald Trump``).

    Cross-article resolution decides from the forms and their mention counts, never from the
    order articles came in, and re-points a form's mentions when its entity changes (see
    :mod:`pipeline.entities.store`)."""

    __tablename__ = "entity_forms"
    __table_args__ = (UniqueConstraint("type", "name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(400))
    first_word: Mapped[str] = mapped_column(String(400), index=True)
    """Lower-case first and last word: the forms that can decide each other share one."""
    last_word: Mapped[str] = mapped_column(String(400), index=True)
    entity_id: Mapped[int] = mapped_column(Id, ForeignKey("entities.id"), index=True)
    country_code: Mapped[str | None] = mapped_column(String(3))
    """The country articles gave this form (the first in alphabetical order when they
    disagree, so the order of loading does not matter)."""


class Mention(Base):
    """One mention of an entity in an article's title or text."""

    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        Id, ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[int] = mapped_column(Id, ForeignKey("entities.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    """The mention as written (``articles.text[start_char:end_char]``, or the title's)."""
    label: Mapped[str] = mapped_column(String(20))
    section: Mapped[str] = mapped_column(String(10))
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    sentence_index: Mapped[int] = mapped_column(Integer)
    pipeline_version: Mapped[str] = mapped_column(String(40))
    form_id: Mapped[int | None] = mapped_column(Id, ForeignKey("entity_forms.id"), index=True)
    """The name the article gave a person or organization, when it is resolved across
    articles; NULL for places and other types."""


OPEN_ERROR = sql_text("status = 'open'")


class IngestError(Base):
    """The quarantine: an item that failed at one stage, with the reason. At most one open row
    per item: another failure of the same item updates it (``attempts``, ``last_attempt_at``,
    the latest stage, reason and run)."""

    __tablename__ = "ingest_errors"
    __table_args__ = (Index("uq_ingest_errors_item_key_open", "item_key", unique=True,
                            sqlite_where=OPEN_ERROR, postgresql_where=OPEN_ERROR),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(Id, ForeignKey("pipeline_runs.id"), index=True)
    """The run that last attempted the item (the first failure is ``created_at``)."""
    source_uri: Mapped[str] = mapped_column(Text)
    item_key: Mapped[str] = mapped_column(String(64))
    """sha256 of ``source_uri``: the item, in a key short enough for a unique index."""
    stage: Mapped[str] = mapped_column(String(40))
    error_type: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open",
                                        index=True)
    """``open`` until a retry gets the item through (``resolved``)."""
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("sources.id", ondelete="SET NULL"), index=True)


class EventCluster(Base):
    """One real-world event as several articles report it: the same actors, code and day,
    with GDELT's coverage counts."""

    __tablename__ = "event_clusters"
    __table_args__ = (UniqueConstraint("actor1_code", "actor2_code", "cameo_code", "event_date"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    actor1_code: Mapped[str] = mapped_column(String(16))
    actor2_code: Mapped[str] = mapped_column(String(16))
    """Empty when the event has no target (a denial, a statement)."""
    cameo_code: Mapped[str] = mapped_column(String(4))
    event_date: Mapped[date] = mapped_column(Date, index=True)
    num_mentions: Mapped[int] = mapped_column(Integer, default=0)
    num_articles: Mapped[int] = mapped_column(Integer, default=0)
    num_sources: Mapped[int] = mapped_column(Integer, default=0)


class Event(Base):
    """Who did what to whom, when and where, as one sentence of one article states it."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        Id, ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    sentence_index: Mapped[int] = mapped_column(Integer)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(Text)
    cameo_code: Mapped[str] = mapped_column(String(4), index=True)
    """CAMEO event code as a string, leading zeros kept (``042``, ``0311``)."""
    cameo_root: Mapped[str] = mapped_column(String(2), index=True)
    quad_class: Mapped[int] = mapped_column(SmallInteger)
    goldstein: Mapped[float] = mapped_column(Float)
    plover_type: Mapped[str | None] = mapped_column(String(16), index=True)
    """PLOVER 2.0 type; NULL for CAMEO root 01 (public statements), which PLOVER dropped."""
    plover_mode: Mapped[str | None] = mapped_column(String(40))
    actor1_entity_id: Mapped[int | None] = mapped_column(Id, ForeignKey("entities.id"), index=True)
    actor1_code: Mapped[str] = mapped_column(String(16), index=True)
    actor2_entity_id: Mapped[int | None] = mapped_column(Id, ForeignKey("entities.id"), index=True)
    actor2_code: Mapped[str | None] = mapped_column(String(16), index=True)
    location_entity_id: Mapped[int | None] = mapped_column(Id, ForeignKey("entities.id"))
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    negated: Mapped[bool] = mapped_column(Boolean)
    modality: Mapped[str] = mapped_column(String(12))
    """``asserted``, ``future`` or ``hypothetical``."""
    confidence: Mapped[float] = mapped_column(Float)
    rule: Mapped[str | None] = mapped_column(String(100), index=True)
    """The coder rule that produced the event, then any recoding applied to it
    (``verb_event+refusal``); see ``pipeline/events/rules.py``. NULL for rows coded before
    the column existed."""
    cluster_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("event_clusters.id"), index=True)
    pipeline_version: Mapped[str] = mapped_column(String(40))
    actor1_country: Mapped[str | None] = mapped_column(String(3), index=True)
    """ISO 3166-1 alpha-3 country of actor 1, read from its code (``KSVGOV`` → ``XKX``);
    NULL for actors with no country (``IGO``, regions such as ``WST``, bare roles)."""
    actor2_country: Mapped[str | None] = mapped_column(String(3), index=True)
    """ISO 3166-1 alpha-3 country of actor 2, as ``actor1_country``."""


class QuadClass(Base):
    """Lookup: GDELT's four QuadClasses, the coarsest grouping of CAMEO codes."""

    __tablename__ = "quad_classes"

    code: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(40))
    cameo_roots: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)


class PloverType(Base):
    """Lookup: the 16 PLOVER 2.0 event types."""

    __tablename__ = "plover_types"

    type: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    """Order in the PLOVER manual (cooperation first, violence last)."""
    description: Mapped[str] = mapped_column(Text)


class CameoCode(Base):
    """Lookup: every CAMEO event code with its names, parents, QuadClass, Goldstein value and
    PLOVER type (``pipeline/events/data/cameo_codes.tsv``)."""

    __tablename__ = "cameo_codes"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    base_code: Mapped[str] = mapped_column(String(3), index=True)
    """GDELT's EventBaseCode: the three-digit parent of a four-digit code, else the code."""
    root_code: Mapped[str] = mapped_column(String(2), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    """1 for a root (``04``), 2 for a three-digit code, 3 for a four-digit one."""
    quad_class: Mapped[int] = mapped_column(SmallInteger, ForeignKey("quad_classes.code"))
    goldstein: Mapped[float] = mapped_column(Float)
    plover_type: Mapped[str | None] = mapped_column(String(16), ForeignKey("plover_types.type"))
    plover_mode: Mapped[str | None] = mapped_column(String(40))


class Country(Base):
    """Lookup: one row per country with its ISO, CAMEO and FIPS codes
    (``pipeline/data/country_codes.tsv``). Every newsflow table uses ``alpha3``."""

    __tablename__ = "countries"

    alpha3: Mapped[str] = mapped_column(String(3), primary_key=True)
    alpha2: Mapped[str] = mapped_column(String(2), unique=True)
    cameo_code: Mapped[str] = mapped_column(String(3), unique=True)
    fips: Mapped[str | None] = mapped_column(String(2))
    """FIPS 10-4, the code of GDELT's geography fields."""
    name: Mapped[str] = mapped_column(Text)


class ExportCursor(Base):
    """Where the last export to a target ended, so ``newsflow export --since last`` picks up
    only rows ingested after it."""

    __tablename__ = "export_cursors"

    target: Mapped[str] = mapped_column(String(400), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    """Exclusive end of the last export's ``ingested_at`` window: the next one starts here."""
    rows: Mapped[int] = mapped_column(BigInteger)
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime)

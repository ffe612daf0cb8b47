"""The analysis stage: parse each article once (:mod:`pipeline.parsing`), then hand the same
parsed documents to entity resolution (:mod:`pipeline.entities`) and to the event coder
(:mod:`pipeline.events`). This is the one place the three meet; neither of the other two
packages imports the other.

:class:`Analyzer` holds what a settings object names: the spaCy model, the gazetteer and the
event coder, and the ``pipeline_version`` they make together.

An :class:`Analyzer` travels to wherever the stage runs: pickled for a Dask worker it sends
only its settings and loads the model again on arrival, so the same task code runs in the
flow's process or on a cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from spacy.language import Language

from pipeline import __version__
from pipeline.clean import clean_articles, language_code
from pipeline.entities import entity_mentions
from pipeline.entities.canonical import with_known_countries
from pipeline.events import code_article
from pipeline.events.actors import ActorCoder
from pipeline.events.coder import EventCoder
from pipeline.events.lexicon import EventLexicon
from pipeline.gazetteer import Gazetteer
from pipeline.nlp_pool import AnalysisPool
from pipeline.parsing import (
    ParsedArticle,
    load_model,
    model_meta,
    parse_articles,
    resolve_language_model,
    resolve_model_name,
)
from pipeline.records import AnalyzedArticle, Article, ItemFailure, RawArticle, StageResult
from pipeline.settings import Settings

ENTITIES = "entities"
EVENTS = "events"
EVENT_LANGUAGES = frozenset({"en"})
"""Languages the event coder reads: its trigger lexicon, rules and actor words are English,
so articles in other languages get entities but no events."""

_PACKAGE_DATA: tuple[Traversable, ...] = (resources.files("pipeline") / "data",
                                          resources.files("pipeline") / "events" / "data")


def _data_files(directory: Traversable | Path) -> list[Traversable | Path]:
    if not directory.is_dir():
        return []
    return sorted((f for f in directory.iterdir() if f.is_file()), key=lambda f: f.name)


def pipeline_version(settings: Settings, nlp: Language, *others: Language) -> str:
    """``<package version>+<digest>``: the digest covers every data file the analysis reads
    (gazetteer, lexicon, actor roles, or the configured lexicon directory), the spaCy models'
    names and versions and the languages read, so changing any of them changes the version
    rows are stamped with."""
    return _version(settings, [model.meta for model in (nlp, *others)])


def _version(settings: Settings, metas: list[dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    for meta in metas:
        digest.update(f"{meta.get('lang')}_{meta.get('name')}-"
                      f"{meta.get('version')}".encode())
    if settings.languages != ["en"]:
        digest.update(",".join(sorted(settings.languages)).encode())
    directories: list[Traversable | Path] = list(_PACKAGE_DATA)
    if settings.event_lexicon_dir is not None:
        directories.append(Path(settings.event_lexicon_dir))
    for directory in directories:
        for file in _data_files(directory):
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


def analyse_articles(articles: list[Article], nlp: Language, gazetteer: Gazetteer,
                     coder: EventCoder | None = None, *, max_chunk_chars: int = 100_000,
                     batch_size: int = 32, n_process: int = 1) -> StageResult[AnalyzedArticle]:
    """Mentions with canonical entities, and with a ``coder`` events, for a batch.

    The batch is parsed in one ``nlp.pipe`` stream; if that fails, each article is parsed
    alone so that one bad article is quarantined (stage ``entities``) and the others go on.
    An article whose events cannot be coded is quarantined at stage ``events``.
    """
    result: StageResult[AnalyzedArticle] = StageResult()
    options = {"max_chunk_chars": max_chunk_chars, "batch_size": batch_size}
    parsed: list[ParsedArticle | None]
    try:
        parsed = list(parse_articles(articles, nlp, n_process=n_process, **options))
    except Exception:  # noqa: BLE001 - isolate the article at fault below, one by one
        parsed = []
        for article in articles:
            try:
                parsed += parse_articles([article], nlp, n_process=1, **options)
            except Exception as exc:  # noqa: BLE001 - quarantined with its reason
                result.failed.append(_failure(article, ENTITIES, exc))
                parsed.append(None)
    for article, parse in zip(articles, parsed, strict=True):
        if parse is None:
            continue
        stage = ENTITIES
        try:
            analysed = AnalyzedArticle(article=article,
                                       mentions=entity_mentions(parse, gazetteer))
            if coder is not None:
                stage = EVENTS
                analysed.events = code_article(coder, parse.bodies, analysed.mentions,
                                               anchor=_anchor(article))
            analysed.mentions = with_known_countries(analysed.mentions, gazetteer)
        except Exception as exc:  # noqa: BLE001 - one article's parse must not sink the batch
            result.failed.append(_failure(article, stage, exc))
            continue
        result.ok.append(analysed)
    return result


def _failure(article: Article, stage: str, exc: Exception) -> ItemFailure:
    return ItemFailure(article.raw.source_uri, stage, type(exc).__name__, str(exc) or repr(exc))


def _anchor(article: Article) -> date | None:
    """The day relative dates in the article count from."""
    raw = article.raw
    if raw.published_date is not None:
        return raw.published_date
    return raw.published_at.date() if raw.published_at else None


def language_of(article: Article, default: str) -> str:
    """An article's language as a bare code; ``default`` when nobody knows it (too short to
    detect, none declared)."""
    return language_code(article.language or default)


class Analyzer:
    """Entities and events for batches of cleaned articles, as ``settings`` configure them:
    one spaCy model per language read (``settings.languages``), through the same code path;
    events for English only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.languages = [language_code(code) for code in settings.languages]
        self._names: dict[str, str] = {}
        for language in self.languages:  # a missing model stops the run here, before any work
            self._names[language] = (resolve_model_name(settings.spacy_model) if language == "en"
                                     else resolve_language_model(
                                         language, settings.spacy_models.get(language)))
        self._models: dict[str, Language] | None = None
        self._pool: AnalysisPool | None = None
        self._gazetteer: Gazetteer | None = None
        self._coder: EventCoder | None = None
        first = "en" if "en" in self._names else self.languages[0]
        names = [self._names[first], *(name for language, name in self._names.items()
                                       if language != first)]
        metas = [model_meta(name) for name in names]
        if any(meta is None for meta in metas):  # no meta.json to read: load to know
            self.version = pipeline_version(settings, self.nlp, *(
                model for model in self.models.values() if model is not self.nlp))
        else:
            self.version = _version(settings, metas)  # type: ignore[arg-type]

    @property
    def loaded(self) -> bool:
        """Whether the models are loaded (they load on first use)."""
        return self._models is not None

    @property
    def models(self) -> dict[str, Language]:
        if self._models is None:
            self._models = {language: load_model(name) for language, name in self._names.items()}
        return self._models

    @property
    def nlp(self) -> Language:
        return self.models.get("en") or self.models[self.languages[0]]

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer()
        return self._gazetteer

    @property
    def coder(self) -> EventCoder:
        if self._coder is None:
            self._coder = EventCoder(EventLexicon.load(self.settings.event_lexicon_dir),
                                     ActorCoder(self.gazetteer))
        return self._coder

    def start_pool(self, *, fork: bool = False) -> None:
        """Analyse on ``settings.nlp_processes`` worker processes from now on (when more than
        one), each loading the models once: they start loading at once, while the caller
        goes on reading. :meth:`close` stops them. ``fork``: see :class:`AnalysisPool`."""
        if self._pool is None and self.settings.nlp_processes > 1:
            self._pool = AnalysisPool(self.settings, self.settings.nlp_processes, fork=fork)

    @property
    def pool(self) -> AnalysisPool | None:
        """The worker pool, once started."""
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def analyse(self, articles: list[Article],
                on_done: Callable[[int], None] | None = None) -> StageResult[AnalyzedArticle]:
        """Each language's articles through its model; articles in a language not read are
        passed through unanalysed (``analysed`` False: no mentions, no events). The result
        keeps the input order. With a pool started, the workers do it; ``on_done(n)`` hears
        of every n articles done."""
        if self._pool is not None and articles:
            return self._pool.analyse(articles, on_done)
        result = self._analyse_here(articles)
        if on_done is not None and articles:
            on_done(len(articles))
        return result

    def _analyse_here(self, articles: list[Article]) -> StageResult[AnalyzedArticle]:
        settings = self.settings
        groups: dict[str | None, list[Article]] = {}
        for article in articles:
            language = language_of(article, self.languages[0])
            groups.setdefault(language if language in self.models else None, []).append(
                article)
        done: dict[int, AnalyzedArticle] = {}
        result: StageResult[AnalyzedArticle] = StageResult()
        for language, group in groups.items():
            if language is None:
                done.update({id(a): AnalyzedArticle(article=a, analysed=False) for a in group})
                continue
            coder = self.coder if language in EVENT_LANGUAGES else None
            part = analyse_articles(group, self.models[language], self.gazetteer, coder,
                                    max_chunk_chars=settings.max_chunk_chars,
                                    batch_size=settings.nlp_batch_size)
            done.update({id(item.article): item for item in part.ok})
            result.failed += part.failed
        result.ok = [done[id(a)] for a in articles if id(a) in done]
        return result

    def analyse_raw(self, raws: list[RawArticle]) -> list[AnalyzedArticle]:
        """Raw texts cleaned (any length) and analysed as English, whatever language
        detection makes of a sentence; for evaluation on the (English) gold sentences."""
        settings = self.settings
        return analyse_articles(clean_articles(raws, min_words=1).ok, self.models.get(
            "en", self.nlp), self.gazetteer, self.coder, max_chunk_chars=settings.max_chunk_chars,
            batch_size=settings.nlp_batch_size).ok

    def __getstate__(self) -> dict[str, Any]:
        # A model does not need to travel: the worker loads the same one from its settings,
        # and analyses in its own process (a Dask worker owns its core).
        return {"settings": self.settings.model_copy(update={"nlp_processes": 1})}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["settings"])  # type: ignore[misc]

"""The analysis stage as one object: the spaCy model, the gazetteer and the event coder that
a settings object names, and the ``pipeline_version`` they make together.

An :class:`Analyzer` travels to wherever the stage runs: pickled for a Dask worker it sends
only its settings and loads the model again on arrival, so the same task code runs in the
flow's process or on a cluster.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from spacy.language import Language

from pipeline import __version__
from pipeline.entities import Gazetteer, extract_entities, load_model
from pipeline.events.actors import ActorCoder
from pipeline.events.coder import EventCoder
from pipeline.events.lexicon import EventLexicon
from pipeline.records import AnalyzedArticle, Article, StageResult
from pipeline.settings import Settings

_PACKAGE_DATA: tuple[Traversable, ...] = (resources.files("pipeline") / "data",
                                          resources.files("pipeline") / "events" / "data")


def _data_files(directory: Traversable | Path) -> list[Traversable | Path]:
    if not directory.is_dir():
        return []
    return sorted((f for f in directory.iterdir() if f.is_file()), key=lambda f: f.name)


def pipeline_version(settings: Settings, nlp: Language) -> str:
    """``<package version>+<digest>``: the digest covers every data file the analysis reads
    (gazetteer, lexicon, actor roles, or the configured lexicon directory) and the spaCy
    model's name and version, so editing any of them changes the version rows are stamped
    with."""
    digest = hashlib.sha256()
    digest.update(f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"
                  .encode())
    directories: list[Traversable | Path] = list(_PACKAGE_DATA)
    if settings.event_lexicon_dir is not None:
        directories.append(Path(settings.event_lexicon_dir))
    for directory in directories:
        for file in _data_files(directory):
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


class Analyzer:
    """Entities and events for batches of cleaned articles, as ``settings`` configure them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.nlp = load_model(settings.spacy_model)
        self.gazetteer = Gazetteer()
        self.coder = EventCoder(EventLexicon.load(settings.event_lexicon_dir),
                                ActorCoder(self.gazetteer))
        self.version = pipeline_version(settings, self.nlp)

    def analyse(self, articles: list[Article]) -> StageResult[AnalyzedArticle]:
        settings = self.settings
        return extract_entities(articles, self.nlp, self.gazetteer,
                                max_chunk_chars=settings.max_chunk_chars,
                                batch_size=settings.nlp_batch_size,
                                n_process=settings.nlp_processes, event_coder=self.coder)

    def __getstate__(self) -> dict[str, Any]:
        # A model does not need to travel: the worker loads the same one from its settings.
        return {"settings": self.settings}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["settings"])  # type: ignore[misc]

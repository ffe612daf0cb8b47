"""Analysis on every core: worker processes that load the models once and analyse articles.

``nlp.pipe(n_process=N)`` starts N new processes on every call (every slice of a batch),
ships the parsed documents back and leaves entity resolution and event coding, a good part of
the work, to the one calling process. A :class:`AnalysisPool` instead starts its workers once
per run, from a clean fork server (the flow's process runs Prefect's threads, which a plain
fork would copy mid-flight); each worker loads the spaCy models, gazetteer and event coder
once, and does the whole analysis of the articles it is given. Only the articles go out and
only their mentions and events come back. The calling process never loads a model.

Articles are sent in small chunks, so the workers stay busy and the caller hears about each
chunk as it finishes (the progress bar moves with it). Results keep the input order, and an
article's analysis does not depend on which other articles share its chunk, so the output is
the one :meth:`pipeline.analysis.Analyzer.analyse` gives in one process.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.records import (
    AnalyzedArticle,
    Article,
    ItemFailure,
    RawArticle,
    StageResult,
    unexpected,
)

if TYPE_CHECKING:
    from pipeline.analysis import Analyzer
    from pipeline.settings import Settings

BUDGET_STAGE = "entities"

CHUNK = 4
"""Articles per task sent to a worker: small enough that the workers finish together and the
progress moves article by article, large enough that sending costs nothing next to parsing."""

_WORKER: Analyzer | None = None

Outcome = tuple[list[tuple[int, AnalyzedArticle]], list[ItemFailure]]


def _start_worker(settings: Settings) -> None:
    global _WORKER
    from pipeline.analysis import Analyzer

    _WORKER = Analyzer(settings.model_copy(update={"nlp_processes": 1}))
    _ = _WORKER.models, _WORKER.coder  # load now, while the flow reads


def _ready() -> bool:
    return _WORKER is not None


@dataclass(slots=True)
class FileRead:
    """What a worker read from one file and cleaned: every item's source URI (in order), the
    raw articles, the read failures and the cleaning's result."""

    uris: list[str] = field(default_factory=list)
    raws: list[RawArticle] = field(default_factory=list)
    failures: list[ItemFailure] = field(default_factory=list)
    cleaned: StageResult[Article] = field(default_factory=StageResult)


def _read_and_clean(path: str) -> FileRead:
    assert _WORKER is not None
    from pipeline.clean import clean_articles
    from pipeline.readers import read_file
    from pipeline.validate import ContentLimits

    settings = _WORKER.settings
    done = FileRead()
    for item in read_file(Path(path), max_bytes=settings.max_file_bytes,
                          limits=ContentLimits.from_settings(settings)):
        done.uris.append(item.source_uri)
        if isinstance(item, ItemFailure):
            done.failures.append(item)
        else:
            done.raws.append(item)
    done.cleaned = clean_articles(done.raws, min_words=settings.min_words)
    return done


def _analyse(articles: list[Article]) -> Outcome:
    assert _WORKER is not None
    result = _WORKER.analyse(articles)
    index = {id(article): number for number, article in enumerate(articles)}
    return ([(index[id(item.article)], item) for item in result.ok], result.failed)


class AnalysisPool:
    """``processes`` worker processes, each with the analysis of ``settings`` loaded."""

    def __init__(self, settings: Settings, processes: int, *, fork: bool = False) -> None:
        """``fork``: fork the workers from this process (they inherit its imports: seconds
        of CPU saved), for a caller with no other threads that matter (no Prefect run);
        otherwise they come from a clean fork server."""
        try:
            context = multiprocessing.get_context("fork" if fork else "forkserver")
            if not fork:
                context.set_forkserver_preload(["pipeline.analysis"])
        except ValueError:  # no fork (server) on this platform
            context = multiprocessing.get_context("spawn")
        self.processes = processes
        self._executor = ProcessPoolExecutor(processes, mp_context=context,
                                             initializer=_start_worker, initargs=(settings,))
        self._warming = [self._executor.submit(_ready) for _ in range(processes)]

    def submit(self, articles: Sequence[Article]) -> list[tuple[list[Article], Future[Outcome]]]:
        """Send ``articles`` out in chunks; their futures, in order."""
        sent = []
        for start in range(0, len(articles), CHUNK):
            chunk = list(articles[start:start + CHUNK])
            # the fetched response stays here: the analysis reads only the text and metadata
            light = [replace(a, raw=replace(a.raw, document=None)) if a.raw.document else a
                     for a in chunk]
            sent.append((chunk, self._executor.submit(_analyse, light)))
        return sent

    def read(self, path: Path) -> Future[FileRead]:
        """Read and clean one file (not a streamed archive) on a worker."""
        return self._executor.submit(_read_and_clean, str(path))

    def analyse(self, articles: Sequence[Article],
                on_done: Callable[[int], None] | None = None) -> StageResult[AnalyzedArticle]:
        """Analyse ``articles`` on the workers; ``on_done(n)`` after each chunk of n."""
        sent = self.submit(articles)
        if on_done is not None:
            report_each(sent, on_done)
        return collect(sent)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def report_each(sent: list[tuple[list[Article], Future[Outcome]]],
                on_done: Callable[[int], None]) -> None:
    """``on_done(n)`` as each chunk of n articles finishes (from the pool's own thread)."""
    for chunk, future in sent:
        size = len(chunk)
        future.add_done_callback(lambda _future, size=size: on_done(size))


def collect(sent: list[tuple[list[Article], Future[Outcome]]], *, seconds: float | None = None,
            clock: Callable[[], float] = time.monotonic) -> StageResult[AnalyzedArticle]:
    """The results of :meth:`AnalysisPool.submit`, in order. With ``seconds``, a budget from
    now: the articles whose chunk is not done by then are failures with the reason (their
    chunks are cancelled when they have not started)."""
    result: StageResult[AnalyzedArticle] = StageResult()
    deadline = None if seconds is None else clock() + seconds
    total = sum(len(chunk) for chunk, _future in sent)
    for position, (chunk, future) in enumerate(sent):
        try:
            done, failed = future.result(
                timeout=None if deadline is None else max(0.0, deadline - clock()))
        except FutureTimeout:
            analysed = sum(len(c) for c, _f in sent[:position])
            for _chunk, later in sent[position:]:
                later.cancel()
            result.failed += [ItemFailure(
                article.raw.source_uri, BUDGET_STAGE, "NlpBudgetExceeded",
                f"the batch's NLP budget of {seconds:g} s (setting nlp_batch_seconds) was "
                f"spent before this article was analysed ({analysed} of {total} were); "
                "`newsflow retry-failed` analyses it again")
                for _chunk, _later in sent[position:] for article in _chunk]
            break
        except Exception as exc:  # noqa: BLE001 - a worker died: its articles fail, not the run
            result.failed += [unexpected(article.raw.source_uri, BUDGET_STAGE, exc)
                              for article in chunk]
            continue
        for number, item in done:
            item.article = chunk[number]  # the caller's own object, with its document
            result.ok.append(item)
        result.failed += failed
    return result

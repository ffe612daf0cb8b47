"""A wall-clock budget for the NLP of one batch.

spaCy cannot be interrupted inside a call, so the batch is analysed in slices of
``nlp_batch_size × nlp_processes`` articles (what one ``nlp.pipe`` round takes anyway), and the
clock is read between slices: once the budget is spent, the articles not analysed yet are
quarantined (``entities``, ``NlpBudgetExceeded``) instead of holding the run, and
``newsflow retry-failed`` analyses them later. How long one slice can take is bounded by
``max_text_chars``, so a batch overruns its budget by one slice at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from pipeline.records import AnalyzedArticle, Article, ItemFailure, StageResult

STAGE = "entities"

Analyse = Callable[[list[Article]], StageResult[AnalyzedArticle]]


def analyse_within(analyse: Analyse, articles: Sequence[Article], *, seconds: float,
                   slice_size: int,
                   clock: Callable[[], float] = time.monotonic) -> StageResult[AnalyzedArticle]:
    """``analyse`` over ``articles`` slice by slice until ``seconds`` have passed; the
    articles left then are failures with the reason. Results keep the input order."""
    deadline = clock() + seconds
    result: StageResult[AnalyzedArticle] = StageResult()
    size = max(1, slice_size)
    for start in range(0, len(articles), size):
        if start and clock() > deadline:
            result.failed += [ItemFailure(
                article.raw.source_uri, STAGE, "NlpBudgetExceeded",
                f"the batch's NLP budget of {seconds:g} s (setting nlp_batch_seconds) was "
                f"spent before this article was analysed ({start} of {len(articles)} were); "
                "`newsflow retry-failed` analyses it again") for article in articles[start:]]
            break
        part = analyse(list(articles[start:start + size]))
        result.ok += part.ok
        result.failed += part.failed
    return result

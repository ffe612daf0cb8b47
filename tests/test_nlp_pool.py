"""The analysis on worker processes gives what it gives in one process, in order, and says
how far it is article by article."""

from concurrent.futures import Future

from pipeline.analysis import Analyzer
from pipeline.clean import clean_articles
from pipeline.nlp_pool import collect
from pipeline.readers import discover_files, read_file
from pipeline.records import AnalyzedArticle, ItemFailure
from pipeline.settings import Settings
from tests.conftest import SEEDS


def _seed_articles():
    raws = [item for path in discover_files([SEEDS]).files
            for item in read_file(path, max_bytes=10_000_000)
            if not isinstance(item, ItemFailure)]
    return clean_articles(raws).ok


def test_the_pool_gives_the_same_analysis_in_the_same_order():
    articles = _seed_articles()
    here = Analyzer(Settings(nlp_processes=1)).analyse(articles)
    pooled = Analyzer(Settings(nlp_processes=2))
    assert not pooled.loaded  # the version needs no model; the workers load it
    pooled.start_pool()
    ticks = []
    try:
        result = pooled.analyse(articles, on_done=ticks.append)
    finally:
        pooled.close()
    assert not pooled.loaded  # the calling process never loaded a model
    assert sum(ticks) == len(articles) and max(ticks) <= 4
    assert [item.article for item in result.ok] == articles  # the caller's own objects
    assert [(i.mentions, i.events, i.analysed) for i in result.ok] == [
        (i.mentions, i.events, i.analysed) for i in here.ok]
    assert (result.failed, here.failed) == ([], [])
    assert sum(len(i.events) for i in result.ok) > 50


def test_without_a_pool_the_analysis_runs_here_and_reports_once():
    articles = _seed_articles()[:2]
    ticks = []
    result = Analyzer(Settings(nlp_processes=1)).analyse(articles, on_done=ticks.append)
    assert len(result.ok) == 2 and ticks == [2]


def test_articles_still_waiting_when_the_budget_is_spent_are_quarantined():
    first, second, third = _seed_articles()[:3]
    done, waiting, queued = Future(), Future(), Future()
    done.set_result(([(0, AnalyzedArticle(article=first))], []))
    result = collect([([first], done), ([second], waiting), ([third], queued)], seconds=0.05)
    assert [item.article for item in result.ok] == [first]
    assert [(f.source_uri, f.stage, f.error_type) for f in result.failed] == [
        (a.raw.source_uri, "entities", "NlpBudgetExceeded") for a in (second, third)]
    assert "1 of 3 were" in result.failed[0].message
    assert waiting.cancelled() and queued.cancelled()

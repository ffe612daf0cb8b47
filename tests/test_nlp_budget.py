"""The NLP budget of a batch: slices until the clock runs out, then the rest is quarantined."""

from pipeline.nlp_budget import analyse_within
from pipeline.records import AnalyzedArticle, Article, ItemFailure, RawArticle, StageResult


def _article(n: int) -> Article:
    return Article(RawArticle(f"file:///{n}.txt", "txt", "text"), "text", str(n), 1, "en", None)


def test_articles_left_when_the_budget_is_spent_are_quarantined_in_order():
    now = [0.0]
    calls = []

    def analyse(articles: list[Article]) -> StageResult[AnalyzedArticle]:
        calls.append(len(articles))
        now[0] += 4.0  # each slice takes four seconds
        return StageResult(ok=[AnalyzedArticle(a) for a in articles[1:]],
                           failed=[ItemFailure(articles[0].raw.source_uri, "entities", "X", "")])

    articles = [_article(n) for n in range(10)]
    result = analyse_within(analyse, articles, seconds=7, slice_size=3, clock=lambda: now[0])
    assert calls == [3, 3]  # the second slice starts at 4 s, the third would at 8 s
    assert [a.article.raw.source_uri for a in result.ok] == [
        "file:///1.txt", "file:///2.txt", "file:///4.txt", "file:///5.txt"]
    budget = [f for f in result.failed if f.error_type == "NlpBudgetExceeded"]
    assert [f.source_uri for f in budget] == [f"file:///{n}.txt" for n in range(6, 10)]
    assert {f.stage for f in budget} == {"entities"}
    assert "nlp_batch_seconds" in budget[0].message


def test_within_budget_everything_is_analysed():
    def analyse(articles: list[Article]) -> StageResult[AnalyzedArticle]:
        return StageResult(ok=[AnalyzedArticle(a) for a in articles])

    result = analyse_within(analyse, [_article(n) for n in range(5)], seconds=60, slice_size=2)
    assert len(result.ok) == 5 and not result.failed

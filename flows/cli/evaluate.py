"""``newsflow eval``: the event coder measured against gold annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.app import ConfigOption, eval_app, fail, load_cli_settings, out
from pipeline.errors import RunError


@eval_app.command("events")
def eval_events(
    gold: Annotated[Path, typer.Argument(help="Gold events, JSONL (see tests/cases/events).")],
    articles: Annotated[Path, typer.Option(
        help="Folder holding the articles the gold lines name.")] = Path("seeds"),
    model: Annotated[str | None, typer.Option(help="spaCy model name to load.")] = None,
    config: ConfigOption = None,
) -> None:
    """Precision and recall of the event coder on root code + actor countries."""
    from pipeline.evaluation.gold_events import evaluate
    from pipeline.events.actors import ActorCoder
    from pipeline.events.coder import EventCoder
    from pipeline.events.lexicon import EventLexicon
    from pipeline.gazetteer import Gazetteer
    from pipeline.parsing import load_model

    settings = load_cli_settings(config, spacy_model=model)
    try:
        nlp = load_model(settings.spacy_model)
        gazetteer = Gazetteer()
        coder = EventCoder(EventLexicon.load(), ActorCoder(gazetteer))
        score = evaluate(gold, articles, nlp, gazetteer, coder)
    except (RunError, OSError, ValueError) as exc:
        raise fail(str(exc)) from exc
    table = Table(title=f"events: {gold}", title_justify="left")
    for column in ("article", "gold", "predicted", "matched"):
        table.add_column(column, justify="left" if column == "article" else "right")
    for key, (expected, predicted, matched) in score.by_article.items():
        table.add_row(key, str(expected), str(predicted), str(matched))
    out.print(table)
    out.print(f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}  "
              f"(gold {score.gold}, predicted {score.predicted}, matched {score.matched})")


@eval_app.command("plover")
def eval_plover(
    file: Annotated[Path, typer.Argument(
        help="Annotated rows, JSONL: sentence_id, text, source, target, plover_type (e.g. "
             "../shared/corpora/plover-dev/plv-train.jsonl).")],
    half: Annotated[str, typer.Option(
        help="Which rows to score: all, tuning or check (a fixed split by a hash of "
             "sentence_id).")] = "all",
    rules: Annotated[bool, typer.Option(
        "--rules", help="Also show, per coder rule, how many events it made and how many "
                        "had an annotated type.")] = False,
    errors: Annotated[Path | None, typer.Option(
        help="Write the tuning half's errors to this file: each sentence with a missed row "
             "or an event of an unannotated type, and the rule behind every event. "
             "Check-half sentences are never written.")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write the figures as JSON to this file.")] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model name to load.")] = None,
    config: ConfigOption = None,
) -> None:
    """Type recall, source recall and type precision of the event coder on annotated
    sentences, overall and per PLOVER type, with a confusion matrix.

    Each sentence is coded as an article of its own. Type recall: the row's PLOVER type is
    among the sentence's non-negated events. Source recall: such an event's actor 1 is the
    annotated source; the actor entity's name, its other mention texts in the sentence and
    the actor's own words are matched against the source span case-insensitively, as
    overlapping words (one shared word that is not a stop word). Type precision: non-negated
    events whose type is one of the sentence's annotated types, over all non-negated events.
    PLOVER 0.5's YIELD counts CONCEDE and RETREAT.
    """
    from pipeline.analysis import Analyzer
    from pipeline.evaluation import plover

    settings = load_cli_settings(config, spacy_model=model)
    try:
        rows = plover.load_rows(file, only_half=None if half == "all" else half)
        analyzer = Analyzer(settings)
    except (RunError, OSError, ValueError) as exc:
        raise fail(str(exc)) from exc
    if not rows:
        raise fail(f"{file}: no annotated rows" + ("" if half == "all" else f" in the {half} "
                                                                           "half"))
    coded = plover.code_rows(rows, analyzer.analyse_raw)
    result = plover.score(rows, coded)
    _print_plover(result, f"{file} ({half}: {result.sentences} sentences, "
                          f"{result.overall.rows} rows)", rules)
    if errors is not None:
        listing = plover.error_listing(rows, coded)
        errors.write_text("\n".join(listing) + "\n", encoding="utf-8")
        out.print(f"tuning-half errors: {errors}", highlight=False)
    if json_out is not None:
        json_out.write_text(plover.as_json(result), encoding="utf-8")


def _print_plover(result: object, title: str, rules: bool) -> None:
    from pipeline.evaluation.plover import PloverScore

    assert isinstance(result, PloverScore)
    overall = result.overall
    out.print(f"[bold]{title}[/]", highlight=False)
    out.print(f"type recall {overall.type_recall:.3f}  type precision "
              f"{overall.type_precision:.3f}  source recall {overall.source_recall:.3f}  "
              f"(rows {overall.rows}, events {overall.events})", highlight=False)
    table = Table(title="per PLOVER type", title_justify="left")
    for column in ("type", "rows", "type recall", "source recall", "events",
                   "type precision"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for name in sorted(result.by_type):
        score = result.by_type[name]
        table.add_row(name, str(score.rows), f"{score.type_recall:.2f}" if score.rows else "",
                      f"{score.source_recall:.2f}" if score.rows else "", str(score.events),
                      f"{score.type_precision:.2f}" if score.events else "")
    out.print(table)
    gold = sorted({g for g, _p in result.confusion})
    predicted = sorted({p for _g, p in result.confusion})
    matrix = Table(title="confusion: annotated type (rows) × types found in the sentence",
                   title_justify="left")
    matrix.add_column("gold")
    for name in predicted:
        matrix.add_column(name[:8], justify="right")
    for g in gold:
        matrix.add_row(g, *(str(result.confusion.get((g, p), "")) for p in predicted))
    out.print(matrix)
    if rules:
        by_rule = Table(title="per rule", title_justify="left")
        for column in ("rule", "events", "annotated type", "share"):
            by_rule.add_column(column, justify="left" if column == "rule" else "right")
        for name, score in sorted(result.by_rule.items(), key=lambda kv: -kv[1].events):
            by_rule.add_row(name, str(score.events), str(score.events_right),
                            f"{score.type_precision:.2f}")
        out.print(by_rule)

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


"""Scoring the event coder against gold annotations (``newsflow eval events GOLD.jsonl``).

An event matches a gold event of the same article when the CAMEO root code and both actors'
countries (the first three letters of the actor code; ``IGO`` for international bodies)
agree; each gold event matches at most one predicted event. Precision is matched / predicted,
recall matched / gold.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from pipeline.analysis import analyse_articles
from pipeline.clean import clean_articles
from pipeline.events.coder import EventCoder
from pipeline.gazetteer import Gazetteer
from pipeline.readers import read_file
from pipeline.records import CodedEvent, RawArticle

Key = tuple[str, str, str]


@dataclass(slots=True)
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    by_article: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _country(code: str | None) -> str:
    return (code or "")[:3]


def gold_key(line: dict) -> Key:
    return line["cameo"][:2], _country(line["actor1"]), _country(line.get("actor2"))


def event_key(event: CodedEvent) -> Key:
    return (event.cameo_root, _country(event.actor1.code),
            _country(event.actor2.code if event.actor2 else None))


def load_gold(path: Path) -> dict[str, list[dict]]:
    """Gold lines grouped by article (``000_x.txt`` or ``009_wire.jsonl#line=2``)."""
    grouped: dict[str, list[dict]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc.msg}") from exc
            grouped.setdefault(record["article"], []).append(record)
    return grouped


def _article(articles_dir: Path, key: str) -> RawArticle:
    name, _, line = key.partition("#line=")
    items = [i for i in read_file(articles_dir / name, max_bytes=50_000_000)
             if isinstance(i, RawArticle)]
    if line:
        items = [i for i in items if i.source_uri.endswith(f"#line={line}")]
    if not items:
        raise ValueError(f"article {key} not found (or not readable) under {articles_dir}")
    return items[0]


def evaluate(gold_path: Path, articles_dir: Path, nlp: Language, gazetteer: Gazetteer,
             coder: EventCoder) -> Score:
    """Code the gold articles and score the events against the gold lines."""
    gold = load_gold(gold_path)
    raws = [_article(articles_dir, key) for key in gold]
    analysed = analyse_articles(clean_articles(raws).ok, nlp, gazetteer, coder).ok
    score = Score()
    for key, item in zip(gold, analysed, strict=True):
        expected = Counter(gold_key(line) for line in gold[key])
        predicted = Counter(event_key(event) for event in item.events)
        matched = sum((expected & predicted).values())
        score.gold += sum(expected.values())
        score.predicted += sum(predicted.values())
        score.matched += matched
        score.by_article[key] = (sum(expected.values()), sum(predicted.values()), matched)
    return score

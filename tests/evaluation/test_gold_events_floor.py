"""The quality gate: the coder on the seed articles must not fall below the pinned floors."""

import json

from pipeline.evaluation.gold_events import evaluate
from tests.conftest import CASES, SEEDS


def test_event_coder_meets_its_floors(nlp, gazetteer, coder):
    floors = json.loads((CASES / "events" / "floors.json").read_text())
    score = evaluate(CASES / "events" / "gold.jsonl", SEEDS, nlp, gazetteer, coder)
    assert score.gold >= 40
    assert score.precision >= floors["precision"], score
    assert score.recall >= floors["recall"], score

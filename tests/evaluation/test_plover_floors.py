"""The quality gate on text the rules were not written from: the PLOVER development set,
read from ../shared (present in CI), scored per half against pinned floors."""

from __future__ import annotations

import json
import os

import pytest

from pipeline.analysis import analyse_articles
from pipeline.clean import clean_articles
from pipeline.evaluation.plover import HALVES, code_rows, load_rows, score
from tests.conftest import CASES, ROOT

DEV_SET = ROOT.parent / "shared" / "corpora" / "plover-dev" / "plv-train.jsonl"


@pytest.fixture(scope="module")
def dev_scores(nlp, gazetteer, coder):
    if not DEV_SET.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the development set is missing: {DEV_SET}")
        pytest.skip(f"the development set is not there: {DEV_SET}")
    rows = load_rows(DEV_SET)

    def analyse(raws):
        return analyse_articles(clean_articles(raws, min_words=1).ok, nlp, gazetteer, coder).ok

    coded = code_rows(rows, analyse)
    return {name: score(load_rows(DEV_SET, only_half=name), coded) for name in HALVES}


@pytest.mark.parametrize("half_name", HALVES)
def test_dev_set_half_meets_its_floors(dev_scores, half_name):
    floors = json.loads((CASES / "plover" / "floors.json").read_text())[half_name]
    overall = dev_scores[half_name].overall
    assert overall.rows > 400
    assert overall.type_recall >= floors["type_recall"], overall
    assert overall.type_precision >= floors["type_precision"], overall
    assert overall.source_recall >= floors["source_recall"], overall

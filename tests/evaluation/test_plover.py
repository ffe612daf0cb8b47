"""``newsflow eval plover``: the split, the three figures, and the command on a small set of
sentences written for the project (tests/cases/plover/sentences.jsonl)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.evaluation.plover import (
    FoundEvent,
    PloverRow,
    error_listing,
    found_events,
    half,
    load_rows,
    score,
)
from pipeline.records import Actor, AnalyzedArticle, Article, CodedEvent, Mention, RawArticle
from tests.conftest import CASES

SENTENCES = CASES / "plover" / "sentences.jsonl"


@pytest.mark.parametrize(("sentence_id", "expected"), [
    ("1", "check"), ("2", "tuning"), ("3", "tuning"), ("4", "check"), ("8", "tuning")])
def test_the_split_is_pinned(sentence_id, expected):
    # The halves must never move: rules were tuned on one and must not see the other.
    assert half(sentence_id) == expected


def test_rows_of_one_half(tmp_path):
    assert {r.sentence_id for r in load_rows(SENTENCES, only_half="tuning")} == {"2", "3", "8"}
    assert {r.sentence_id for r in load_rows(SENTENCES, only_half="check")} == {"1", "4", "5"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentence_id": 1, "text": "x"}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:1"):
        load_rows(bad)


def _found(plover_type, words=("russia",), rule="verb_event"):
    return FoundEvent(plover_type, "000", rule, frozenset(words), "RUS", None, "x")


def _row(sentence_id, plover_type, source="Russia"):
    return PloverRow(sentence_id, "text", source, "target", plover_type)


def test_type_recall_source_recall_and_precision():
    rows = [_row("a", "ACCUSE"), _row("a", "REJECT", source="Moscow"), _row("b", "ASSAULT"),
            _row("c", "AID")]
    coded = {"a": [_found("ACCUSE"), _found("REJECT"), _found("THREATEN", rule="other")],
             "b": [_found("ASSAULT", words=("rebels",))]}
    result = score(rows, coded)
    assert result.overall.rows == 4
    assert result.overall.type_found == 3          # ACCUSE, REJECT, ASSAULT
    assert result.overall.source_found == 1        # only ACCUSE's actor is the source
    assert result.overall.events == 4
    assert result.overall.events_right == 3        # THREATEN was not annotated
    assert result.by_type["AID"].type_recall == 0
    assert result.confusion[("AID", "(none)")] == 1
    assert result.by_rule["other"].events == 1 and result.by_rule["other"].events_right == 0


def _event(plover_type, negated=False, name="Russia", text="Moscow"):
    return CodedEvent(0, 0, 10, "text", "x", "000", "00", 1, 0.0, plover_type, None,
                      Actor("RUS", "RUS", None, text, name, "GPE"), None, negated,
                      "asserted", date(2024, 1, 1), None, None, 0.5, rule="r")


def test_found_events_drop_negated_and_map_yield():
    raw = RawArticle(source_uri="plover:1", format="plover", text="text")
    article = Article(raw, "text", "h", 1, "en", None)
    mention = Mention("Russian", "NORP", 0, 7, 0, "body", "Russia", "GPE", "RUS")
    analysed = AnalyzedArticle(article, [mention], [_event("CONCEDE"), _event("AID", True)])
    found = found_events(analysed)
    assert [f.plover_type for f in found] == ["YIELD"]
    # the entity's name, its other mention texts and the actor's own words
    assert {"russia", "russian", "moscow"} <= found[0].actor1_words


def test_error_listing_never_shows_the_check_half():
    rows = [_row("1", "ACCUSE"), _row("2", "ACCUSE"), _row("4", "AID")]
    listing = "\n".join(error_listing(rows, {}))
    assert "[2]" in listing
    assert "[1]" not in listing and "[4]" not in listing


def test_the_command_on_sentences_written_for_the_project(tmp_path):
    figures, errors = tmp_path / "figures.json", tmp_path / "errors.txt"
    result = CliRunner().invoke(app, ["eval", "plover", str(SENTENCES), "--rules",
                                      "--json", str(figures), "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    assert "type recall" in result.output and "per rule" in result.output
    data = json.loads(figures.read_text())
    assert data["overall"]["rows"] == 6
    # "Russia accused Ukraine of shelling ..." is an accusation by Russia
    assert data["by_type"]["ACCUSE"]["type_recall"] > 0
    assert data["by_type"]["ACCUSE"]["source_recall"] > 0
    listed = errors.read_text()
    assert "[8]" in listed                         # the weather is no coercion: a missed row
    assert "[1]" not in listed and "[4]" not in listed and "[5]" not in listed


def test_the_command_refuses_an_unknown_half():
    result = CliRunner().invoke(app, ["eval", "plover", str(SENTENCES), "--half", "other"])
    assert result.exit_code == 1

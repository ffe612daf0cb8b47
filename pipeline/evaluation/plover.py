"""The event coder measured on annotated news sentences (``newsflow eval plover FILE.jsonl``).

Each line of the file is one annotated row: a sentence (``sentence_id``, ``text``), the spans
of its source and target actors (``source``, ``target``) and the PLOVER type of the event
between them (``plover_type``). A sentence can carry several rows. Every sentence is coded as
an article of its own, and the events found are compared with its rows:

* **type recall**: the row's type is among the types of the sentence's non-negated events;
* **source recall**: such an event's actor 1 is the row's source. The actor's entity name, the
  other mentions of that entity in the sentence, and the actor's own words are compared with
  the source span, case-insensitively, as words: one shared word that is not a stop word is
  a match;
* **type precision**: of the sentence's non-negated events, those whose type is one of the
  sentence's annotated types. An event of a type nobody annotated counts as wrong, though the
  sentence may well state it, so this is a lower bound.

PLOVER 0.5 labels are compared as PLOVER 2.0 types, except ``YIELD``, which 2.0 splits into
``CONCEDE`` and ``RETREAT``: both count as ``YIELD``.

Rows are split into two halves by a hash of ``sentence_id`` (:func:`half`): rules are tuned on
errors read from the **tuning** half only; the **check** half is measured, never read.
:func:`error_listing` therefore lists tuning-half sentences only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.records import AnalyzedArticle, RawArticle

HALVES = ("tuning", "check")
NONE = "(none)"
"""The confusion matrix's column for a row whose sentence got no event at all."""
TYPE_ALIASES = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
"""PLOVER 2.0 types that the 0.5 labels of the development set name differently."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PloverRow:
    """One annotated (sentence, source, target, type) row."""

    sentence_id: str
    text: str
    source: str
    target: str
    plover_type: str


@dataclass(frozen=True, slots=True)
class FoundEvent:
    """What the evaluation keeps of one coded event."""

    plover_type: str | None
    """As the development set names it (``YIELD`` for ``CONCEDE``/``RETREAT``)."""
    cameo_code: str
    rule: str
    actor1_words: frozenset[str]
    actor1_code: str
    actor2_code: str | None
    trigger: str


def half(sentence_id: str) -> str:
    """``tuning`` or ``check``: the first byte of the SHA-256 of the id, even or odd. Stable
    across runs, machines and Python versions (unlike ``hash``)."""
    return HALVES[hashlib.sha256(str(sentence_id).encode("utf-8")).digest()[0] % 2]


def load_rows(path: Path, *, only_half: str | None = None) -> list[PloverRow]:
    """The annotated rows of a JSONL file, optionally only those of one half."""
    if only_half is not None and only_half not in HALVES:
        raise ValueError(f"half must be one of {', '.join(HALVES)}, not {only_half!r}")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                row = PloverRow(str(data["sentence_id"]), data["text"], data.get("source") or "",
                                data.get("target") or "", str(data["plover_type"]).upper())
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not an annotated row ({exc})") from exc
            if only_half is None or half(row.sentence_id) == only_half:
                rows.append(row)
    return rows


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS)


def found_events(analysed: AnalyzedArticle) -> list[FoundEvent]:
    """The non-negated events of one coded sentence, with the words that name each actor 1."""
    names: dict[str, set[str]] = defaultdict(set)
    for mention in analysed.mentions:
        names[mention.entity_name].add(mention.text)
    found = []
    for event in analysed.events:
        if event.negated:
            continue
        actor = event.actor1
        texts = {actor.text, *(names.get(actor.entity_name, set()) if actor.entity_name else ())}
        if actor.entity_name:
            texts.add(actor.entity_name)
        plover = TYPE_ALIASES.get(event.plover_type or "", event.plover_type)
        found.append(FoundEvent(plover, event.cameo_code, event.rule,
                                frozenset(w for t in texts for w in _words(t)), actor.code,
                                event.actor2.code if event.actor2 else None, event.trigger))
    return found


@dataclass(slots=True)
class TypeScore:
    """Counts behind the figures of one PLOVER type (or of the whole file)."""

    rows: int = 0
    type_found: int = 0
    source_found: int = 0
    events: int = 0
    events_right: int = 0

    @property
    def type_recall(self) -> float:
        return self.type_found / self.rows if self.rows else 0.0

    @property
    def source_recall(self) -> float:
        return self.source_found / self.rows if self.rows else 0.0

    @property
    def type_precision(self) -> float:
        return self.events_right / self.events if self.events else 0.0


@dataclass(slots=True)
class PloverScore:
    """The whole file's figures, per type, the confusion matrix and per-rule counts."""

    overall: TypeScore = field(default_factory=TypeScore)
    by_type: dict[str, TypeScore] = field(default_factory=lambda: defaultdict(TypeScore))
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(gold type, predicted type or ``(none)``) → rows."""
    by_rule: dict[str, TypeScore] = field(default_factory=lambda: defaultdict(TypeScore))
    """Per rule: ``events`` and ``events_right`` only."""
    sentences: int = 0


def score(rows: list[PloverRow], coded: dict[str, list[FoundEvent]]) -> PloverScore:
    """The figures for ``rows`` given each sentence's found events (by ``sentence_id``)."""
    result = PloverScore()
    by_sentence: dict[str, list[PloverRow]] = defaultdict(list)
    for row in rows:
        by_sentence[row.sentence_id].append(row)
    result.sentences = len(by_sentence)
    for sentence_id, sentence_rows in by_sentence.items():
        events = coded.get(sentence_id, [])
        gold_types = {r.plover_type for r in sentence_rows}
        for row in sentence_rows:
            tallies = (result.overall, result.by_type[row.plover_type])
            of_type = [e for e in events if e.plover_type == row.plover_type]
            source = _words(row.source)
            for tally in tallies:
                tally.rows += 1
                tally.type_found += bool(of_type)
                tally.source_found += any(e.actor1_words & source for e in of_type)
            if of_type:
                result.confusion[(row.plover_type, row.plover_type)] += 1
            else:
                for predicted in sorted({e.plover_type or "(no type)" for e in events}) or [NONE]:
                    result.confusion[(row.plover_type, predicted)] += 1
        for event in events:
            right = event.plover_type in gold_types
            for tally in (result.overall, result.by_type[event.plover_type or "(no type)"],
                          result.by_rule[event.rule or "(unnamed)"]):
                tally.events += 1
                tally.events_right += right
    return result


def code_rows(rows: list[PloverRow],
              analyse: Callable[[list[RawArticle]], list[AnalyzedArticle]],
              batch_size: int = 256) -> dict[str, list[FoundEvent]]:
    """Each distinct sentence coded as an article of its own; found events by sentence id."""
    texts = {row.sentence_id: row.text for row in rows}
    coded: dict[str, list[FoundEvent]] = {}
    ids = list(texts)
    for start in range(0, len(ids), batch_size):
        batch = ids[start:start + batch_size]
        raws = [RawArticle(source_uri=f"plover:{sid}", format="plover", text=texts[sid])
                for sid in batch]
        for analysed in analyse(raws):
            sentence_id = analysed.article.raw.source_uri.removeprefix("plover:")
            coded[sentence_id] = found_events(analysed)
    return coded


def error_listing(rows: Iterable[PloverRow], coded: dict[str, list[FoundEvent]]) -> list[str]:
    """Lines describing each tuning-half sentence the coder got wrong: a missed row (type or
    source) or an event of an unannotated type, with the rule behind each event. Check-half
    sentences are never listed."""
    by_sentence: dict[str, list[PloverRow]] = defaultdict(list)
    for row in rows:
        if half(row.sentence_id) == "tuning":
            by_sentence[row.sentence_id].append(row)
    lines = []
    for sentence_id, sentence_rows in by_sentence.items():
        events = coded.get(sentence_id, [])
        gold_types = {r.plover_type for r in sentence_rows}
        problems = []
        for row in sentence_rows:
            of_type = [e for e in events if e.plover_type == row.plover_type]
            if not of_type:
                problems.append(f"  missed {row.plover_type}: {row.source!r} → {row.target!r}")
            elif not any(e.actor1_words & _words(row.source) for e in of_type):
                problems.append(f"  source {row.plover_type}: want {row.source!r}, got "
                                + ", ".join(e.actor1_code for e in of_type))
        problems += [f"  extra {e.plover_type} ({e.cameo_code} via {e.trigger!r}, rule "
                     f"{e.rule or '?'}): {e.actor1_code} → {e.actor2_code or '-'}"
                     for e in events if e.plover_type not in gold_types]
        if problems:
            lines.append(f"[{sentence_id}] {sentence_rows[0].text}")
            lines += problems
            lines += [f"  ok {e.plover_type} ({e.cameo_code} via {e.trigger!r}, rule "
                      f"{e.rule or '?'}): {e.actor1_code} → {e.actor2_code or '-'}"
                      for e in events if e.plover_type in gold_types]
    return lines


def as_json(result: PloverScore) -> str:
    """The figures as a JSON document (overall, per type, per rule)."""

    def figures(score: TypeScore) -> dict[str, float | int]:
        return {"rows": score.rows, "type_recall": round(score.type_recall, 4),
                "source_recall": round(score.source_recall, 4), "events": score.events,
                "type_precision": round(score.type_precision, 4)}

    return json.dumps({
        "sentences": result.sentences,
        "overall": figures(result.overall),
        "by_type": {name: figures(s) for name, s in sorted(result.by_type.items())},
        "by_rule": {name: {"events": s.events, "annotated_type": s.events_right}
                    for name, s in sorted(result.by_rule.items())},
    }, indent=2)

"""Political events: who did what to whom, when and where, coded in CAMEO and PLOVER.

:func:`code_article` runs the rule-based coder (:mod:`.coder`) over an article's parsed body
(:mod:`pipeline.parsing`), with the entity mentions the entities stage found in it.
"""

from __future__ import annotations

from datetime import date

from pipeline.events.actors import ArticleContext
from pipeline.events.coder import EventCoder
from pipeline.parsing import BodyDoc, sentences
from pipeline.records import CodedEvent, Mention


def code_article(coder: EventCoder, bodies: list[BodyDoc], mentions: list[Mention], *,
                 anchor: date | None) -> list[CodedEvent]:
    """Every event in an article's body, in text order."""
    context = ArticleContext(mentions)
    for body in bodies:
        coder.actors.learn_roles(body.doc, context, body.char_offset)
    events: list[CodedEvent] = []
    for body in bodies:
        for index, sentence in enumerate(sentences(body.doc)):
            events += coder.code_sentence(sentence, sentence_index=body.sentence_offset + index,
                                          offset=body.char_offset, context=context,
                                          anchor=anchor)
    return _without_repeated_mentions(events)


def _without_repeated_mentions(events: list[CodedEvent]) -> list[CodedEvent]:
    """An event named again by a noun ("Wang's visit", a few sentences after the visit was
    reported) is the same event referred back to, not a new one: the first statement stays."""
    seen: set[tuple[str, str, str | None, bool]] = set()
    # "Wang's visit", with no destination, where the article also reports Wang's visit to
    # Russia: the same visit, named without its target (before or after the full report).
    targeted = {(e.cameo_code, e.actor1.code, e.negated) for e in events if e.actor2}
    # "Tehran's refusal to cooperate" where a clause says Iran refused: the guideline codes an
    # event noun only when no clause of the article states the same event (same kind of act,
    # same actor's country).
    stated = {(e.cameo_root, e.actor1.country) for e in events if not e.nominal}
    kept = []
    for event in events:
        key = (event.cameo_code, event.actor1.code,
               event.actor2.code if event.actor2 else None, event.negated)
        again = key in seen or (event.actor2 is None and key[:2] + key[3:] in targeted)
        again = again or (event.actor2 is None
                          and (event.cameo_root, event.actor1.country) in stated)
        if again and event.nominal:
            continue
        seen.add(key)
        kept.append(event)
    return kept

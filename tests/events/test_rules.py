"""Every rule and recoding does what its docstring's example says, on the real model.

The examples are sentences written for the project; the docstring is the rule's
documentation, so this test keeps the two honest.
"""

from __future__ import annotations

import re

import pytest

from pipeline.events.actors import ArticleContext
from pipeline.events.rules import RECODINGS, RULES, STOP, Site

EXAMPLE = re.compile(r'Example: "(?P<text>[^"]+)" → (?P<out>[^.]+?)(?= Example:|$)')


def _examples(functions):
    cases = []
    for function in functions:
        found = EXAMPLE.findall(" ".join((function.__doc__ or "").split()))
        assert found, f"{function.__name__} has no example in its docstring"
        cases += [pytest.param(function, text, out.strip(),
                               id=f"{function.__name__}-{i}") for i, (text, out) in
                  enumerate(found)]
    return cases


def _country(actor):
    return actor.code[:3] if actor is not None else "-"


def _check_match(events, name, expected):
    actor1, code, actor2 = expected.split()
    made = [e for e in events if name in e.rule.replace("+", " ").split()]
    assert made, f"no event by {name}: {[(e.rule, e.cameo_code) for e in events]}"
    assert any((_country(e.actor1), e.cameo_code, _country(e.actor2)) == (actor1, code, actor2)
               for e in made), [(_country(e.actor1), e.cameo_code, _country(e.actor2))
                                for e in made]


@pytest.mark.parametrize(("rule", "text", "expected"), _examples(RULES))
def test_rule_example(rule, text, expected, events_of, nlp, coder):
    if not expected.startswith("nothing from"):
        _check_match(events_of(text), rule.__name__, expected)
        return
    word = re.search(r'"([^"]+)"', expected)[1]
    assert all(e.trigger != word for e in events_of(text))
    # and it is this rule that says so, with no earlier rule deciding first
    doc = nlp(text)
    token = next(t for t in doc if t.lemma_.lower() == word)
    site = Site(token, coder.trigger_of(token), coder, ArticleContext([]), 0)
    verdicts = [(r.__name__, r(site)) for r in RULES]
    decided = next((name, v) for name, v in verdicts if v is not None)
    assert decided == (rule.__name__, STOP), decided


@pytest.mark.parametrize(("recoding", "text", "expected"), _examples(RECODINGS))
def test_recoding_example(recoding, text, expected, events_of):
    _check_match(events_of(text), recoding.__name__, expected)


def test_rule_names_are_unique():
    names = [f.__name__ for f in (*RULES, *RECODINGS)]
    assert len(names) == len(set(names))

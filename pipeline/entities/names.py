"""Which names, across articles, are one entity: the rules of cross-article resolution.

An article resolves its own mentions (:mod:`.canonical`): ``Trump`` after ``Donald Trump`` is
Donald Trump there. What an article alone cannot settle is settled here, over every *form*
(a name with its type, as some article resolved it) stored in the database:

- full names that only differ by middle names or initials are one person, when no other
  known form contradicts it (``Donald J. Trump`` is ``Donald Trump``; ``George Bush`` stays
  apart when both ``George W. Bush`` and ``George H. W. Bush`` are known);
- a one-word name (``Trump``, ``Kim``) is the one known person whose name starts or ends
  with it, and stays as it is when there are none or several;
- one name that some articles call a person and others an organization goes with the
  majority of its mentions (``Trump`` tagged ORG in some sentences).

Everything here is a pure function of the forms and their mention counts, never of the order
they were loaded in, so the same articles give the same entities however they are batched.
The database side (:mod:`pipeline.entities.store`) groups forms by their first and last word
(:func:`group_words`) and applies what :func:`resolve_group` decides.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PERSON = "PERSON"
ORG = "ORG"
FORM_TYPES = frozenset({PERSON, ORG})
"""Types whose names are resolved across articles; places and the rest are exact names."""

_WORD = re.compile(r"[^\s]+")
_NAME_WORD = re.compile(r"^[A-Z][\w'’\-]*\.?$|^[A-Z]\.$|^(?:al|el|de|van|von|der|da|di|du|"
                        r"bin|ibn|le|la|dos|das|del)$")


@dataclass(frozen=True, slots=True)
class Form:
    """One name as articles resolved it, and how many mentions it has."""

    type: str
    name: str
    mentions: int


Key = tuple[str, str]
"""An entity's identity: ``(type, name)``."""


def words(name: str) -> tuple[str, ...]:
    """Lower-case words of a name, without the periods of initials and abbreviations."""
    return tuple(w.lower().replace(".", "") for w in _WORD.findall(name) if w.strip(".")) or ()


def _is_initial(word: str) -> bool:
    return len(word) == 1


def group_words(name: str) -> frozenset[str]:
    """The words a form is grouped (and locked) by: its first and last word."""
    found = words(name)
    return frozenset({found[0], found[-1]}) if found else frozenset()


def is_name_like(name: str, is_org_word: Callable[[str], bool]) -> bool:
    """A name an organization and a person could share: one to four capitalized words, none
    of which makes an organization (``Trump``, ``Montell Figgins``, not ``Trump Organization``
    or ``NASA``)."""
    parts = name.split()
    return (1 <= len(parts) <= 4 and all(_NAME_WORD.match(p) for p in parts)
            and any(p[0].isupper() and not p.isupper() for p in parts)
            and not any(is_org_word(p) for p in parts))


def _middle(name: str) -> tuple[str, ...]:
    return words(name)[1:-1]


def _compatible(a: str, b: str) -> bool:
    """Two full names with the same first and last word whose middles do not disagree: one has
    none, or each middle word equals the other's or is its initial (``J.`` and ``John``)."""
    ma, mb = _middle(a), _middle(b)
    if not ma or not mb:
        return True
    if len(ma) != len(mb):
        return False
    return all(x == y or (_is_initial(x) and y.startswith(x)) or (_is_initial(y)
               and x.startswith(y)) for x, y in zip(ma, mb, strict=True))


def _preferred(names: Iterable[str]) -> str:
    """The name a set of variants goes by: the fewest words, then the shortest, then the
    first alphabetically (so it does not depend on which was seen first)."""
    return min(names, key=lambda n: (len(words(n)), len(n), n))


def _person_clusters(full_names: Iterable[str]) -> dict[str, str]:
    """Full person names → the name of the person they are (variants share one)."""
    buckets: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in sorted(set(full_names)):
        w = words(name)
        buckets[(w[0], w[-1])].append(name)
    target: dict[str, str] = {}
    for names in buckets.values():
        bare = [n for n in names if not _middle(n)]
        specific = [n for n in names if _middle(n)]
        classes: list[list[str]] = []
        for name in specific:
            joined = [c for c in classes if all(_compatible(name, other) for other in c)]
            if len(joined) == 1:
                joined[0].append(name)
            else:  # fits none, or two classes that contradict each other: on its own
                classes.append([name])
        if len(classes) > 1 or not classes:
            # The bare name joins the variants only when they are one person.
            for name in bare:
                target[name] = _preferred(bare)
            for members in classes:
                for name in members:
                    target[name] = _preferred(members)
            continue
        members = classes[0] + bare
        for name in members:
            target[name] = _preferred(members)
    return target


def resolve_group(forms: Iterable[Form], *, participating: Callable[[Key], bool]
                  ) -> dict[Key, Key]:
    """Where each form goes: ``(type, name)`` of the form → ``(type, name)`` of its entity.

    ``forms`` must hold every stored form that shares a first or last word with the forms to
    decide (the forms of their groups). Forms without mentions are decided too, but are not
    known: they make no name ambiguous. ``participating`` says which ORG forms may turn out
    to be people (a name-like name that is not a known organization).
    """
    known = {(f.type, f.name): f for f in forms if f.mentions > 0}
    votes = {key: f.mentions for key, f in known.items()}

    def as_person(key: Key) -> bool:
        """The name's PERSON mentions outnumber its ORG mentions (or the other way round)."""
        kind, name = key
        person, org = votes.get((PERSON, name), 0), votes.get((ORG, name), 0)
        if kind == ORG:
            return participating(key) and person > org
        return not (participating((ORG, name)) and org > person)

    person_names = {name for (kind, name) in known if as_person((kind, name))}
    full = [n for n in person_names if len(words(n)) >= 2]
    clusters = _person_clusters(full)
    by_word: dict[str, set[str]] = defaultdict(set)
    for name, target in clusters.items():
        w = words(name)
        by_word[w[0]].add(target)
        by_word[w[-1]].add(target)
    decided: dict[Key, Key] = {}
    for form in forms:
        key = (form.type, form.name)
        name = form.name
        if not as_person(key):
            decided[key] = (ORG, name)
            continue
        w = words(name)
        if len(w) == 1:
            candidates = by_word.get(w[0], set())
            decided[key] = (PERSON, next(iter(candidates)) if len(candidates) == 1 else name)
        elif name in clusters:
            decided[key] = (PERSON, clusters[name])
        else:  # a form no mention uses any more: with the one known person it fits, if any
            fits = {target for other, target in clusters.items()
                    if words(other)[0] == w[0] and words(other)[-1] == w[-1]
                    and _compatible(name, other)}
            decided[key] = (PERSON, next(iter(fits)) if len(fits) == 1 else name)
    return decided

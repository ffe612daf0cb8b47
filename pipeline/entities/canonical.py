"""From spaCy's entity spans to canonical entities: the part raw NER gets wrong.

Two passes. :func:`candidates_from_doc` works on one parsed text and looks at the words around
each span: it strips titles and roles from names, drops role fragments (``US National Security``
in ``US National Security Adviser Jake Sullivan``) and notes the country a role phrase gives a
name (``Chinese Foreign Minister Wang Yi`` → CHN). :func:`resolve_mentions` works on a whole
article: short names resolve to the full name seen in the same article (``Wang`` → ``Wang Yi``),
nationality adjectives and aliases resolve to one country entity, and every mention gets its
canonical entity.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from pipeline.gazetteer import CountryRef, Gazetteer
from pipeline.parsing import sentences
from pipeline.records import Mention

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW",
                           "PRODUCT", "WORK_OF_ART", "LANGUAGE"})
"""spaCy labels that name things; dates, numbers and amounts are not entities here."""

LABEL_ALIASES = {"PER": "PERSON"}
"""Labels of models trained on other schemes (spaCy's French, German and other WikiNER
models tag ``PER``, ``LOC``, ``ORG`` and ``MISC``) as the ones used here; ``MISC`` is left
out."""

_PLACE_LABELS = frozenset({"GPE", "NORP", "LOC", "ORG", "PERSON", "FAC"})
_SHORT_NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT",
                                "WORK_OF_ART", "EVENT"})
_TITLE_JOINERS = frozenset({"of", "the", "for", "and", "-"})
_POSSESSIVES = frozenset({"'s", "’s", "'", "’"})


@dataclass(slots=True)
class Candidate:
    """One entity span of one parsed text, with what its context says."""

    text: str
    label: str
    start_char: int
    end_char: int
    sentence_index: int
    section: str
    name_tokens: tuple[str, ...]
    role_country: str | None = None
    person: bool = False
    """The name is a person's: spaCy said PERSON, or ORG right after a person's title."""
    headline_case: bool = False
    """The span stands in a line whose words are mostly capitalized (a title, a heading), where
    capitals say nothing about where a name ends."""


def _leading_country(words: list[str], gazetteer: Gazetteer) -> tuple[CountryRef | None, int]:
    """A country named by the first one to three words (``North Korean leader`` → PRK, 2)."""
    for width in (3, 2, 1):
        if len(words) >= width:
            ref = gazetteer.country(" ".join(words[:width]), local_places=False)
            if ref is not None:
                return ref, width
    return None, 0


def _span_country(words: list[str], gazetteer: Gazetteer, *,
                  local_places: bool = False) -> CountryRef | None:
    """The country a span names as a whole or starts with (``Russian Foreign Ministry``)."""
    return gazetteer.country(" ".join(words), local_places=local_places) or _leading_country(
        words, gazetteer)[0]


def _country_at(doc: Doc, index: int, gazetteer: Gazetteer, *,
                local_places: bool = False) -> CountryRef | None:
    """The country named by the entity (or words) ending at token ``index``."""
    if index < 0:
        return None
    for ent in doc.ents:
        if ent.start <= index < ent.end:
            return _span_country([t.text for t in doc[ent.start:index + 1]], gazetteer,
                                 local_places=local_places)
    for width in (3, 2, 1):
        if index - width + 1 >= 0:
            ref = gazetteer.country(doc[index - width + 1:index + 1].text,
                                    local_places=local_places)
            if ref is not None:
                return ref
    return None


def _role_country_before(doc: Doc, start: int, gazetteer: Gazetteer) -> str | None:
    """Country of a role phrase right before a name: ``Russian President``, ``China's top
    diplomat,``, ``US National Security Adviser``, ``Kentucky Gov.``, ``Democratic Sen.``,
    ``Congresswoman``. At least one title word is required."""
    i = start - 1
    if i >= 0 and doc[i].text == ",":  # appositive: "China's top diplomat, Wang Yi"
        i -= 1
    titles, affiliated = 0, None
    while i >= 0 and (gazetteer.is_title_word(doc[i].text)
                      or (titles and doc[i].lower_ in _TITLE_JOINERS)):
        titles += gazetteer.is_title_word(doc[i].text)
        affiliated = affiliated or gazetteer.affiliation(doc[i].text)
        i -= 1
    if not titles:
        return None
    if i >= 0 and doc[i].text in _POSSESSIVES:
        i -= 1
    # A state or a city before a title is the office's place ("Kentucky Gov.", "London Mayor").
    ref = _country_at(doc, i, gazetteer, local_places=True)
    if ref is not None:
        return ref.alpha3
    # A national body before a title is its country's ("Kremlin spokesman", "Pentagon chief").
    body = next((ent for ent in doc.ents if ent.start <= i < ent.end), None) if i >= 0 else None
    known = gazetteer.organization(body.text) if body is not None else None
    if known is not None and known.country_code:
        return known.country_code
    return affiliated or (gazetteer.affiliation(doc[i].text) if i >= 0 else None)


_PARTY_TAG = re.compile(r"^\s*[(,]\s*[DRI]\s?-\s?[A-Z][A-Za-z]*\.?")
"""A US lawmaker's party and state after the name: ``(D-Calif.)``, ``, R-Texas``."""
_APPOSITIVE_STOPS = frozenset({"to", "in", "at", "who", "which", "that", "with", "on", "for",
                               "since", "and", "but"})
_APPOSITIVE_WORDS = 8


def _role_country_after(doc: Doc, end: int, gazetteer: Gazetteer) -> str | None:
    """Country of a role stated after a name: a party tag (``Adam Schiff (D-Calif.)``), or an
    appositive with a title (``Gordon Sondland, the U.S. ambassador to the EU``, ``Jane Roe,
    a Democratic senator from Ohio``, ``Sergei Lavrov, Russia's foreign minister``). Only the
    words before ``to`` or ``in`` count: "ambassador to Ukraine" names the host, not hers."""
    if end >= len(doc):
        return None
    if _PARTY_TAG.match(doc.text[doc[end - 1].idx + len(doc[end - 1].text):][:20]):
        return "USA"
    if doc[end].text != ",":
        return None
    words: list[Token] = []
    for token in doc[end + 1:end + 1 + _APPOSITIVE_WORDS]:
        if (token.is_punct and token.text not in (".", "-")) or token.lower_ in _APPOSITIVE_STOPS \
                or token.pos_ in ("VERB", "AUX"):
            break
        words.append(token)
    if not any(gazetteer.is_title_word(t.text) for t in words):
        return None
    for i, token in enumerate(words):
        if token.lower_ in ("the", "a", "an", "of", "from", "former") or token.is_punct:
            continue
        affiliated = gazetteer.affiliation(token.text)
        if affiliated:
            return affiliated
        for width in (3, 2, 1):
            if i + width <= len(words):
                ref = gazetteer.country(" ".join(t.text for t in words[i:i + width]),
                                        local_places=True)
                if ref is not None:
                    return ref.alpha3
    return None


def _is_title_or_joiner(token: Token, gazetteer: Gazetteer) -> bool:
    return gazetteer.is_title_word(token.text) or token.lower_ in _TITLE_JOINERS


def _is_role_fragment(ent: Span, gazetteer: Gazetteer) -> bool:
    """A non-person span that is really the front of a title: all its words after an optional
    country are title words, and the words after it lead, through more title words, to a name."""
    words = [t for t in ent if t.text not in _POSSESSIVES]
    _ref, width = _leading_country([t.text for t in words], gazetteer)
    rest = words[width:]
    if not rest or not all(_is_title_or_joiner(t, gazetteer) for t in rest):
        return False
    doc = ent.doc
    i = ent.end
    while i < len(doc) and _is_title_or_joiner(doc[i], gazetteer):
        i += 1
    return i < len(doc) and doc[i].ent_type_ == "PERSON"


def _name_bounds(ent: Span, gazetteer: Gazetteer) -> tuple[int, int]:
    """Token bounds of the name inside a span: leading "the", roles and trailing possessives off."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while end > start and doc[end - 1].text in _POSSESSIVES:
        end -= 1
    if start < end and doc[start].lower_ == "the":
        start += 1
    if LABEL_ALIASES.get(ent.label_, ent.label_) == "PERSON":
        # "Russian President Vladimir Putin" tagged whole: skip the country and the titles.
        _ref, width = _leading_country([t.text for t in doc[start:end - 1]], gazetteer)
        titled = start + width
        while titled < end - 1 and _is_title_or_joiner(doc[titled], gazetteer):
            titled += 1
        if titled > start + width:
            start = titled
    return start, end


_LOCATIVES = frozenset({"in", "near", "at", "from", "outside", "around", "to", "toward",
                        "towards", "across", "into", "inside", "via", "through", "beyond"})
_NEAR = frozenset({"near", "outside", "around"})
"""Prepositions after which an unknown one-word name is a place, not a person."""
_NAME_PARTICLES = frozenset({"al", "el", "de", "van", "von", "der", "da", "di", "du", "bin",
                             "ibn", "dos", "das", "del", "ben"})
_FUNCTION_WORDS = frozenset({"of", "the", "and", "a", "an", "to", "in", "on", "for", "at",
                             "by", "with", "from", "or", "as", "is", "are", "was"})
"""Words a capitalized heading runs into a name ("Bank Of"); not every stop word: ``May``,
``Will`` and ``US`` end names."""
_SCORE = re.compile(r"^\d+(?:[-–:/]\d+)+$")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
"""Labels whose names never hold a number (a product or a law can: ``Windows 10``)."""


def _letters(token: Token) -> bool:
    return any(ch.isalpha() for ch in token.text)


def _is_number(token: Token, label: str) -> bool:
    """A score (``6-4``) in any name; a digits-only token in the name of a person,
    organization or place; a year in any other (``Tomb Raider 2013``)."""
    if _letters(token) or not any(ch.isdigit() for ch in token.text):
        return False
    return bool(_SCORE.match(token.text)) or label in _NAME_LABELS or bool(
        _YEAR.match(token.text))


def _is_particle(doc: Doc, i: int, end: int) -> bool:
    """``al`` in ``al-Tanf``, ``de`` in ``de Blasio``: lower case, but part of the name."""
    j = i + 1
    if j < end and doc[j].text == "-":
        j += 1
    return doc[i].lower_ in _NAME_PARTICLES and j < end and doc[j].text[:1].isupper()


def _tidy_bounds(doc: Doc, start: int, end: int, label: str,
                 gazetteer: Gazetteer) -> tuple[int, int]:
    """Bounds without what the model ran on into: leading lower-case words and symbols
    (``rang Taylor``, ``a MacBook Pro``, ``¼ cup``), anything from a score or number on
    (``Nicolas Jarry 6-4``), and trailing punctuation, lower-case or stop words and adverbs
    (``MacBook Pro Impressively``)."""
    while start < end and (not _letters(doc[start]) or (
            doc[start].text[:1].islower() and not _is_particle(doc, start, end))):
        start += 1
    for i in range(start, end):
        if _is_number(doc[i], label):
            end = i
            break
    if label == "PERSON":  # a person's name holds no possessive: "Trump’s Made-for-TV Trade"
        end = next((i for i in range(start + 1, end) if doc[i].text in _POSSESSIVES), end)
    while end > start + 1 and (
            not _letters(doc[end - 1]) or doc[end - 1].text[:1].islower()
            or doc[end - 1].lower_ in _FUNCTION_WORDS or gazetteer.is_adverb(doc[end - 1].text)):
        end -= 1
    return start, end


def _in_headline_case(doc: Doc, start: int, end: int) -> bool:
    """Most words of the span's line (at least three, the span left out) are capitalized."""
    first, last = start, end
    while first > 0 and "\n" not in doc[first - 1].text_with_ws:
        first -= 1
    while last < len(doc) and "\n" not in doc[last - 1].text_with_ws:
        last += 1
    words = [t for t in (*doc[first:start], *doc[end:last]) if t.is_alpha]
    return len(words) >= 2 and sum(t.text[:1].isupper() for t in words) >= 0.7 * len(words)


def _place_by_context(doc: Doc, start: int, end: int, gazetteer: Gazetteer) -> str | None:
    """``GPE`` or ``LOC`` for a span tagged PERSON or ORG that the words before it say is a
    place: a known place after a locative preposition (``in Goma``), or an unknown one-word or
    ``al-`` name after ``near``/``outside``/``around`` (``near Palmyra``)."""
    if start == 0 or doc[start - 1].lower_ not in _LOCATIVES:
        return None
    if end < len(doc) and doc[end].text in _POSSESSIVES:
        return None  # "in Trump's speech"
    name = doc[start:end].text
    if gazetteer.country(name, local_places=True) is not None:
        return "GPE"
    particle = _is_particle(doc, start, end)
    if (doc[start - 1].lower_ in _NEAR or particle) and (end - start == 1 or particle) \
            and gazetteer.person(name) is None and gazetteer.organization(name) is None:
        return "LOC"
    return None


def _is_titled_name(name: Span, gazetteer: Gazetteer) -> bool:
    """A span tagged ORG that is a person's name after their title (``German Chancellor`` +
    ``Olaf Scholz``): a title word right before it, and two to four capitalized words, none of
    them a title, a country or a word that makes an organization (``Polish Border Guard``)."""
    words = list(name)
    return (name.start > 0 and gazetteer.is_title_word(name.doc[name.start - 1].text)
            and 2 <= len(words) <= 4
            and all(t.is_title and t.text.replace("-", "").isalpha() for t in words)
            and not any(gazetteer.is_title_word(t.text) or gazetteer.is_org_word(t.text)
                        or gazetteer.country(t.text, local_places=False) is not None
                        for t in words))


def candidates_from_doc(doc: Doc, gazetteer: Gazetteer, *, char_offset: int = 0,
                        sentence_offset: int = 0, section: str = "body") -> list[Candidate]:
    """Entity candidates of one parsed text, with offsets shifted into the article's text."""
    sentence_starts = [s.start for s in sentences(doc)] or [0]
    candidates = []
    for ent in doc.ents:
        ent_label = LABEL_ALIASES.get(ent.label_, ent.label_)
        if ent_label not in ENTITY_LABELS:
            continue
        if ent_label != "PERSON" and _is_role_fragment(ent, gazetteer):
            continue
        start, end = _name_bounds(ent, gazetteer)
        start, end = _tidy_bounds(doc, start, end, ent_label, gazetteer)
        name = doc[start:end]
        if not any(t.text[:1].isupper() for t in name):
            continue  # nothing of a name is left ("¼ cup feta")
        label = ent_label
        if label in ("PERSON", "ORG"):
            label = _place_by_context(doc, start, end, gazetteer) or label
        person = label == "PERSON" or (
            label == "ORG" and _is_titled_name(name, gazetteer))
        role_country = None
        if label == "ORG" and not person:
            ref = _span_country([t.text for t in name], gazetteer) or _country_at(
                doc, start - 1, gazetteer)
            role_country = ref.alpha3 if ref else None
        if label in ("PERSON", "ORG"):  # a place's country is its own, never a role's
            role_country = role_country or _role_country_before(doc, start, gazetteer)
        if person:
            role_country = role_country or _role_country_after(doc, end, gazetteer)
        candidates.append(Candidate(
            text=name.text,
            label=label,
            start_char=char_offset + name.start_char,
            end_char=char_offset + name.end_char,
            sentence_index=sentence_offset + bisect_right(sentence_starts, start) - 1,
            section=section,
            name_tokens=tuple(t.text for t in name),
            role_country=role_country,
            person=person,
            headline_case=section == "title" or _in_headline_case(doc, start, end),
        ))
    return candidates


@dataclass(slots=True)
class _Entity:
    name: str
    type: str
    country_code: str | None
    by_name_only: bool = False
    """Found only by looking its name up in a world-wide table of cities, which the article's
    own longer names outrank (``Union`` is a US city and, after ``European Union``, the EU)."""


def _contains(full: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(full[i:i + n] == part for i in range(len(full) - n + 1))


def _full_name_for(index: int, candidates: list[Candidate]) -> Candidate | None:
    """The longer PERSON name this short mention abbreviates: nearest before, else first after."""
    short = candidates[index]
    if short.label not in _SHORT_NAME_LABELS or len(short.name_tokens) > 2:
        return None
    matches = [
        (i, c) for i, c in enumerate(candidates)
        if c.person and len(c.name_tokens) > len(short.name_tokens)
        and _contains(c.name_tokens, short.name_tokens)
    ]
    before = [c for i, c in matches if i < index]
    if before:
        return before[-1]
    return matches[0][1] if matches else None


def _entity_for(index: int, candidates: list[Candidate], gazetteer: Gazetteer) -> _Entity:
    cand = candidates[index]
    org = gazetteer.organization(cand.text)
    if org is not None:
        return _Entity(org.name, org.type, org.country_code)
    if cand.label in _PLACE_LABELS:
        # Exact country names, aliases, demonyms and capitals, whatever spaCy called them
        # ("Kyiv" as PERSON, "Minsk" as ORG); subdivisions and cities only where spaCy saw a place.
        ref = gazetteer.country(cand.text, local_places=cand.label in ("GPE", "LOC"))
        if ref is not None and ref.kind in ("name", "alias", "demonym"):
            return _Entity(ref.country_name, "GPE", ref.alpha3)
        if ref is not None:
            return _Entity(ref.form, "GPE" if cand.label != "LOC" else "LOC", ref.alpha3,
                           by_name_only=ref.kind == "city")
    full = _full_name_for(index, candidates)
    if full is not None:
        return _Entity(_capitalized(full.text), "PERSON", None)
    if cand.person:
        return _Entity(_capitalized(cand.text), "PERSON", None)
    return _Entity(_capitalized(cand.text), cand.label,
                   cand.role_country if cand.label != "NORP" else None)


def _capitalized(name: str) -> str:
    """An entity name starts upper-case even when its mention starts with a particle
    (``al-Tanf`` → ``Al-Tanf``, as at the start of a sentence); the mention keeps its text."""
    return name[:1].upper() + name[1:] if name[:1].islower() else name


def _without_run_on_words(candidates: list[Candidate], gazetteer: Gazetteer
                          ) -> list[Candidate]:
    """A name in a title or heading that the article also uses shorter, followed by ordinary
    words, is the shorter name: ``Stadia Offer`` in "What Does Stadia Offer?" where the article
    names ``Stadia`` alone, ``Stadia Falls Short``. In running text capitals mark where a name
    ends (``Mike Ford``, even where the article also says ``Mike``); and the shorter name must
    be named more often than the longer one, and every word cut an English verb, adjective or
    adverb."""
    names = Counter(c.text for c in candidates)
    in_text = {c.text for c in candidates if not c.headline_case}
    tidy = []
    for cand in candidates:
        if cand.text in in_text:
            tidy.append(cand)
            continue
        cut = max((p for p in names if len(p) < len(cand.text) and cand.text.startswith(p)
                   and names[p] > names[cand.text]
                   and cand.text[len(p)] in " \n"
                   and all(gazetteer.is_common_word(w.strip(".,:;!?"))
                           for w in cand.text[len(p):].split())), key=len, default=None)
        if cut is not None:
            dropped = len(cand.text[len(cut):].split())
            cand = replace(cand, text=cut, end_char=cand.start_char + len(cut),
                           name_tokens=cand.name_tokens[:max(1, len(cand.name_tokens)
                                                              - dropped)])
        tidy.append(cand)
    return tidy


_PLACE_TYPES = frozenset({"GPE", "LOC"})
_TYPE_PREFERENCE = ("GPE", "LOC", "ORG", "NORP", "FAC")
"""Which type a name takes when its mentions in one article got as many votes for two."""


def _one_type_per_name(entities: list[_Entity]) -> list[_Entity]:
    """One name, one entity within an article: the model can tag the same words GPE in one
    sentence and LOC (or ORG and WORK_OF_ART) in the next. The type most mentions got wins.
    People are left out: a person and a place can share a name."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entities:
        if entity.type != "PERSON":
            votes[entity.name][entity.type] += 1
    chosen: dict[str, _Entity] = {}
    for name, counts in votes.items():
        if len(counts) > 1:
            kind = max(counts, key=lambda t: (counts[t], -_preference(t)))
            country = next((e.country_code for e in entities
                            if e.name == name and e.country_code), None)
            chosen[name] = _Entity(name, kind, country)
    return [entity if entity.type == "PERSON" else chosen.get(entity.name, entity)
            for entity in entities]


def _preference(kind: str) -> int:
    return _TYPE_PREFERENCE.index(kind) if kind in _TYPE_PREFERENCE else len(_TYPE_PREFERENCE)


def _longer_name_for(cand: Candidate, entity: _Entity, entities: list[_Entity]) -> _Entity:
    """A short name nothing else resolved (or only the cities table), that ends the name of
    exactly one other entity of the article, is that entity: ``Commission`` after ``European
    Commission``, ``Union`` after ``the EU``, ``Congo`` after ``Democratic Republic of the
    Congo``. With two such entities (``European Union`` and ``African Union``) it stays."""
    unresolved = entity.by_name_only or (entity.type != "PERSON" and entity.country_code is None
                                         and entity.name == cand.text)
    if not unresolved or len(cand.name_tokens) > 2:
        return entity
    short = tuple(t.lower() for t in cand.name_tokens)
    longer = {(e.name, e.type): e for e in entities
              if e.type != "PERSON" and not e.by_name_only
              and (_same_kind(e.type, entity.type) or entity.by_name_only)
              and _name_ends_with(e.name, short)}
    return next(iter(longer.values())) if len(longer) == 1 else entity


def _same_kind(a: str, b: str) -> bool:
    return a == b or (a in _PLACE_TYPES and b in _PLACE_TYPES)


def _name_ends_with(name: str, short: tuple[str, ...]) -> bool:
    words = tuple(name.lower().split())
    return len(words) > len(short) and words[-len(short):] == short


def resolve_mentions(candidates: list[Candidate], gazetteer: Gazetteer) -> list[Mention]:
    """Canonical entity for every candidate of one article, in the article's order."""
    ordered = sorted(_without_run_on_words(candidates, gazetteer),
                     key=lambda c: (c.section != "title", c.start_char))
    entities = [_entity_for(i, ordered, gazetteer) for i in range(len(ordered))]
    entities = [_longer_name_for(cand, entity, entities)
                for cand, entity in zip(ordered, entities, strict=True)]
    entities = _one_type_per_name(entities)
    # A person's country is the first one a role phrase gives any of their mentions.
    person_country: dict[str, str] = {}
    for cand, entity in zip(ordered, entities, strict=True):
        if entity.type == "PERSON" and cand.role_country:
            person_country.setdefault(entity.name, cand.role_country)
    mentions = []
    for cand, entity in zip(ordered, entities, strict=True):
        country = entity.country_code
        if entity.type == "PERSON":
            country = person_country.get(entity.name)
        mentions.append(Mention(
            text=cand.text,
            label=cand.label,
            start_char=cand.start_char,
            end_char=cand.end_char,
            sentence_index=cand.sentence_index,
            section=cand.section,
            entity_name=entity.name,
            entity_type=entity.type,
            country_code=country,
        ))
    return mentions


def with_known_countries(mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """People the article gives no country get the one the people table knows them by
    (office holders from the Phoenix dictionaries: ``Vladimir Putin``, ``Netanyahu``).

    Applied after event coding: the table says who a person is, not which office they hold
    in the sentence ("EU envoy Miroslav Lajčák" acts for the EU, not for Slovakia), and the
    event coder reads roles from the sentence.
    """
    found: list[Mention] = []
    for mention in mentions:
        if mention.entity_type == "PERSON" and mention.country_code is None:
            known = gazetteer.person(mention.entity_name)
            if known is not None and known.country_code:
                mention = replace(mention, country_code=known.country_code)
        found.append(mention)
    return found

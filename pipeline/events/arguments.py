"""Who did it and to whom: the actor pairs of a verb or noun trigger.

The subject is the source and the object the target; in the passive the ``by`` agent is the
source; light verbs ("held talks with", "imposed sanctions on") lend their subject to the
noun; nominal events take their source from a possessive or ``from``/``by`` and their target
from ``with``/``to``/``against``/``on``/``between``; receiving verbs ("faced accusations
from") swap the roles. Plural references ("both sides", "them") stand for the actors named
before them. Every phrase becomes an :class:`~pipeline.records.Actor` through the actor
coder; only actors known by country, or international bodies, are kept.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Token

from pipeline.events.actors import ActorCoder, ArticleContext
from pipeline.events.lexicon import Trigger
from pipeline.events.syntax import (
    children,
    criticised,
    group_size,
    joined_group,
    pobjs,
    referents,
    subject,
    with_conjuncts,
)
from pipeline.events.wordlists import WordLists
from pipeline.records import Actor

Pairs = list[tuple[Actor, Actor | None]]

GROUP_LOOKBACK = 3
"""Sentences (this one included) searched for the actors "both sides" stand for."""
ACTOR_LABELS = ("PERSON", "GPE", "ORG")
"""Entity labels whose names "both sides" can stand for."""


def placed(actor: Actor) -> bool:
    """Whether an actor is known by its country or its role, or is an international body,
    or is a person named in the text ("Buhari attended the summit")."""
    return identified(actor) or bool(actor.role) or actor.entity_type == "PERSON"


def identified(actor: Actor) -> bool:
    """Whether an actor is known by its country, or is an international body."""
    return bool(actor.country) or actor.code == "IGO"


class Arguments:
    """Finds the actor pairs of triggers; one instance serves a whole run."""

    def __init__(self, actors: ActorCoder, words: WordLists,
                 trigger_of: Callable[[Token], Trigger | None]) -> None:
        self.actors = actors
        self.words = words
        self._trigger = trigger_of

    def groups(self, tokens: list[Token], context: ArticleContext,
               offset: int) -> list[Token]:
        """Plural references replaced by the actors they stand for: a group joined by "and"
        earlier in the sentence, or for "both leaders", "the two sides" the last actors of
        as many different countries named in the sentences just before."""
        resolved: list[Token] = []
        for token in tokens:
            size = group_size(token, self.words)
            if size is None:
                resolved.append(token)
                continue
            group = joined_group(token, size, self.words)
            if not group and size:
                group = self._recent_actors(token, size, context, offset)
            resolved.extend(group)
        return resolved

    def _recent_actors(self, token: Token, size: int, context: ArticleContext,
                       offset: int) -> list[Token]:
        sentences = [s for s in token.doc.sents if s.start <= token.i][-GROUP_LOOKBACK:]
        leaders = token.lemma_.lower() in self.words.leader_group_nouns
        found: dict[str, Token] = {}
        for entity in reversed([e for e in token.doc.ents if e.start >= sentences[0].start
                                and e.end <= token.i]):
            candidate = entity.root
            if entity.label_ not in ACTOR_LABELS or candidate.dep_ == "compound":
                continue  # "the Belgrade-Pristina dialogue" names no actor
            if any(a.dep_ == "prep" and a.lower_ in self.words.place_preps
                   for a in candidate.ancestors):
                continue  # a place where something happens: "met in Brussels"
            actor = self.actors.actor(candidate, context, offset)
            if actor is None or (leaders and not actor.role):
                continue  # leaders are people in office, not countries
            if actor.country and actor.country not in found:
                found[actor.country] = candidate
                if len(found) == size:
                    return sorted(found.values(), key=lambda t: t.i)
        return []

    def target(self, token: Token, context: ArticleContext, offset: int) -> Actor | None:
        """The actor a target phrase stands for; a thing that belongs to an actor, or that an
        actor's name or adjective qualifies, stands for that actor ("does not recognise
        Kosovo's declaration", "condemned the Russian invasion", "vetoed a U.S.-drafted
        resolution")."""
        actor = self.actors.actor(token, context, offset)
        if actor is None and token.pos_ == "NOUN":
            # "Kosovo's declaration", "the Russian invasion", "a U.S.-drafted resolution"
            modifiers = children(token, "poss", "compound", "amod", "nmod")
            owners = [m for m in modifiers if m.dep_ == "poss" and m.lower_ not in
                      self.words.own_possessives] + [
                m for m in modifiers if m.dep_ != "poss" and m.ent_type_ in (
                    "GPE", "NORP", "ORG")] + [
                n for m in modifiers if m.dep_ == "amod"
                for n in children(m, "npadvmod", "compound") if n.ent_type_ in ("GPE", "ORG")]
            for owner in owners:
                found = self.actors.actor(owner, context, offset)
                if found is not None:
                    return found
            for modifier in modifiers:
                found = self.actors.compound_owner(modifier) if modifier.dep_ == "amod" else None
                if found is not None:
                    return found  # "vetoed a U.S.-drafted resolution"
            act = self._trigger(token)
            judged = self._trigger(token.head) if token.dep_ == "dobj" else None
            objected = (judged is not None
                        and judged.cameo[:2] in self.words.objecting_roots) or (
                token.dep_ == "nsubj" and criticised(token.head, self.words))
            if act is not None and objected and not owners \
                    and any(d.lower_ == "the" for d in children(token, "det")):
                # "criticised the sanctions", "condemned the agreement", owner unnamed: the
                # act the article reported, and its doer is the one criticised
                return context.doers.get(act.cameo[:2])
        return actor

    def pairs(self, sources: list[Token], targets: list[Token], context: ArticleContext,
              offset: int) -> Pairs:
        """Every (source, target) actor pair of the phrases, ``None`` for no target."""
        sources = self.groups(referents(sources, self.words), context, offset)
        # "Alexander Korolev, an expert on China-Russia relations, suggests ...": what a
        # commentator says is an opinion, not an act of a party
        sources = [t for t in sources if not any(
            a.lemma_.lower() in self.words.commentator_nouns for a in children(t, "appos"))]
        targets = self.groups(referents(targets, self.words), context, offset)
        actors1 = [a for t in sources for a in (self.actors.members(t, context, offset)
                                                 or [self.actors.actor(t, context, offset)
                                                     or self.actors.unresolved(t)])
                   if a]
        actors2 = [a for t in targets for a in (self.actors.members(t, context, offset)
                                                 or [self.target(t, context, offset)
                                                     or self.actors.unresolved(t)])
                   if a]
        actors2 = [a for a in actors2 if all(a.code != b.code or a.text != b.text
                                             for b in actors1)]
        if context.several_countries and not context.main_country:
            # "The Interior Ministry declined", in a story about Poland and Belarus: whose
            # ministry is a guess, and a source that is only a guess is not coded; people
            # ("a man crossing from Belarus") may be of no known country: CVL alone
            actors1 = [a for a in actors1 if a.country or a.code == "IGO" or not a.role
                       or a.entity_type or a.role in self.words.stateless_roles]
        # One side at least must be placed: known by country or role, or an international
        # body. Two unplaced phrases ("the company", "the man") are no political event.
        return [(a1, a2) for a1 in actors1 for a2 in (actors2 or [None])
                if placed(a1) or (a2 is not None and placed(a2))]

    def of_verb(self, verb: Token, context: ArticleContext, offset: int) -> Pairs:
        """The pairs of a verb: subject and object, passive agent and subject, or the
        recipient after a preposition when the object is a thing."""
        subjects, passive = subject(verb)
        targets: list[Token] = []
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and children(verb, "agent"):
            # A passive participle after its noun: "a move condemned by Azerbaijan", "the
            # deal brokered by Türkiye": the agent acts on the noun.
            sources = [t for _prep, pobj in pobjs(verb, self.words.source_preps)
                       for t in with_conjuncts(pobj)]
            targets = [verb.head]
        elif passive:
            sources = [t for _prep, pobj in pobjs(verb, self.words.source_preps)
                       for t in with_conjuncts(pobj)]
            targets = [t for s in children(verb, "nsubjpass") for t in with_conjuncts(s)]
        else:
            sources = subjects
            for obj in children(verb, "dobj"):
                targets.extend(with_conjuncts(obj))
            if not any(self.target(t, context, offset)
                       for t in self.groups(referents(targets, self.words), context, offset)):
                # "supplied weapons to Ukraine", "deploy missile systems to the Philippines":
                # when the object is a thing, the one it goes to is the target
                targets = []
            if not targets:
                targets = [t for _prep, pobj in pobjs(verb, self.words.target_preps)
                           for t in with_conjuncts(pobj)]
            if not targets and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN") \
                    and children(verb, "nsubj") and not any(
                        t.tag_ in ("WDT", "WP", "WP$") for t in verb.subtree):
                # "an offer Pyongyang refused": the object is the noun the clause hangs on
                targets = [verb.head]
        return self.pairs(sources, targets, context, offset)

    def slot(self, noun: Token) -> Token:
        """The phrase that fills the verb's slot for an event noun: the noun itself, or the
        measure it is counted in ("began a week of exercises", "imposed a new round of
        sanctions"), when that measure is neither an event nor an actor itself."""
        of = noun.head
        if noun.dep_ != "pobj" or of.lower_ != "of":
            return noun
        measure = of.head
        if (measure.dep_ in ("dobj", "nsubjpass") and self._trigger(measure) is None
                and (measure.ent_type_ in ("DATE", "TIME", "CARDINAL", "QUANTITY")
                     or measure.lemma_.lower() in self.words.measure_nouns)):
            return measure
        return noun

    def of_noun(self, noun: Token, context: ArticleContext, offset: int) -> Pairs:
        """The pairs of an event noun: its possessive and prepositions, else the light verb
        whose object it is."""
        words = self.words
        # "began their exercises", "intensified its bombardment": after a verb, a possessive
        # pronoun other than his/her repeats the verb's subject, which is the source below.
        light = noun.dep_ == "dobj" and noun.head.pos_ == "VERB"
        sources: list[Token] = [p for p in children(noun, "poss") if not light
                                or p.pos_ != "PRON" or p.lower_ in ("his", "her")]
        targets: list[Token] = []
        act = self._trigger(noun)
        if act is not None and act.cameo[:2] in words.patient_of_roots:
            # "Russia's invasion of Ukraine", "the release of two nationals": after an act
            # done to someone, "of" names whom it is done to
            targets += [t for _p, pobj in pobjs(noun, frozenset({"of"}))
                        for t in with_conjuncts(pobj)]
        for prep, pobj in pobjs(noun, words.target_preps | words.source_preps | {"between"}):
            if prep in words.source_preps:
                sources.extend(with_conjuncts(pobj))
            elif prep == "between":
                pair = with_conjuncts(pobj)
                sources.append(pair[0])
                targets.extend(pair[1:])
            else:
                targets.extend(with_conjuncts(pobj))
        slot = self.slot(noun)
        head = slot.head
        if slot.dep_ == "dobj" and head.pos_ == "VERB":
            subjects, _passive = subject(head)
            if head.lemma_ in words.receiving_verbs:
                targets = subjects + targets  # "China faced accusations from the US"
            elif not sources:
                sources = subjects
            targets += [t for _p, pobj in pobjs(head, words.target_preps) for t in
                        with_conjuncts(pobj)]
        elif slot.dep_ == "nsubjpass" and head.pos_ == "VERB":
            sources += [t for _p, pobj in pobjs(head, frozenset({"by"}))
                        for t in with_conjuncts(pobj)]
            targets += [pobj for _p, pobj in pobjs(head, words.target_preps)]
        return self.pairs(sources, targets, context, offset)

"""The event rules: small functions, tried in order on each word of a sentence.

A rule looks at one :class:`Site` (a word, the trigger the lexicon gives it, and the
coder's helpers) and returns

* a :class:`Match`: the event's code, the word that carries it and its actor pairs; the
  rules after it are not tried;
* :data:`STOP`: this word carries no event; the rules after it are not tried;
* ``None``: this rule does not apply; the next one is tried.

Order matters where rules overlap: a specific reading (an allegation, a commitment) comes
before the generic one (:func:`verb_event`), and a rule that vetoes a word comes before the
rules that would code it. After a match, the :data:`RECODINGS` run in order on the draft
event (negation that makes a refusal, a launch at no one that is a show of force); each may
change the code, the negation or the modality, and its name is added to the event's
``rule``. Finally :data:`SENTENCE_FILTERS` drop what a sentence states only in passing.

Each docstring gives an example sentence and what it gives: ``→ ACTOR1 CODE ACTOR2`` (the
actor's country code; ``-`` for no target) or ``→ nothing from "word"``; a long example may
wrap.
``tests/events/test_rules.py`` runs every example through the real model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from pipeline.events.actors import UNPLACED, ArticleContext
from pipeline.events.arguments import Pairs, identified
from pipeline.events.lexicon import Trigger
from pipeline.events.syntax import (
    children,
    criticised,
    governors,
    pobjs,
    subject,
    with_conjuncts,
)
from pipeline.events.wordlists import WordLists

if TYPE_CHECKING:
    from pipeline.events.coder import EventCoder

REJECT = "120"
INTENT = "030"
THREAT = "130"
"""Threaten, not otherwise specified: the code of a threat whose act has no threat code."""
ACCUSE = "112"
CRITICISE = "111"
BARE_STATEMENT = "010"
"""CAMEO's "make statement, not specified below": that someone said something is not an
event; what was said is coded when it is one."""
DECLINE_COMMENT = "011"
"""A statement not made ("did not say whether", "gave no details"): the refusal happened."""
SHOW_OF_FORCE = "150"


class _Stop:
    def __repr__(self) -> str:
        return "STOP"


STOP = _Stop()
"""What a rule returns for a word that carries no event, whatever later rules would say."""


@dataclass(slots=True)
class Match:
    """An event a rule found: its trigger (with the code), the word that carries it, and
    the (source, target) actor pairs. No pairs: the event is found, but not coded."""

    trigger: Trigger
    token: Token
    pairs: Pairs
    consume: str | None = None
    """A pattern word (lemma) whose occurrences under the trigger this event uses up, so
    they are not coded again ("imposed sanctions": the noun "sanctions")."""
    rule: str = ""


@dataclass(slots=True)
class Site:
    """One word being coded, with the trigger the lexicon gives it and the coder's helpers
    bound to the article's context."""

    token: Token
    trigger: Trigger | None
    coder: EventCoder
    context: ArticleContext
    offset: int
    consumed: set[int] = field(default_factory=set)
    """Indexes of words an earlier event of the sentence used up."""

    @property
    def words(self) -> WordLists:
        return self.coder.words

    def trigger_of(self, token: Token) -> Trigger | None:
        return self.coder.trigger_of(token)

    def pairs(self, sources: list[Token], targets: list[Token]) -> Pairs:
        return self.coder.arguments.pairs(sources, targets, self.context, self.offset)

    def of_verb(self, verb: Token) -> Pairs:
        return self.coder.arguments.of_verb(verb, self.context, self.offset)

    def of_noun(self, noun: Token) -> Pairs:
        return self.coder.arguments.of_noun(noun, self.context, self.offset)

    def unreal(self, token: Token) -> bool:
        return self.coder.unreal_complement(token)

    def intent(self, act: Trigger) -> str:
        """The express-intent code (03x) for an act of this code."""
        return self.words.intent_by_root.get(act.cameo[:2], INTENT)

    def threat(self, code: str) -> str | None:
        """The threat code (13x) of a hostile act of this code: by the code itself, its
        three-digit parent or its root, most specific first; None for an act not threatened."""
        table = self.words.threat_by_code
        return table.get(code) or table.get(code[:3]) or table.get(code[:2])


Rule = Callable[[Site], "Match | _Stop | None"]


def refused_thing(site: Site) -> Match | _Stop | None:
    """Not accepting or tolerating something that comes from or belongs to a named actor is
    a rejection of that actor (120); a stance on a thing of no one is no event.

    Example: "Iran would not accept dictation from Western capitals." → IRN 120 WST
    """
    token, words = site.token, site.words
    if site.trigger is not None or token.pos_ != "VERB" or token.lemma_ not in (
            words.refused_things) or not children(token, "neg") or site.unreal(token):
        return None
    objects = children(token, "dobj")
    targets = [t for o in objects for _p, pobj in pobjs(o, words.source_preps)
               for t in with_conjuncts(pobj)] or objects
    pairs = [(a1, a2) for a1, a2 in site.pairs(subject(token)[0], targets) if a2 is not None]
    return Match(Trigger.of(token, REJECT), token, pairs) if pairs else STOP


def not_an_event(site: Site) -> _Stop | None:
    """A word the lexicon does not list is no event; nor is an act inside a clause that
    another trigger denies, appeals for, demands or alleges, or that someone only believes
    or calls unlikely: only the appeal, the denial or the belief happened.

    Example: "The Security Council urged Serbia to withdraw its troops." → nothing from "withdraw"
    """
    if site.trigger is None or site.unreal(site.token):
        return STOP
    return None


SCORE = re.compile(r"(?<![\d.,/:-])\d{1,3}\s?[-–]\s?\d{1,3}(?![\d.,/:-])")
"""A score ("2-1", "6–4"); not a date, a time or a range of years."""


def _sporting(sentence: Span, words: WordLists) -> bool:
    """Whether a sentence gives a score or talks of matches, leagues, goals and medals."""
    return bool(SCORE.search(sentence.text)) or any(
        t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() in words.sports_words
        for t in sentence)


def _armed(pairs: Pairs, words: WordLists) -> bool:
    return any(actor is not None and actor.role in words.armed_roles
               for pair in pairs for actor in pair)


def sports_result(site: Site) -> _Stop | None:
    """A result between teams or candidates is not violence: a contest verb ("beat",
    "defeated", "routed", "edged") in a sentence with a score or a sports word, or with a
    named side as its object and no armed actor on either side; and any violent verb in a
    sentence with both a score and a sports word. Any other conflict (a fine, a threat, a
    protest) among a sports word or a score whose sides are all unplaced names is sport too.

    Example: "Russia beat Croatia 3-1 on Monday." → nothing from "beat"
    """
    token, trigger, words = site.token, site.trigger, site.words
    if trigger is None or trigger.cameo[:2] < "10":
        return None
    sentence = token.sent
    if token.pos_ == "VERB" and _sporting(sentence, words) and all(
            actor is None or actor.code == UNPLACED
            for pair in site.of_verb(token) for actor in pair):
        return STOP  # a league's fine or a player's threat: sides no one can place
    if trigger.cameo[:2] not in words.material_conflict_roots:
        return None
    if token.lemma_.lower() not in words.contest_verbs:
        sporting = SCORE.search(sentence.text) and any(
            t.lemma_.lower() in words.sports_words for t in sentence)
        return STOP if sporting else None
    if _sporting(sentence, words):
        return STOP
    named = [o for o in children(token, "dobj") if o.ent_type_ in words.actor_entity_types
             or o.pos_ == "PROPN"]  # "beat Boeing's Super Hornet in the trials"
    if named and not _armed([(a1, None) for a1, _a2 in site.of_verb(token)], words):
        # "Ottawa held on to beat Detroit", "the senator defeated her rival", "the maker
        # beat its rival's jet in the navy's trials": the winner bears no arms
        return STOP
    return None


def needs_object(site: Site) -> _Stop | None:
    """A verb whose event sense takes an object means something else without one: to
    return a prisoner is a release, to return home is no event.

    Example: "The Chilean envoy returned to Santiago on Monday." → nothing from "return"
    """
    token = site.token
    if token.pos_ == "VERB" and token.lemma_.lower() in site.words.transitive_senses and not (
            children(token, "dobj", "nsubjpass")):
        return STOP
    return None


def economic_blow(site: Site) -> _Stop | None:
    """Tariffs, prices or a slump that "hit" or "hurt" someone are an economic cost, and a
    plague or a flood that kills is a disaster, not violence: a violent verb whose subject
    is an economic thing or a natural cause is no event.

    Example: "Chinese tariffs hit American farmers last year." → nothing from "hit"
    """
    token, trigger = site.token, site.trigger
    if trigger is None or token.pos_ != "VERB" or (
            trigger.cameo[:2] not in site.words.violent_roots):
        return None
    causes = subject(token)[0] + [p for _prep, p in pobjs(token, frozenset({"by"}))]
    if any(c.lemma_.lower() in site.words.economic_nouns for c in causes):
        return STOP  # "farmers hit by tariffs", "the plague killed millions"
    return None


def participle_modifier(site: Site) -> _Stop | None:
    """A present participle that describes a noun ("troops supporting the army", "a law
    banning rallies"), or a relative clause of a state in the simple present ("a leader who
    maintains ties with both sides"), says what the noun is or does in general; it reports no act.

    Example: "Chile has troops in the region supporting the Peruvian army." → nothing from
    "support"
    """
    token = site.token
    if token.pos_ == "VERB" and token.dep_ == "acl" and token.tag_ == "VBG":
        return STOP
    if token.pos_ == "VERB" and token.dep_ == "relcl" and token.tag_ in ("VBZ", "VBP") \
            and token.lemma_.lower() in site.words.state_verbs \
            and not children(token, "aux", "auxpass"):
        return STOP  # "Erdoğan, who maintains close ties with Kyiv": what he is, not an act
    return None


def other_sense(site: Site) -> _Stop | None:
    """A verb whose event sense takes no object means something else with one, or in the
    passive: to demonstrate ways or to rally support is no protest.

    Example: "The Chilean minister said the results demonstrated the value of the talks."
    → nothing from "demonstrate"
    """
    token = site.token
    if token.pos_ == "VERB" and token.lemma_.lower() in site.words.intransitive_senses and (
            children(token, "dobj", "ccomp", "nsubjpass", "auxpass", "agent")):
        return STOP
    return None


def purpose_of_consultation(site: Site) -> _Stop | None:
    """The purpose clause of a visit or meeting ("to meet Costa", "to discuss the war") is
    its agenda, not a second event.

    Example: "Lula will travel to Lisbon to meet Costa." → nothing from "meet"
    """
    token = site.token
    if token.dep_ == "advcl" and any(a.lower_ == "to" for a in children(token, "aux")):
        purpose_of = site.trigger_of(token.head)
        if purpose_of is not None and purpose_of.cameo[:2] in site.words.purpose_roots:
            return STOP
    return None


def allegation(site: Site) -> Match | _Stop | None:
    """Claiming or alleging that someone did something accuses them (112); the act claimed
    is not coded as having happened.

    Example: "Russia claimed that Polish troops had fired shots across the border." → RUS 112 POL
    """
    token = site.token
    if token.pos_ != "VERB" or token.lemma_ not in site.words.alleging_verbs:
        return None
    accused = [t for c in children(token, "ccomp") for t in children(c, "nsubj")]
    if not accused:
        return None
    pairs = site.pairs(subject(token)[0], accused)
    return Match(site.trigger.recode(ACCUSE), token, pairs) if (  # type: ignore[union-attr]
        pairs) else STOP


def reported_criticism(site: Site) -> Match | _Stop | None:
    """Saying that someone, or their act, is illegal or unacceptable criticises them (111).

    Example: "Moscow said the new US sanctions were illegal." → RUS 111 USA
    """
    token = site.token
    if token.pos_ != "VERB" or token.lemma_ not in site.words.reporting_verbs:
        return None
    judged = [s for c in children(token, "ccomp") if criticised(c, site.words)
              for s in children(c, "nsubj")]
    if not judged:
        return None
    pairs = site.pairs(subject(token)[0], judged)
    return Match(site.trigger.recode(CRITICISE), token, pairs) if (  # type: ignore[union-attr]
        pairs) else STOP


DEMAND = "100"
HOSTILE_ROOTS_FROM = "13"
"""Roots from threats (13) on are hostile acts: agreeing on one decides it."""


def obligation(site: Site) -> Match | _Stop | None:
    """What someone says another "must" or "should" do is a demand on them (100) by the
    speaker; the act itself has not happened. With no speaker named, it is no event.

    Example: "Chile said Peru must withdraw its troops from the border." → CHL 100 PER
    """
    token, words = site.token, site.words
    if token.pos_ != "VERB" or site.trigger is None:
        return None
    clause = token
    while clause.dep_ == "conj" and clause.head is not clause and not children(clause, "aux"):
        clause = clause.head  # "must ensure security and provide amenities"
    if not any(a.lower_ in words.obligation_aux for a in children(clause, "aux")):
        return None
    while clause.dep_ == "conj" and clause.head is not clause:
        clause = clause.head
    if clause.dep_ != "ccomp" or clause.head.lemma_ not in words.reporting_verbs:
        return STOP
    speaker = clause.head
    pairs = [(a1, a2) for a1, a2 in site.pairs(subject(speaker)[0], subject(token)[0])
             if a2 is None or a2.country != a1.country or not a1.country]
    site.consumed.add(speaker.i)
    return Match(site.trigger.recode(DEMAND), token, pairs) if pairs else STOP


def commitment_to_act(site: Site) -> Match | _Stop | None:
    """Agreeing, pledging or promising to do a cooperative act is the intent to do it: 03x
    by the act's root (to meet 036, to give aid 033), towards whom the act is done; agreeing
    on a hostile act decides it, and the act is coded.

    Example: "France agreed to send humanitarian aid to Armenia." → FRA 033 ARM
    """
    token = site.token
    if token.pos_ != "VERB" or token.lemma_ not in site.words.commitment_verbs:
        return None
    acts = children(token, "xcomp")
    acts += [x for act in acts for x in children(act, "xcomp")]  # "keep talking"
    promised = [(x, t) for x in acts if (t := site.trigger_of(x)) is not None]
    if not promised:
        return None
    act, act_trigger = promised[0]
    if act_trigger.cameo[:2] >= HOSTILE_ROOTS_FROM:
        # "ministers agreed to extend sanctions on Russia": agreeing on a hostile act is
        # deciding it, not an intent to cooperate; the act itself is coded
        return STOP
    site.consumed.add(act.i)
    return Match(site.trigger.recode(site.intent(act_trigger)),  # type: ignore[union-attr]
                 token, site.of_verb(act))


def threatened_act(site: Site) -> Match | None:
    """Threatening to do an act is the threat of that act (13x, by the act's code: an attack
    1384, sanctions 1312, anything else 130), towards whom the act would be done; the act
    itself has not happened.

    Example: "Chile threatened to impose sanctions on Peru." → CHL 1312 PER
    """
    token = site.token
    if token.pos_ != "VERB" or token.lemma_ not in site.words.threat_verbs:
        return None
    threatened = [(x, t) for x in children(token, "xcomp") if (t := site.trigger_of(x))]
    if not threatened:
        return None
    act, act_trigger = threatened[0]
    threat = site.threat(act_trigger.cameo) or THREAT
    pairs = site.of_verb(act)
    if not any(a2 is not None for _a1, a2 in pairs):
        # "threatened to impose sanctions on Peru": the target hangs on the act's noun
        nouns = [n for n in children(act, "dobj") if site.trigger_of(n) is not None]
        found = site.of_noun(nouns[0]) if nouns else []
        if any(a2 is not None for _a1, a2 in found):
            pairs = found
    return Match(site.trigger.recode(threat), token, pairs)  # type: ignore[union-attr]


def commitment(site: Site) -> Match | None:
    """Pledging to do something the lexicon has no code for is an intent to cooperate (030),
    towards whom the promised act is done.

    Example: "Japan pledged to deploy air defence systems to the Philippines." → JPN 030 PHL
    """
    token = site.token
    if token.pos_ != "VERB" or token.lemma_ not in site.words.commitment_verbs:
        return None
    acts = children(token, "xcomp")
    if acts and not any(site.trigger_of(o) for o in children(acts[0], "dobj")):
        return Match(site.trigger.recode(INTENT), token,  # type: ignore[union-attr]
                     site.of_verb(acts[0]))
    return None


def ready_to_act(site: Site) -> Match | _Stop | None:
    """Being ready, prepared or willing to do an act states the intent to do it (03x).

    Example: "Kenya was ready to negotiate with Somalia." → KEN 036 SOM
    """
    token = site.token
    if token.pos_ != "VERB" or token.dep_ != "xcomp" or token.head.dep_ != "acomp" or (
            token.head.lemma_.lower() not in site.words.ready_words):
        return None
    trigger = site.trigger
    assert trigger is not None
    pairs = site.of_verb(token)
    return Match(trigger.recode(site.intent(trigger)), token, pairs) if pairs else STOP


PROTEST = "141"


def crowd_at_building(site: Site) -> Match | _Stop | None:
    """A crowd surrounding a building or a site protests there (141); it does not assault
    it. Armed actors who surround a place keep the lexicon's reading.

    Example: "Peruvian protesters surrounded the parliament in Lima." → PER 141 -
    """
    token, words = site.token, site.words
    if token.pos_ != "VERB" or token.lemma_.lower() not in words.encircling_verbs:
        return None
    places = [o for o in children(token, "dobj") if o.ent_type_ == "FAC"
              or o.lemma_.lower() in words.building_nouns]
    if not places:
        return None
    pairs = site.pairs(subject(token)[0], [])
    if _armed(pairs, words):
        return None
    # a crowd of no known country ("several thousand teachers") is not coded at all
    pairs = [(a1, a2) for a1, a2 in pairs if identified(a1)]
    return Match(Trigger.of(token, PROTEST), token, pairs) if pairs else STOP


def light_verb(site: Site) -> _Stop | None:
    """A light verb whose object is an event noun lends it its subject; the noun carries the
    event ("held talks", "imposed sanctions", "a warrant was issued").

    Example: "The European Union imposed new sanctions on Iran." → nothing from "impose"
    """
    token, trigger = site.token, site.trigger
    nouns = [t for obj in children(token, "dobj", "nsubjpass") if (t := site.trigger_of(obj))]
    if token.pos_ == "VERB" and token.lemma_ in site.words.light_verbs and nouns:
        if trigger is not None and trigger.pattern and all(
                n.cameo[:2] != trigger.cameo[:2] for n in nouns):
            return None  # "lifted the blockade": the verb undoes the noun's act (0872)
        return STOP
    return None


def planned_act(site: Site) -> _Stop | None:
    """Planning, expecting or preparing to do an act is coded on the act, in the future.

    Example: "Macron plans to visit India in January." → nothing from "plan"
    """
    token = site.token
    if token.pos_ == "VERB" and token.lemma_ in site.words.future_heads and any(
            site.trigger_of(x) for x in children(token, "xcomp")):
        return STOP
    return None


def verb_event(site: Site) -> Match | None:
    """A verb the lexicon lists: its subject did it to its object (or, in the passive, the
    ``by`` agent to the subject). When the lexicon's entry names an object noun ("agree on
    sanctions") and the verb names no target, the target hangs on that noun.

    Example: "Russia accused Ukraine of shelling the nuclear plant." → RUS 112 UKR
    """
    token, trigger = site.token, site.trigger
    if token.pos_ != "VERB" or trigger is None:
        return None
    pairs = site.of_verb(token)
    if trigger.pattern and pairs and all(a2 is None for _a1, a2 in pairs):
        # "agreed on new sanctions against Iran": the target hangs on the object
        objects = [o for c in token.children for o in [c, *children(c, "pobj")]
                   if o.lemma_.lower() == trigger.pattern and o.pos_ == "NOUN"]
        # "refused a request from Peru": whom the request came from is the target too
        targets = [t for o in objects[:1]
                   for _p, pobj in pobjs(o, site.words.target_preps | site.words.source_preps)
                   for t in with_conjuncts(pobj)]
        if targets:
            pairs = site.pairs(subject(token)[0], targets) or pairs
    if pairs and all(a2 is None for _a1, a2 in pairs) \
            and trigger.cameo[:2] in site.words.asking_roots:
        # "asked permission from Belgrade", "demanded an explanation from the minister":
        # whom something is asked or demanded from is the target
        asked = [t for _p, pobj in pobjs(token, frozenset({"from"})) for t in with_conjuncts(pobj)]
        if asked:
            pairs = site.pairs(subject(token)[0], asked) or pairs
    if pairs and all(a2 is None for _a1, a2 in pairs) \
            and trigger.cameo[:2] in site.words.clause_target_roots:
        # "warned that the Philippines would pay", "demanded that Israel halt": the subject
        # of the "that" clause is whom the warning or demand is aimed at
        # ... and "found Mendez guilty": the subject of a small clause
        targets = [t for c in children(token, "ccomp")
                   if children(c, "mark") or c.pos_ in ("ADJ", "NOUN")
                   for s in children(c, "nsubj", "nsubjpass") for t in with_conjuncts(s)]
        if targets:
            pairs = [p for p in site.pairs(subject(token)[0], targets)
                     if p[1] is not None and (p[1].country != p[0].country
                                              or not p[1].country)] or pairs
            # (not "warned that we ...": the speaker's own side is no target)
    consume = trigger.pattern if token.lemma_ not in site.words.future_heads else None
    return Match(trigger, token, pairs, consume=consume)


def dated_by_event(site: Site) -> _Stop | None:
    """An event noun that dates something ("the anniversary of the invasion", "on the eve
    of the summit") is a time, not a report of the event.

    Example: "Chile marked the anniversary of the Peruvian invasion on Monday." → nothing
    from "invasion"
    """
    token = site.token
    if token.pos_ != "VERB" and token.dep_ == "pobj" and token.head.lower_ == "of" \
            and token.head.head.lemma_.lower() in site.words.dating_nouns:
        return STOP
    return None


def noun_under_event_verb(site: Site) -> _Stop | None:
    """An event noun that is the object of another event verb is that verb's topic: the
    verb's event says it all ("denied these allegations").

    Example: "Azerbaijan denied the allegations of torture." → nothing from "allegation"
    """
    token = site.token
    if token.pos_ == "VERB":
        return None
    slot = site.coder.arguments.slot(token)
    words = site.words
    if slot.dep_ in ("dobj", "nsubjpass", "pobj") and slot.head.lemma_ not in (
            words.light_verbs | words.receiving_verbs) and site.trigger_of(slot.head):
        return STOP
    return None


def noun_event(site: Site) -> Match | None:
    """An event noun: its source is the possessive, ``from``/``by`` or the subject of the
    light verb it is the object of; its target comes after ``with``, ``to``, ``against``,
    ``on`` or ``between``. The object of "ready to sign" is an intent (03x).

    Example: "The talks between Peru and Chile ended without a deal." → PER 040 CHL
    """
    token, trigger = site.token, site.trigger
    if token.pos_ == "VERB" or trigger is None:
        return None
    pairs = site.of_noun(token)
    slot = site.coder.arguments.slot(token)
    light = slot.head
    if slot.dep_ == "dobj" and light.lemma_ in site.words.light_verbs \
            and light.dep_ == "xcomp" and light.head.dep_ == "acomp" \
            and light.head.lemma_.lower() in site.words.ready_words:
        # "Yerevan was ready to sign a peace treaty": the intent to sign one
        trigger = trigger.recode(site.intent(trigger))
    consume = trigger.pattern if token.lemma_ not in site.words.future_heads else None
    return Match(trigger, token, pairs, consume=consume)


RULES: tuple[Rule, ...] = (
    refused_thing,
    not_an_event,
    sports_result,
    economic_blow,
    participle_modifier,
    needs_object,
    other_sense,
    purpose_of_consultation,
    allegation,
    reported_criticism,
    obligation,
    commitment_to_act,
    commitment,
    threatened_act,
    ready_to_act,
    crowd_at_building,
    light_verb,
    planned_act,
    verb_event,
    dated_by_event,
    noun_under_event_verb,
    noun_event,
)
"""Every rule, in the order they are tried."""


# ---------------------------------------------------------------------------------------------
# Recodings: applied in order to each match
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Draft:
    """A matched event before it becomes rows: what the recodings may change."""

    trigger: Trigger
    token: Token
    pairs: Pairs
    negated: bool
    modality: str


Recoding = Callable[[Draft, Site], "Draft | None"]


def show_of_force(draft: Draft, site: Site) -> Draft | None:
    """Weapons fired or launched at no one demonstrate military power (150); fired at
    someone they are an attack.

    Example: "North Korea fired two ballistic missiles into the sea on Thursday." → PRK 150 -
    """
    token = draft.token
    if draft.pairs and token.pos_ == "VERB" and token.lemma_ in site.words.firing_verbs \
            and draft.trigger.cameo[:2] == "19" and all(a2 is None for _a1, a2 in draft.pairs) \
            and not any(site.trigger_of(o) for o in children(token, "dobj")):
        draft.trigger = draft.trigger.recode(SHOW_OF_FORCE)
        return draft
    return None


def refusal_said(draft: Draft, site: Site) -> Draft | None:
    """A rejection by not accepting something (see :func:`refused_thing`) happened: the
    negation is the rejection itself.

    Example: "Iran would not accept dictation from Western capitals." → IRN 120 WST
    """
    if draft.trigger.cameo == REJECT and draft.token.lemma_ in site.words.refused_things \
            and draft.negated:
        draft.negated, draft.modality = False, "asserted"
        return draft
    return None


def refused_support(draft: Draft, site: Site) -> Draft | None:
    """Not accepting, approving, backing or signing a cooperative act rejects it (120), and
    the rejection happened.

    Example: "Hungary would not back the EU plan for Ukraine." → HUN 120 IGO
    """
    token = draft.token
    verb = token.head if token.dep_ == "dobj" else token  # "would not accept any deal"
    if draft.negated and verb.lemma_ in site.words.refusable and draft.trigger.cameo[:2] < "10":
        draft.trigger = draft.trigger.recode(REJECT)
        draft.negated, draft.modality = False, "asserted"
        return draft
    return None


def refused_cooperation(draft: Draft, site: Site) -> Draft | None:
    """Refusing to do a cooperative act, or saying one will not, is the matching rejection:
    refusing to meet 125, to cooperate materially 121, to give aid 122, to yield 124.

    Example: "Germany refused to provide military aid to Ukraine." → DEU 122 UKR
    """
    token = draft.token
    if not draft.negated or draft.trigger.cameo[:2] >= "10":
        return None
    if any(g.lemma_ in site.words.refusing_heads for g in governors(token)) or (
            token.pos_ == "VERB" and draft.modality != "asserted"):
        code = site.words.rejection_by_root.get(draft.trigger.cameo[:2], REJECT)
        draft.trigger = draft.trigger.recode(code)
        draft.negated, draft.modality = False, "asserted"
        return draft
    return None


def declined_comment(draft: Draft, site: Site) -> Draft | None:
    """Not saying, not commenting, giving no details: declining to comment (011), which
    happened.

    Example: "The Chinese foreign ministry did not comment on the report." → CHN 011 -
    """
    if draft.negated and draft.trigger.cameo == BARE_STATEMENT:
        draft.trigger = draft.trigger.recode(DECLINE_COMMENT)
        draft.negated = False
        return draft
    return None


def future_cooperation(draft: Draft, site: Site) -> Draft | None:
    """A cooperative act stated for the future (will, plans to, is expected to) has not
    happened: what happened is that it was announced, an intent (03x by the act's root;
    a future visit is 036), with the modality kept as future.

    Example: "French President Emmanuel Macron will visit India in January." → FRA 036 IND
    """
    root = draft.trigger.cameo[:2]
    if draft.modality != "future" or draft.negated or root not in site.words.intent_by_root:
        return None
    draft.trigger = draft.trigger.recode(site.words.intent_by_root[root])
    return draft


def future_hostility(draft: Draft, site: Site) -> Draft | None:
    """A hostile act stated for the future (sanctions, a protest, an attack) is a threat of
    it (13x), with the modality kept as future.

    Example: "The European Union will impose new sanctions on Iran." → IGO 1312 IRN
    """
    if draft.modality != "future" or draft.negated:
        return None
    threat = site.threat(draft.trigger.cameo)
    if threat is None:
        return None
    draft.trigger = draft.trigger.recode(threat)
    return draft


RECODINGS: tuple[Recoding, ...] = (
    show_of_force,
    refusal_said,
    refused_support,
    refused_cooperation,
    declined_comment,
    future_cooperation,
    future_hostility,
)
"""Every recoding, in the order they are applied to a match."""

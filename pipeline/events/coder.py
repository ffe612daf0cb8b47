"""The event coder's engine: one sentence at a time, every word through the rules.

For each word the engine looks up its trigger in the lexicon (``data/triggers.tsv``), tries
the rules of :mod:`.rules` in order until one matches or stops, applies the recodings to the
match, and turns each actor pair into a :class:`~pipeline.records.CodedEvent` with its
negation, modality, date and place. What the rules read of the parse is in :mod:`.syntax`,
how actor pairs are found in :mod:`.arguments`, and every word list in ``data/``. An event
needs a source actor: nothing is invented from a verb alone.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

from spacy.tokens import Span, Token

from pipeline.events import rules
from pipeline.events.actors import IGO, ActorCoder, ArticleContext
from pipeline.events.arguments import Arguments, Pairs, identified, placed
from pipeline.events.lexicon import EventLexicon, Idiom, Trigger, load_idioms
from pipeline.events.rules import RECODINGS, RULES, STOP, Draft, Match, Site
from pipeline.events.syntax import children, negation_and_modality, pobjs
from pipeline.events.timeref import resolve_date
from pipeline.events.wordlists import WordLists
from pipeline.records import Actor, CodedEvent

MAX_SENTENCE_TOKENS = 150
"""Longer "sentences" are run-ons or lists, where the parse is not worth trusting."""
COMMITMENT_RULES = frozenset({"commitment_to_act", "commitment"})
"""Rules of an intent stated outright ("agreed to share", "pledged to send"): the
commitment happened, and stands without a target."""
MAX_EVENTS_PER_TRIGGER = 6
"""A joint act of three parties: each towards each other, six ordered pairs."""


def load_generic_verbs(path: Path | None = None) -> frozenset[str]:
    """Verbs whose bare form is not an event (``data/generic_verbs.txt``)."""
    source = Path(str(path or resources.files("pipeline") / "events" / "data" /
                      "generic_verbs.txt"))
    lines = source.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


NOT_OBJECTS = frozenset({"nsubj", "csubj", "aux", "auxpass", "neg", "punct", "cc", "mark",
                         "advmod", "det"})
"""Children a lexicon pattern or an idiom is never matched against: "leaders will meet" is
no "meet with leaders"."""


def _words_under(token: Token) -> set[str]:
    """The lemmas (and, for participle modifiers, the words as written: "combined exercises"
    is lemmatized to its verb) of a token's objects and modifiers and of the objects of its
    particles and prepositions, never its subject: what a lexicon pattern or an idiom is
    matched against."""
    return {w for c in token.children if c.dep_ not in NOT_OBJECTS
            for w in (c.lemma_.lower(), c.lower_)} | {
        g.lemma_.lower() for c in children(token, "prep", "prt") for g in c.children}


def _adjacent_phrase(token: Token) -> set[str]:
    """The lemmas of a prepositional phrase right after a noun that the parser hung on the
    verb instead ("credited the rally in bank stocks to ..."): for an idiom, the phrase that
    follows a noun is the noun's more often than not."""
    if token.pos_ not in ("NOUN", "PROPN") or token.i + 1 >= len(token.doc):
        return set()
    following = token.doc[token.i + 1]
    if following.dep_ != "prep" or following.head != token.head:
        return set()
    return {g.lemma_.lower() for g in following.children}


class EventCoder:
    """Codes the events of parsed sentences; one instance serves a whole run."""

    def __init__(self, lexicon: EventLexicon, actors: ActorCoder,
                 generic_verbs: frozenset[str] | None = None,
                 words: WordLists | None = None,
                 idioms: dict[tuple[str, str], tuple[Idiom, ...]] | None = None) -> None:
        self._lexicon = lexicon
        self.actors = actors
        self.words = words if words is not None else actors.words
        self._generic = generic_verbs if generic_verbs is not None else load_generic_verbs()
        self._idioms = idioms if idioms is not None else load_idioms()
        for found in self._idioms.values():
            for idiom in found:
                if idiom.cameo is not None:
                    lexicon.code(idiom.cameo)  # an unknown code fails here, not mid-run
        self.arguments = Arguments(actors, self.words, self.trigger_of)

    # -- the lexicon -----------------------------------------------------------------------

    def trigger_of(self, token: Token) -> Trigger | None:
        """The lexicon's trigger for a verb or noun, most specific entry first; a bare entry
        of a generic verb ("face", "consider") does not count."""
        pos = "VERB" if token.pos_ == "VERB" else "NOUN" if token.pos_ in ("NOUN",
                                                                          "PROPN") else None
        if pos is None:
            return None
        idioms = self._idioms.get((token.lemma_.lower(), pos))
        if idioms:
            under = _words_under(token) | _adjacent_phrase(token)
            idiom = next((i for i in idioms if i.related in under), None)
            if idiom is not None:
                # "beat the deadline" is no event; "a war of words" is criticism
                return None if idiom.cameo is None else Trigger(
                    idiom.lemma, pos, None, idiom.related, idiom.cameo)
        lemmas = [token.lemma_.lower()]
        compounds = [c.lemma_.lower() for c in token.lefts if c.dep_ == "compound"]
        if compounds:
            lemmas.insert(0, " ".join([*compounds, token.lemma_.lower()]))
        direct = {c.lemma_.lower() for c in children(token, "dobj", "nsubjpass")}
        for lemma in lemmas:
            # a pattern on the direct object first: "voiced his support ... in a phone call"
            # is support (051), not a call (020)
            found = self._lexicon.triggers_for(lemma, pos)
            for trigger in sorted(found, key=lambda t: t.pattern not in direct):
                bare = not trigger.pattern and not trigger.particle
                if bare and pos == "VERB" and lemma in self._generic:
                    continue
                if self._matches(trigger, token):
                    return trigger
        return None

    def _matches(self, trigger: Trigger, token: Token) -> bool:
        if trigger.pattern:
            # "held up the talks" (164) needs its particle: "held talks" is a meeting
            return trigger.pattern in _words_under(token) and (
                not trigger.particle or any(c.lower_ == trigger.particle for c in children(
                    token, "prt", "prep", "agent")))
        if trigger.particle:
            for child in children(token, "prep", "prt", "agent"):
                if child.lower_ != trigger.particle:
                    continue
                if child.dep_ == "prt":
                    return True
                # "meet with Kim", "call on Moscow": the preposition must lead to an actor,
                # not to a time or a topic ("met for four hours").
                if any(o.ent_type_ in self.words.actor_entity_types or o.pos_ == "PRON"
                       for o in children(child, "pobj")):
                    return True
            return False
        return True

    # -- clauses that did not happen -------------------------------------------------------

    def unreal_complement(self, token: Token) -> bool:
        """Whether a token sits in a clause that another trigger denies, requests, demands
        or alleges, that someone only believes or speculates, or that is called unlikely:
        the clause itself or any clause that contains it ("accused Kurti of seeking to drive
        Serbs out", "claimed that China is implementing mechanisms to support Russia")."""
        return any(self._unreal_clause(clause) for clause in [token, *token.ancestors]
                   if clause.pos_ in ("VERB", "AUX"))

    def _unreal_clause(self, token: Token) -> bool:
        words = self.words
        if token.dep_ == "acl" and any(a.lower_ == "to" for a in children(token, "aux")):
            # "threats to harm lawmakers", "a call to lift the embargo": the act a threat,
            # a demand or an appeal names has not happened
            named_by = self.trigger_of(token.head)
            if named_by is not None and named_by.cameo[:2] in words.unreal_noun_roots:
                return True
        if token.dep_ == "advcl" and any(m.lower_ in words.conditional_marks
                                         for m in children(token, "mark")):
            return True  # "will return to the deal only if Western countries lift ..."
        if token.dep_ == "pcomp" and token.head.lower_ in words.conditional_marks:
            return True  # "ready to sign, provided that Baku withdrew its troops"
        if token.dep_ not in ("xcomp", "ccomp", "pcomp"):
            return False
        head = token.head.head if token.dep_ == "pcomp" and token.head.dep_ == "prep" else (
            token.head)
        if token.dep_ == "ccomp" and (head.lemma_ in words.speculative_heads or any(
                c.lower_ in words.speculative_predicates for c in children(head, "acomp"))):
            return True  # "analysts believe that ...", "it is unlikely that China would ..."
        if token.dep_ == "xcomp" and head.lemma_ in words.wishing_heads:
            return True  # "most Georgians want to join the EU"
        if head.lemma_ in words.reporting_verbs or head.lemma_ in words.refusing_heads:
            return False
        governing = self.trigger_of(head)
        return governing is not None and governing.cameo[:2] in words.unreal_complement_roots

    # -- sentences -------------------------------------------------------------------------

    def match(self, site: Site) -> Match | None:
        """The first rule's verdict on a word: a match, or None for no event."""
        for rule in RULES:
            verdict = rule(site)
            if verdict is STOP:
                return None
            if isinstance(verdict, Match):
                verdict.rule = rule.__name__
                return verdict
        return None

    def code_sentence(self, sentence: Span, *, sentence_index: int, offset: int,
                      context: ArticleContext, anchor: date | None) -> list[CodedEvent]:
        """Every event one sentence states."""
        if len(sentence) > MAX_SENTENCE_TOKENS or not any(t.pos_ == "VERB" for t in sentence):
            return []
        if sentence.text.isupper():
            return []  # headlines in capitals parse as strings of proper nouns
        events: list[CodedEvent] = []
        consumed: set[int] = set()
        judging: set[int] = set()  # events that may stand without a target
        for token in sentence:
            if token.i in consumed:
                continue
            site = Site(token, self.trigger_of(token), self, context, offset, consumed)
            found = self.match(site)
            if found is None:
                continue
            if found.consume:
                consumed.update(c.i for c in found.token.subtree
                                if c.lemma_.lower() == found.consume)
            # a future consultation recoded as an intent (036) needs no more target than
            # the consultation did
            standalone = found.trigger.cameo[:2] not in self.words.directed_roots
            judges = found.trigger.cameo[:2] in self.words.judging_roots \
                and found.token.pos_ == "VERB" and any(
                    self.trigger_of(o) for o in children(found.token, "dobj", "nsubjpass"))
            # a directed act that names what it was done to stands without a target; an
            # intent (03x) needs someone it is towards
            # an act the lexicon defines by its object ("imposed a curfew", "lifted the
            # state of emergency") names what it acts on
            standalone = standalone or found.rule in COMMITMENT_RULES \
                or found.trigger.cameo in self.words.undirected_codes or (
                    found.trigger.cameo[:2] != rules.INTENT[:2]
                    and (self._pattern_object(found) or self._acted_on(found.token)))
            pairs = self._joint(found.pairs, found.trigger)[:MAX_EVENTS_PER_TRIGGER]
            draft, applied = self._recoded(found, site)
            seen: set[tuple[str, str | None]] = set()
            for actor1, actor2 in pairs:
                key = (actor1.code, actor2.code if actor2 is not None else None)
                if key in seen and actor1.code in (IGO, "UNK"):
                    continue  # "the AU and the EAC called for ...": one IGO event, not two
                seen.add(key)
                events.append(self._event(draft, f"{found.rule}{applied}", actor1, actor2,
                                          sentence, sentence_index, offset, context, anchor))
                if judges or standalone:
                    judging.add(id(events[-1]))
        events = self._filtered(events, judging)
        roots: set[str] = set()
        for event in events:
            if event.cameo_root not in roots:  # a joint act: its first-named side
                context.doers[event.cameo_root] = event.actor1
                roots.add(event.cameo_root)
        return events

    def _pattern_object(self, found: Match) -> bool:
        """Whether the lexicon entry that matched names the noun the act is done to
        ("imposed a curfew", "lifted the state of emergency"), not a complement ("remained
        committed")."""
        pattern = found.trigger.pattern
        if not pattern or found.token.pos_ != "VERB":
            return False
        objects = children(found.token, "dobj", "nsubjpass") + [
            o for c in children(found.token, "prep") for o in children(c, "pobj")]
        return any(o.lemma_.lower() == pattern and o.pos_ == "NOUN" for o in objects)

    def _acted_on(self, token: Token) -> bool:
        """Whether a directed act names what it was done to, though no actor: an act
        ("condemned the bombing"), a policy ("rejected the plan"), a place or a name
        ("shelled the town"), or people ("arrested protesters"). Such an act happened and
        is kept without a target; "praised the weather" is no political event."""
        if token.pos_ != "VERB":  # "the release of two nationals", "strikes on the port"
            objects = [o for c in token.children if c.dep_ == "prep"
                       and (c.lower_ in self.words.target_preps or c.lower_ == "of")
                       for o in children(c, "pobj")]
        else:
            objects = children(token, "dobj", "nsubjpass") + [
                o for c in children(token, "prep") if c.lower_ in self.words.target_preps
                for o in children(c, "pobj")]
        forceful = (t := self.trigger_of(token)) is not None and t.cameo[:2] in (
            self.words.forceful_roots)
        # whoever or whatever is arrested, expelled, attacked or seized was acted on
        return any(self._political_object(o) or (forceful and o.pos_ in ("NOUN", "PROPN"))
                   for o in objects)

    def _political_object(self, token: Token) -> bool:
        if token.pos_ not in ("NOUN", "PROPN"):
            return False
        words = self.words
        return (token.pos_ == "PROPN" and token.ent_type_ not in words.non_actor_entity_types) \
            or token.ent_type_ in words.actor_entity_types or token.ent_type_ in ("LOC", "FAC") \
            or token.lemma_.lower() in (words.policy_nouns | words.place_nouns
                                        | words.people_nouns) \
            or self.actors.role_of([token]) is not None or self.trigger_of(token) is not None \
            or bool(self._lexicon.triggers_for(token.lemma_.lower(), "VERB"))

    def _recoded(self, found: Match, site: Site) -> tuple[Draft, str]:
        """The match after every recoding that applies, and their names (``+name``)."""
        negated, modality = negation_and_modality(found.token, self.words)
        draft = Draft(found.trigger, found.token, found.pairs, negated, modality)
        applied = ""
        for recoding in RECODINGS:
            changed = recoding(draft, site)
            if changed is not None:
                draft = changed
                applied += f"+{recoding.__name__}"
        return draft, applied

    def _joint(self, pairs: Pairs, trigger: Trigger) -> Pairs:
        """"India and France signed an agreement": a joint act, each side towards the
        other."""
        if (trigger.cameo[:2] in self.words.joint_roots
                and trigger.cameo not in self.words.unilateral_codes
                and len({a1.code for a1, _ in pairs}) > 1
                and all(a2 is None or not placed(a2) for _, a2 in pairs)):
            sources = list({id(a1): a1 for a1, _ in pairs}.values())
            return [(a1, a2) for a1 in sources for a2 in sources if a1 is not a2]
        return pairs

    def _filtered(self, events: list[CodedEvent], judging: set[int]) -> list[CodedEvent]:
        """What a sentence states only in passing: the saying when what was said is an
        event ("X said Y attacked Z"), plain statements, and directed acts whose target the
        parse lost (unless they judge an act, "welcomed the meeting"), and violence between
        actors of no known country, body or armed force (a brawl, a match report)."""
        words = self.words
        if any(e.trigger not in words.reporting_verbs for e in events):
            # "did not say why" is a refusal to comment of its own, and "said the sanctions
            # were illegal" a criticism
            events = [e for e in events if e.trigger not in words.reporting_verbs
                      or e.cameo_code in (rules.DECLINE_COMMENT, rules.CRITICISE)]
        return [e for e in events if e.cameo_code != rules.BARE_STATEMENT
                and (e.actor2 is not None or e.cameo_root not in words.directed_roots
                     or id(e) in judging)
                and (e.cameo_root not in words.violent_roots or any(
                    a is not None and (identified(a) or a.role in words.armed_roles)
                    for a in (e.actor1, e.actor2)))]

    # -- rows ------------------------------------------------------------------------------

    def _event(self, draft: Draft, rule: str, actor1: Actor, actor2: Actor | None,
               sentence: Span, sentence_index: int, offset: int, context: ArticleContext,
               anchor: date | None) -> CodedEvent:
        token, modality = draft.token, draft.modality
        location = self._location(token, context, offset)
        when = self._date(token, sentence, anchor, future=modality == "future")
        confidence = 0.5 + (0.2 if actor2 else 0) + (0.1 if actor1.country else 0) + (
            0.1 if actor2 is not None and actor2.country else 0)
        if modality != "asserted":
            confidence -= 0.1
        code = self._lexicon.code(draft.trigger.cameo)
        return CodedEvent(
            sentence_index=sentence_index,
            start_char=offset + sentence.start_char,
            end_char=offset + sentence.end_char,
            evidence=sentence.text.strip(),
            trigger=draft.trigger.lemma,
            cameo_code=code.code,
            cameo_root=code.root,
            quad_class=code.quad_class,
            goldstein=code.goldstein,
            plover_type=code.plover_type,
            plover_mode=code.plover_mode,
            actor1=actor1,
            actor2=actor2,
            negated=draft.negated,
            modality=modality,
            event_date=when,
            location_name=location[0] if location else None,
            location_type=location[1] if location else None,
            confidence=round(min(confidence, 1.0), 2),
            nominal=token.pos_ != "VERB",
            rule=rule,
        )

    def _location(self, token: Token, context: ArticleContext,
                  offset: int) -> tuple[str, str] | None:
        anchors = [token, token.head] if token.dep_ in ("dobj", "nsubjpass") else [token]
        if token.pos_ != "VERB":  # "his meeting with Sullivan in Malta": under the noun phrase
            anchors += [t for t in token.subtree if t.pos_ in ("PROPN", "NOUN") and t != token]
        for anchor in anchors:
            for _prep, pobj in pobjs(anchor, frozenset({"in", "at"})):
                mention = context.mention_at(offset + pobj.idx)
                if mention is not None and mention.entity_type in ("GPE", "LOC", "FAC"):
                    return mention.entity_name, mention.entity_type
        return None

    def _date(self, token: Token, sentence: Span, anchor: date | None, *,
              future: bool) -> date | None:
        if anchor is None:
            return None
        dates = [ent for ent in sentence.ents if ent.label_ == "DATE"]
        near = [ent for ent in dates if ent.root.head in (token, token.head)
                or ent.root.head.head in (token, token.head)]
        for ent in near or dates:
            resolved = resolve_date(ent.text, anchor, future=future)
            if resolved is not None:
                return resolved
        return anchor

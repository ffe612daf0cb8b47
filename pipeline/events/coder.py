"""The event coder: rules over spaCy's dependency parse, one sentence at a time.

A trigger (a verb, or a noun such as "visit", "sanctions", "arrest warrant") maps to a CAMEO
code through the lexicon (``data/triggers.tsv``). Its actors come from the parse: the subject
is the source and the object the target; in the passive the ``by`` agent is the source; light
verbs ("held talks with", "imposed sanctions on", "issued a warrant against") lend their
subject to the noun; nominal events take their source from a possessive or ``from``/``by``
and their target from ``with``/``to``/``against``/``on``/``between``; receiving verbs ("faced
accusations from") swap the roles. Negation and modality come from the words that govern
the trigger. An event needs a source actor: nothing is invented from a verb alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path

from spacy.tokens import Span, Token

from pipeline.events.actors import ActorCoder, ArticleContext
from pipeline.events.lexicon import EventLexicon, Trigger
from pipeline.events.timeref import resolve_date
from pipeline.records import Actor, CodedEvent

LIGHT_VERBS = frozenset({"hold", "have", "conduct", "impose", "issue", "make", "pay", "launch",
                         "sign", "reach", "stage", "carry", "lift", "extend", "begin", "start",
                         "announce", "level", "file", "express", "voice", "give", "provide",
                         "offer", "deliver", "open", "resume"})
RECEIVING_VERBS = frozenset({"face", "receive", "draw", "suffer", "come", "get"})
NEGATING_HEADS = frozenset({"decline", "refuse", "refrain", "fail", "avoid", "reject",
                            "unable"})
FUTURE_HEADS = frozenset({"plan", "expect", "intend", "schedule", "prepare", "aim", "set",
                          "due", "poise"})
FUTURE_AUX = frozenset({"will", "shall", "'ll"})
HYPOTHETICAL_AUX = frozenset({"may", "might", "could", "would", "can", "should", "'d"})
TARGET_PREPS = frozenset({"with", "to", "against", "on", "at", "for", "into"})
SOURCE_PREPS = frozenset({"from", "by"})
REFUSABLE = frozenset({"accept", "agree", "support", "allow",
                       "approve", "endorse", "back", "permit", "join", "sign"})
"""Verbs whose negation is a rejection ("would not accept any deal" → CAMEO 120), coded as
the rejection it is rather than as a negated act of cooperation. Not recognising is a plain
negation of recognition (054), as the annotation guideline has it."""
REJECT = "120"
REFUSED_THINGS = frozenset({"accept", "tolerate"})
"""Not accepting or tolerating something ("would not accept dictation") rejects it (120)."""
REFUSING_HEADS = frozenset({"refuse", "decline", "reject"})
UNREAL_COMPLEMENT_ROOTS = frozenset({"01", "02", "10", "11"})
"""What is denied, appealed for, demanded or alleged has not happened (as far as the sentence
says): "denies seeking nuclear weapons", "urged the Council to impose sanctions", "accused
Kurti of seeking to drive Serbs out" are a denial, an appeal and an accusation, nothing more.
Plain reporting ("said the army attacked") is the exception: what is reported is coded."""
REJECTION_BY_ROOT = {"04": "125", "06": "121", "07": "122", "08": "124"}
"""What refusing a cooperative act is in CAMEO: refusing to meet or talk is 125, to cooperate
materially 121, to give aid 122, to yield 124; anything else 120."""
COMMITMENT_VERBS = frozenset({"agree", "pledge", "promise", "vow", "offer", "commit"})
INTENT_BY_ROOT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
"""CAMEO's "express intent to ..." code for the root of the promised act: agreeing to meet
is 036, to cooperate materially 031, to give aid 033; anything else 030."""
INTENT = "030"
READY_WORDS = frozenset({"ready", "prepared", "willing", "open", "eager", "keen"})
"""Being ready, prepared or willing to act states an intent to (03x), as agreeing does."""
JOINT_ROOTS = frozenset({"03", "04", "05", "06"})
"""Intent to cooperate, consult, diplomatic and material cooperation: done together, so
"A and B signed an agreement" is an act of each towards the other."""
UNILATERAL_CODES = frozenset({"045"})
"""Consultations co-agents do not do to each other: Türkiye and the UN, who brokered a deal,
mediated between others, not between themselves."""
REPORTING_VERBS = frozenset({"say", "tell", "state", "add", "note", "write", "report",
                             "describe", "announce"})
BARE_STATEMENT = "010"
"""CAMEO's "make statement, not specified below": that someone said something is not an event
(the annotation guideline: no plain "X said" without CAMEO-worthy content). What was said is
coded when it is an event; a reporting or speaking verb with nothing more specific is not."""
DECLINE_COMMENT = "011"
"""A statement not made: "did not say whether", "did not respond to a request for comment",
"gave no details" decline to comment; the refusal is the event, and it happened."""
MEASURE_NOUNS = frozenset({"round", "series", "wave", "package", "set", "number", "dozen",
                           "spate", "string", "batch", "raft", "slew", "host", "week", "day",
                           "month", "year"})
"""Nouns that count or measure an event noun after "of": "a new round of sanctions"."""
RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom"})
SUMMARY_NOUNS = frozenset({"move", "step", "decision", "offer", "request", "proposal",
                           "measure", "action"})
"""Nouns that, set after a comma, sum up the clause before them ("..., a move condemned by
Azerbaijan"): what is done to them is done to that clause's actor."""
GROUP_NOUNS = frozenset({"leader", "side", "country", "nation", "government", "minister",
                         "party", "ally", "president", "capital", "neighbour", "neighbor"})
LEADER_GROUP_NOUNS = frozenset({"leader", "minister", "president"})
PLACE_PREPS = frozenset({"in", "at", "to", "near", "from", "outside", "inside"})
GROUP_SIZES = {"both": 2, "two": 2, "three": 3, "four": 4}
GROUP_LOOKBACK = 3
"""Sentences (this one included) searched for the actors "both sides" stand for."""
DIRECTED_ROOTS = frozenset({"03", "05", "06", "07", "08", "10", "11", "16", "17", "18", "19",
                            "20"})
"""Acts done to someone: promising, praising, cooperating, aiding, yielding, demanding,
disapproving, cutting ties, coercing, assaulting, fighting. Without a target the parse has
lost who was acted on, and the event is not coded rather than coded half (CAMEO events are
dyadic). Statements, appeals, consultations, rejections, threats, protests and shows of
force can stand alone ("Azerbaijan denies ...", "urged restraint", "troops were mobilised")."""
JUDGING_ROOTS = frozenset({"05", "11"})
"""Praise and criticism of an act ("welcomed the meeting", "condemned the violation") stand
without a target when no one the act is done by or to is named: the act is what is judged."""
COUNTED_NOUNS = frozenset({"dozen", "ten", "hundred", "thousand", "million", "group",
                           "number", "member", "handful", "team", "delegation", "unit"})
"""Nouns that count the actors after "of": "dozens of protesters", "a group of activists"."""
ALLEGING_VERBS = frozenset({"claim", "allege"})
ACCUSE = "112"
"""To claim or allege that someone did something is to accuse them (CAMEO 112); the act
claimed is not coded as having happened."""
OWN_POSSESSIVES = frozenset({"its", "their", "our", "his", "her"})
SPECULATIVE_HEADS = frozenset({"believe", "think", "suspect", "speculate", "assume", "guess",
                               "wonder", "seem", "appear", "imagine"})
SPECULATIVE_PREDICATES = frozenset({"unlikely", "likely", "possible", "impossible", "probable",
                                    "doubtful", "conceivable", "unclear"})
"""What someone believes or guesses (in a "that" clause), or what is called unlikely, has not
happened: the guideline leaves analysts' speculation uncoded."""
PURPOSE_ROOTS = frozenset({"04"})
"""Consultations whose purpose clause is only their agenda: "will travel to Lisbon to meet
Costa", "will meet Lavrov to discuss the war" are a visit and a meeting."""
CRITICAL_PREDICATES = frozenset({"illegal", "unlawful", "illegitimate", "unacceptable",
                                 "unjustified", "unjust", "wrong", "irresponsible", "reckless",
                                 "provocative", "outrageous", "shameful", "absurd",
                                 "counterproductive", "destabilising", "destabilizing"})
"""Saying that someone or their act "was illegal", "is unacceptable" criticises them (111)."""
CRITICISE = "111"
OBJECTING_ROOTS = frozenset({"10", "11", "12"})
"""Disapproving, criticising, rejecting: objecting to a hostile act (a threat, a sanction, an
attack; roots 13-20) named only as "the <act>" objects to whoever the article said did it."""
FIRING_VERBS = frozenset({"fire", "launch", "test"})
SHOW_OF_FORCE = "150"
"""Weapons fired or launched at no one ("fired two missiles off its east coast") demonstrate
military power (CAMEO 150); fired at someone, they are an attack (19x)."""
MAX_SENTENCE_TOKENS = 150
"""Longer "sentences" are run-ons or lists, where the parse is not worth trusting."""
MAX_EVENTS_PER_TRIGGER = 6
"""A joint act of three parties: each towards each other, six ordered pairs."""


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _with_conjuncts(token: Token) -> list[Token]:
    found = [token]
    for conj in token.conjuncts:
        if conj.i > token.i:
            found.append(conj)
    return found


Pairs = list[tuple[Actor, Actor | None]]


def _joint(pairs: Pairs, trigger: Trigger) -> Pairs:
    """"India and France signed an agreement": a joint act, each side towards the other."""
    if (trigger.cameo[:2] in JOINT_ROOTS and trigger.cameo not in UNILATERAL_CODES
            and len({a1.code for a1, _ in pairs}) > 1
            and all(a2 is None for _, a2 in pairs)):
        return [(a1, a2) for a1, _ in pairs for a2, _ in pairs if a1 is not a2]
    return pairs


def _identified(actor: Actor) -> bool:
    """Whether an actor is known by its country, or is an international body."""
    return bool(actor.country) or actor.code == "IGO"


def _referents(tokens: list[Token]) -> list[Token]:
    """The phrases that pronouns and summarising nouns stand for: a relative pronoun for the
    noun its clause hangs on ("France, which Baku accuses"), and a noun that sums up the
    clause it is set against ("Paris agreed to supply radars, a move condemned by Baku") for
    the actor of that clause."""
    resolved: list[Token] = []
    for token in tokens:
        if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            token = token.head.head
        if token.lower_ in ("it", "we") and token.dep_ == "nsubj" and token.head.dep_ == (
                "ccomp") and _children(token.head.head, "nsubj"):
            # "Burundi said it was withdrawing": the speaker speaks of itself
            token = _children(token.head.head, "nsubj")[0]
        if token.lower_ == "them" and token.dep_ in ("dobj", "pobj"):
            # "thanked the ministers and urged them to act": "them" is the plural object
            # named last before it in the sentence
            token = next((t for t in reversed(token.doc[token.sent.start:token.i])
                          if t.dep_ in ("dobj", "pobj") and t.tag_ in ("NNS", "NNPS")), token)
        named = [a for a in _children(token, "appos") if a.ent_type_ in _ACTOR_ENTITY_TYPES]
        if named and token.ent_type_ not in _ACTOR_ENTITY_TYPES:
            token = named[0]  # "its ally Russia", "the bloc's envoy, Miroslav Lajčák"
        for _ in range(3):
            if token.ent_type_ != "CARDINAL" and token.lemma_.lower() not in COUNTED_NOUNS:
                break
            # "dozens of protesters", "tens of thousands of people": the people counted
            counted = [pobj for _prep, pobj in _pobjs(token, frozenset({"of"}))]
            if not counted:
                break
            token = counted[0]
        if token.lemma_.lower() in SUMMARY_NOUNS and token.left_edge.i > 0 and (
                token.doc[token.left_edge.i - 1].text == ","):
            clause = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")
                           and _children(a, "nsubj")), None)
            if clause is not None:
                resolved.extend(_subject(clause)[0])
                continue
        resolved.append(token)
    return resolved


def _group_size(token: Token) -> int | None:
    """How many actors a plural reference stands for: "them" some (0), "both leaders" and
    "the two sides" two, "the three countries" three; None for anything else."""
    if token.lower_ in ("them", "they"):
        return 0
    if token.lemma_.lower() in GROUP_NOUNS and token.tag_ in ("NNS", "NNPS"):
        for child in token.children:
            if child.dep_ in ("det", "predet", "nummod") and child.lower_ in GROUP_SIZES:
                return GROUP_SIZES[child.lower_]
    if token.lemma_.lower() in GROUP_NOUNS and any(
            c.dep_ == "det" and c.lower_ == "neither" for c in token.children):
        return 2  # "neither side disclosed": each of the two, in turn
    return None


def _joined_group(token: Token, size: int) -> list[Token]:
    """The last group of named actors joined by "and" earlier in the sentence ("the meeting
    between Putin and Kim ..., with the US accusing them"), of ``size`` members if given."""
    heads = [t for t in token.sent if t.i < token.i and t.ent_type_ in _ACTOR_ENTITY_TYPES
             and any(c.ent_type_ in _ACTOR_ENTITY_TYPES for c in t.conjuncts)]
    for head in reversed(heads):
        group = sorted([head, *head.conjuncts], key=lambda t: t.i)
        if not size or len(group) == size:
            return group
    return []


def _pobjs(token: Token, preps: frozenset[str]) -> list[tuple[str, Token]]:
    """``(preposition, object)`` pairs under a token: "meeting with Kim" → ("with", Kim)."""
    pairs = []
    preps_found = _children(token, "prep", "agent")
    # "condemned by Azerbaijan and by Russia": a conjoined preposition brings its object too
    preps_found += [c for p in preps_found for c in p.conjuncts if c.pos_ == "ADP"]
    for prep in preps_found:
        for pobj in _children(prep, "pobj"):
            if prep.lower_ in preps:
                pairs.append((prep.lower_, pobj))
    return pairs


def _subject(verb: Token, depth: int = 0) -> tuple[list[Token], bool]:
    """The verb's subject phrases and whether the verb is passive; climbs to the governing
    verb for "plans to visit", "declined to comment" and coordinated verbs."""
    passive = bool(_children(verb, "nsubjpass", "auxpass"))
    subjects = _children(verb, "nsubj")
    if subjects:
        head = subjects[0]
        if head.tag_ == "WDT" or head.lower_ in ("who", "which", "that"):
            head = verb.head  # relative clause: "the minister, who met ..."
        return _with_conjuncts(head), passive
    if passive:
        return [], True
    if verb.dep_ == "xcomp" and verb.head.dep_ == "acomp" and depth < 3:
        return _subject(verb.head.head, depth + 1)[0], False  # "Yerevan was ready to sign"
    if depth < 3 and verb.dep_ in ("xcomp", "conj", "advcl", "pcomp", "ccomp") and (
            verb.head.pos_ in ("VERB", "AUX")):
        if verb.dep_ == "xcomp" and _children(verb.head, "nsubjpass"):
            # "Macron is expected to visit India": the passive subject is the visitor.
            return _with_conjuncts(_children(verb.head, "nsubjpass")[0]), False
        controllers = [o for o in _children(verb.head, "dobj") if o.i < verb.i]
        if verb.dep_ == "xcomp" and controllers:
            # Object control: "prompting China to send warships", "forced Kyiv to withdraw":
            # the one who acts is the object of the governing verb, not its subject.
            return _with_conjuncts(controllers[0]), False
        return _subject(verb.head, depth + 1)[0], False
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return [verb.head], False
    if verb.dep_ == "conj" and depth < 3:
        # A verb the parser coordinated with a word of the previous clause ("described the
        # talks as constructive and accused Armenia"): the subject of that clause's verb
        clause = next((a for a in verb.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if clause is not None:
            return _subject(clause, depth + 1)[0], False
    return [], passive


def _criticised(clause: Token) -> bool:
    """Whether a clause calls its subject illegal, unacceptable or the like, unnegated."""
    return clause.lemma_ == "be" and not _children(clause, "neg") and any(
        a.lower_ in CRITICAL_PREDICATES for a in _children(clause, "acomp"))


def _governors(token: Token) -> Iterator[Token]:
    """The verbs that govern a trigger through xcomp/pcomp chains ("declined to comment",
    "refrained from criticizing", "is expected to meet")."""
    current = token
    for _ in range(3):
        head = current.head
        if head is current:
            return
        if current.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        elif current.dep_ not in ("xcomp", "pcomp", "dobj", "nsubjpass"):
            return
        yield head
        current = head


def _negation_and_modality(token: Token) -> tuple[bool, str]:
    chain = [token, *_governors(token)]
    negated = any(_children(t, "neg") for t in chain)
    # "gave no details", "made no comment": the negation sits on the object
    negated = negated or any(d.lower_ == "no" for o in _children(token, "dobj")
                             for d in _children(o, "det"))
    negated = negated or any(g.lemma_ in NEGATING_HEADS for g in chain[1:])
    # "neither side disclosed", "no country has recognised": the negation sits on the subject
    negated = negated or any(d.lower_ in ("neither", "no") for t in chain
                             for subject in _children(t, "nsubj")
                             for d in _children(subject, "det"))
    modality = "asserted"
    for t in chain:
        auxes = {a.lower_ for a in _children(t, "aux")}
        if auxes & FUTURE_AUX or (t.lemma_ in FUTURE_HEADS and t is not token):
            modality = "future"
            break
        if auxes & HYPOTHETICAL_AUX:
            modality = "hypothetical"
            break
    return negated, modality


def _matches(trigger: Trigger, token: Token) -> bool:
    if trigger.pattern:
        # The word as written counts too: a participle modifier ("combined exercises") is
        # lemmatized to its verb.
        words = {w for c in token.children for w in (c.lemma_.lower(), c.lower_)} | {
            g.lemma_.lower() for c in _children(token, "prep", "prt") for g in c.children}
        return trigger.pattern in words
    if trigger.particle:
        for child in _children(token, "prep", "prt", "agent"):
            if child.lower_ != trigger.particle:
                continue
            if child.dep_ == "prt":
                return True
            # "meet with Kim", "call on Moscow": the preposition must lead to an actor, not
            # to a time or a topic ("met for four hours").
            if any(o.ent_type_ in _ACTOR_ENTITY_TYPES or o.pos_ == "PRON"
                   for o in _children(child, "pobj")):
                return True
        return False
    return True


_ACTOR_ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def load_generic_verbs(path: Path | None = None) -> frozenset[str]:
    """Verbs whose bare form is not an event (``data/generic_verbs.txt``)."""
    source = Path(str(path or resources.files("pipeline") / "events" / "data" /
                      "generic_verbs.txt"))
    lines = source.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


class EventCoder:
    """Codes the events of parsed sentences; one instance serves a whole run."""

    def __init__(self, lexicon: EventLexicon, actors: ActorCoder,
                 generic_verbs: frozenset[str] | None = None) -> None:
        self._lexicon = lexicon
        self.actors = actors
        self._generic = generic_verbs if generic_verbs is not None else load_generic_verbs()

    def _trigger(self, token: Token) -> Trigger | None:
        pos = "VERB" if token.pos_ == "VERB" else "NOUN" if token.pos_ in ("NOUN",
                                                                          "PROPN") else None
        if pos is None:
            return None
        lemmas = [token.lemma_.lower()]
        compounds = [c.lemma_.lower() for c in token.lefts if c.dep_ == "compound"]
        if compounds:
            lemmas.insert(0, " ".join([*compounds, token.lemma_.lower()]))
        for lemma in lemmas:
            for trigger in self._lexicon.triggers_for(lemma, pos):
                bare = not trigger.pattern and not trigger.particle
                if bare and pos == "VERB" and lemma in self._generic:
                    continue
                if _matches(trigger, token):
                    return trigger
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
        judging: set[int] = set()  # events that judge an act and may name no one judged
        for token in sentence:
            if token.i in consumed:
                continue
            coded = self._code_token(token, context, offset, consumed)
            if coded is None:
                continue
            trigger, event_token, pairs = coded
            for actor1, actor2 in _joint(pairs, trigger)[:MAX_EVENTS_PER_TRIGGER]:
                events.append(self._event(event_token, trigger, actor1, actor2, sentence,
                                          sentence_index, offset, context, anchor))
                if trigger.cameo[:2] in JUDGING_ROOTS and event_token.pos_ == "VERB" and any(
                        self._trigger(o) for o in _children(event_token, "dobj", "nsubjpass")):
                    judging.add(id(events[-1]))
        if any(e.trigger not in REPORTING_VERBS for e in events):
            # "X said Y attacked Z": the attack is the event, not the saying; but "did not say
            # why" is a refusal to comment of its own.
            events = [e for e in events if e.trigger not in REPORTING_VERBS
                      or e.cameo_code in (DECLINE_COMMENT, CRITICISE)]
        events = [e for e in events if e.cameo_code != BARE_STATEMENT
                  and (e.actor2 is not None or e.cameo_root not in DIRECTED_ROOTS
                       or id(e) in judging)]
        for event in events:
            context.doers[event.cameo_root] = event.actor1
        return events

    def _code_token(self, token: Token, context: ArticleContext, offset: int,
                    consumed: set[int]) -> tuple[Trigger, Token, Pairs] | None:
        """The trigger a token carries and the actor pairs of its event, if it is one."""
        trigger = self._trigger(token)
        if trigger is None and token.pos_ == "VERB" and token.lemma_ in REFUSED_THINGS \
                and _children(token, "neg") and not self._unreal_complement(token):
            # "Iran would not accept dictation from Western capitals": a rejection of
            # whoever the thing comes from or belongs to, when that is named
            objects = _children(token, "dobj")
            targets = [t for o in objects for _p, pobj in _pobjs(o, SOURCE_PREPS)
                       for t in _with_conjuncts(pobj)] or objects
            pairs = [(a1, a2) for a1, a2 in self._pairs(_subject(token)[0], targets, context,
                                                         offset) if a2 is not None]
            return (Trigger(token.lemma_, "VERB", None, None, REJECT), token,
                    pairs) if pairs else None  # a stance on a thing of no one is no event
        if trigger is None or self._unreal_complement(token):
            return None  # "urged the Council to impose sanctions": only the appeal happened
        if token.dep_ == "advcl" and any(a.lower_ == "to" for a in _children(token, "aux")) \
                and (purpose_of := self._trigger(token.head)) is not None \
                and purpose_of.cameo[:2] in PURPOSE_ROOTS:
            return None
        if token.pos_ == "VERB" and token.lemma_ in ALLEGING_VERBS:
            accused = [t for c in _children(token, "ccomp") for t in _children(c, "nsubj")]
            if accused:
                # "claimed that Polish troops had fired shots": an accusation of the troops
                sources, _passive = _subject(token)
                pairs = self._pairs(sources, accused, context, offset)
                return (Trigger(trigger.lemma, trigger.pos, None, None, ACCUSE), token,
                        pairs) if pairs else None
        if token.pos_ == "VERB" and token.lemma_ in REPORTING_VERBS:
            judged = [s for c in _children(token, "ccomp") if _criticised(c)
                      for s in _children(c, "nsubj")]
            if judged:
                # "The Kremlin said the sanctions were illegal": criticism of whoever (or
                # whose act) is called illegal
                sources, _passive = _subject(token)
                pairs = self._pairs(sources, judged, context, offset)
                return (Trigger(trigger.lemma, trigger.pos, None, None, CRITICISE), token,
                        pairs) if pairs else None
        if token.pos_ == "VERB" and token.lemma_ in COMMITMENT_VERBS:
            acts = _children(token, "xcomp")
            acts += [x for act in acts for x in _children(act, "xcomp")]  # "keep talking"
            promised = [(x, t) for x in acts if (t := self._trigger(x)) is not None]
            if promised:
                # "Paris agreed to supply Yerevan with radars": an intent to give aid.
                act, act_trigger = promised[0]
                consumed.add(act.i)
                intent = INTENT_BY_ROOT.get(act_trigger.cameo[:2], INTENT)
                return (Trigger(trigger.lemma, trigger.pos, None, None, intent), token,
                        self._verb_actors(act, context, offset))
            if acts and not any(self._trigger(o) for o in _children(acts[0], "dobj")):
                # "pledged to deploy missile systems to the Philippines": an intent, towards
                # whom the promised act is done
                return (Trigger(trigger.lemma, trigger.pos, None, None, INTENT), token,
                        self._verb_actors(acts[0], context, offset))
        if token.pos_ == "VERB" and token.dep_ == "xcomp" and token.head.lemma_.lower() in (
                READY_WORDS) and token.head.dep_ == "acomp":
            # "Yerevan was ready to sign a peace treaty", "prepared to host talks": an intent
            intent = INTENT_BY_ROOT.get(trigger.cameo[:2], INTENT)
            pairs = self._verb_actors(token, context, offset)
            return (Trigger(trigger.lemma, trigger.pos, None, None, intent), token,
                    pairs) if pairs else None
        if token.pos_ == "VERB":
            if token.lemma_ in LIGHT_VERBS and any(
                    self._trigger(obj) for obj in _children(token, "dobj", "nsubjpass")):
                return None  # the noun carries the event: "held talks", "warrant was issued"
            if token.lemma_ in FUTURE_HEADS and any(
                    self._trigger(x) for x in _children(token, "xcomp")):
                return None  # "plans to visit": the visit, in the future
            pairs = self._verb_actors(token, context, offset)
            if trigger.pattern and pairs and all(a2 is None for _a1, a2 in pairs):
                # "agreed on new sanctions against Iran": the target hangs on the object
                objects = [o for c in token.children for o in [c, *_children(c, "pobj")]
                           if o.lemma_.lower() == trigger.pattern and o.pos_ == "NOUN"]
                targets = [t for o in objects[:1] for _p, pobj in _pobjs(o, TARGET_PREPS)
                           for t in _with_conjuncts(pobj)]
                if targets:
                    pairs = self._pairs(_subject(token)[0], targets, context, offset) or pairs
        else:
            slot = self._slot(token)
            if slot.dep_ in ("dobj", "nsubjpass", "pobj") and slot.head.lemma_ not in (
                    LIGHT_VERBS | RECEIVING_VERBS) and self._trigger(slot.head):
                return None  # "denied these allegations": the verb's event says it all
            pairs = self._noun_actors(token, context, offset)
            light = slot.head
            if slot.dep_ == "dobj" and light.lemma_ in LIGHT_VERBS and light.dep_ == "xcomp" \
                    and light.head.dep_ == "acomp" and light.head.lemma_.lower() in READY_WORDS:
                # "Yerevan was ready to sign a peace treaty": the intent to sign one
                trigger = Trigger(trigger.lemma, trigger.pos, None, None,
                                  INTENT_BY_ROOT.get(trigger.cameo[:2], INTENT))
        if pairs and token.pos_ == "VERB" and token.lemma_ in FIRING_VERBS \
                and trigger.cameo[:2] == "19" and all(a2 is None for _a1, a2 in pairs) \
                and not any(self._trigger(o) for o in _children(token, "dobj")):
            # "North Korea fired two missiles into the sea": a show of force, not an attack
            trigger = Trigger(trigger.lemma, trigger.pos, trigger.particle, trigger.pattern,
                              SHOW_OF_FORCE)
        if trigger.pattern and token.lemma_ not in FUTURE_HEADS:
            consumed.update(c.i for c in token.subtree if c.lemma_.lower() == trigger.pattern)
        return (trigger, token, pairs) if pairs else None

    def _unreal_complement(self, token: Token) -> bool:
        """Whether a token sits in a clause that another trigger denies, requests, demands or
        alleges, that someone only believes or speculates, or that is called unlikely: the
        clause itself or any clause that contains it ("accused Kurti of seeking to drive
        Serbs out", "claimed that China is implementing mechanisms to support Russia")."""
        return any(self._unreal_clause(clause) for clause in [token, *token.ancestors]
                   if clause.pos_ in ("VERB", "AUX"))

    def _unreal_clause(self, token: Token) -> bool:
        if token.dep_ not in ("xcomp", "ccomp", "pcomp"):
            return False
        head = token.head.head if token.dep_ == "pcomp" and token.head.dep_ == "prep" else (
            token.head)
        if token.dep_ == "ccomp" and (head.lemma_ in SPECULATIVE_HEADS or any(
                c.lower_ in SPECULATIVE_PREDICATES for c in _children(head, "acomp"))):
            return True  # "analysts believe that ...", "it is unlikely that China would ..."
        if head.lemma_ in REPORTING_VERBS or head.lemma_ in REFUSING_HEADS:
            return False
        governing = self._trigger(head)
        return governing is not None and governing.cameo[:2] in UNREAL_COMPLEMENT_ROOTS

    def _groups(self, tokens: list[Token], context: ArticleContext,
                offset: int) -> list[Token]:
        """Plural references replaced by the actors they stand for: a group joined by "and"
        earlier in the sentence, or for "both leaders", "the two sides" the last actors of
        as many different countries named in the sentences just before."""
        resolved: list[Token] = []
        for token in tokens:
            size = _group_size(token)
            if size is None:
                resolved.append(token)
                continue
            group = _joined_group(token, size)
            if not group and size:
                group = self._recent_actors(token, size, context, offset)
            resolved.extend(group)
        return resolved

    def _recent_actors(self, token: Token, size: int, context: ArticleContext,
                       offset: int) -> list[Token]:
        sentences = [s for s in token.doc.sents if s.start <= token.i][-GROUP_LOOKBACK:]
        leaders = token.lemma_.lower() in LEADER_GROUP_NOUNS
        found: dict[str, Token] = {}
        for entity in reversed([e for e in token.doc.ents if e.start >= sentences[0].start
                                and e.end <= token.i]):
            candidate = entity.root
            if entity.label_ not in ("PERSON", "GPE", "ORG") or candidate.dep_ == "compound":
                continue  # "the Belgrade-Pristina dialogue" names no actor
            if any(a.dep_ == "prep" and a.lower_ in PLACE_PREPS for a in candidate.ancestors):
                continue  # a place where something happens: "met in Brussels"
            actor = self.actors.actor(candidate, context, offset)
            if actor is None or (leaders and not actor.role):
                continue  # leaders are people in office, not countries
            if actor.country and actor.country not in found:
                found[actor.country] = candidate
                if len(found) == size:
                    return sorted(found.values(), key=lambda t: t.i)
        return []

    def _target(self, token: Token, context: ArticleContext, offset: int) -> Actor | None:
        """The actor a target phrase stands for; a thing that belongs to an actor, or that an
        actor's name or adjective qualifies, stands for that actor ("does not recognise
        Kosovo's declaration", "condemned the Russian invasion", "vetoed a U.S.-drafted
        resolution")."""
        actor = self.actors.actor(token, context, offset)
        if actor is None and token.pos_ == "NOUN":
            # "Kosovo's declaration", "the Russian invasion", "a U.S.-drafted resolution"
            modifiers = _children(token, "poss", "compound", "amod", "nmod")
            owners = [m for m in modifiers if m.dep_ == "poss" and m.lower_ not in
                      OWN_POSSESSIVES] + [m for m in modifiers if m.dep_ != "poss" and
                                          m.ent_type_ in ("GPE", "NORP", "ORG")] + [
                n for m in modifiers if m.dep_ == "amod"
                for n in _children(m, "npadvmod", "compound") if n.ent_type_ in ("GPE", "ORG")]
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
            objected = (judged is not None and judged.cameo[:2] in OBJECTING_ROOTS) or (
                token.dep_ == "nsubj" and _criticised(token.head))
            if act is not None and act.cameo[:2] >= "13" and objected and not owners \
                    and any(d.lower_ == "the" for d in _children(token, "det")):
                # "criticised the sanctions", owner unnamed: the sanctions the article
                # reported, and their doer is the one criticised
                return context.doers.get(act.cameo[:2])
        return actor

    def _pairs(self, sources: list[Token], targets: list[Token], context: ArticleContext,
               offset: int) -> list[tuple[Actor, Actor | None]]:
        sources = self._groups(_referents(sources), context, offset)
        targets = self._groups(_referents(targets), context, offset)
        actors1 = [a for t in sources for a in (self.actors.members(t, context, offset)
                                                 or [self.actors.actor(t, context, offset)])
                   if a and _identified(a)]
        # Both sides must be known by country (or as an international body): a role alone
        # ("its troops", "the court") is a half-resolved actor, not one to code.
        actors2 = [a for t in targets for a in (self.actors.members(t, context, offset)
                                                 or [self._target(t, context, offset)])
                   if a and _identified(a)]
        actors2 = [a for a in actors2 if all(a.code != b.code or a.text != b.text
                                             for b in actors1)]
        return [(a1, a2) for a1 in actors1 for a2 in (actors2 or [None])]

    def _verb_actors(self, verb: Token, context: ArticleContext,
                     offset: int) -> list[tuple[Actor, Actor | None]]:
        subjects, passive = _subject(verb)
        targets: list[Token] = []
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and _children(verb, "agent"):
            # A passive participle after its noun: "a move condemned by Azerbaijan", "the
            # deal brokered by Türkiye": the agent acts on the noun.
            sources = [t for _prep, pobj in _pobjs(verb, SOURCE_PREPS)
                       for t in _with_conjuncts(pobj)]
            targets = [verb.head]
        elif passive:
            sources = [t for _prep, pobj in _pobjs(verb, SOURCE_PREPS)
                       for t in _with_conjuncts(pobj)]
            targets = [t for s in _children(verb, "nsubjpass") for t in _with_conjuncts(s)]
        else:
            sources = subjects
            for obj in _children(verb, "dobj"):
                targets.extend(_with_conjuncts(obj))
            if not any(self._target(t, context, offset)
                       for t in self._groups(_referents(targets), context, offset)):
                # "supplied weapons to Ukraine", "deploy missile systems to the Philippines":
                # when the object is a thing, the one it goes to is the target
                targets = []
            if not targets:
                targets = [t for _prep, pobj in _pobjs(verb, TARGET_PREPS)
                           for t in _with_conjuncts(pobj)]
            if not targets and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN") \
                    and _children(verb, "nsubj") and not any(
                        t.tag_ in ("WDT", "WP", "WP$") for t in verb.subtree):
                # "an offer Pyongyang refused": the object is the noun the clause hangs on
                targets = [verb.head]
        return self._pairs(sources, targets, context, offset)

    def _slot(self, noun: Token) -> Token:
        """The phrase that fills the verb's slot for an event noun: the noun itself, or the
        measure it is counted in ("began a week of exercises", "imposed a new round of
        sanctions"), when that measure is neither an event nor an actor itself."""
        of = noun.head
        if noun.dep_ != "pobj" or of.lower_ != "of":
            return noun
        measure = of.head
        if (measure.dep_ in ("dobj", "nsubjpass") and self._trigger(measure) is None
                and (measure.ent_type_ in ("DATE", "TIME", "CARDINAL", "QUANTITY")
                     or measure.lemma_.lower() in MEASURE_NOUNS)):
            return measure
        return noun

    def _noun_actors(self, noun: Token, context: ArticleContext,
                     offset: int) -> list[tuple[Actor, Actor | None]]:
        # "began their exercises": after a light verb, a possessive pronoun other than
        # his/her repeats the verb's subject, which is the source below.
        light = noun.dep_ == "dobj" and noun.head.lemma_ in LIGHT_VERBS
        sources: list[Token] = [p for p in _children(noun, "poss") if not light
                                or p.pos_ != "PRON" or p.lower_ in ("his", "her")]
        targets: list[Token] = []
        for prep, pobj in _pobjs(noun, TARGET_PREPS | SOURCE_PREPS | {"between"}):
            if prep in SOURCE_PREPS:
                sources.extend(_with_conjuncts(pobj))
            elif prep == "between":
                pair = _with_conjuncts(pobj)
                sources.append(pair[0])
                targets.extend(pair[1:])
            else:
                targets.extend(_with_conjuncts(pobj))
        slot = self._slot(noun)
        head = slot.head
        if slot.dep_ == "dobj" and head.pos_ == "VERB":
            subjects, _passive = _subject(head)
            if head.lemma_ in RECEIVING_VERBS:
                targets = subjects + targets  # "China faced accusations from the US"
            elif not sources:
                sources = subjects
            targets += [t for _p, pobj in _pobjs(head, TARGET_PREPS) for t in
                        _with_conjuncts(pobj)]
        elif slot.dep_ == "nsubjpass" and head.pos_ == "VERB":
            sources += [t for _p, pobj in _pobjs(head, frozenset({"by"}))
                        for t in _with_conjuncts(pobj)]
            targets += [pobj for _p, pobj in _pobjs(head, TARGET_PREPS)]
        return self._pairs(sources, targets, context, offset)

    def _event(self, token: Token, trigger: Trigger, actor1: Actor, actor2: Actor | None,
               sentence: Span, sentence_index: int, offset: int, context: ArticleContext,
               anchor: date | None) -> CodedEvent:
        negated, modality = _negation_and_modality(token)
        verb = token.head if token.dep_ == "dobj" else token  # "would not accept any deal"
        cooperative = trigger.cameo[:2] < "10"
        if trigger.cameo == REJECT and token.lemma_ in REFUSED_THINGS and negated:
            negated, modality = False, "asserted"  # the refusal is said, so it happened
        if negated and verb.lemma_ in REFUSABLE and cooperative:
            trigger, negated = Trigger(trigger.lemma, trigger.pos, None, None, REJECT), False
            modality = "asserted"  # the refusal is a speech act that took place
        elif negated and cooperative and (
                any(g.lemma_ in REFUSING_HEADS for g in _governors(token))
                or (token.pos_ == "VERB" and modality != "asserted")):
            # "refused to supply ammunition", "Ukraine will not finance Russia's war": the
            # refusal is the event, and it happened.
            code = REJECTION_BY_ROOT.get(trigger.cameo[:2], REJECT)
            trigger, negated = Trigger(trigger.lemma, trigger.pos, None, None, code), False
            modality = "asserted"
        elif negated and trigger.cameo == BARE_STATEMENT:
            trigger, negated = Trigger(trigger.lemma, trigger.pos, None, None,
                                       DECLINE_COMMENT), False
        location = self._location(token, context, offset)
        when = self._date(token, sentence, anchor, future=modality == "future")
        confidence = 0.5 + (0.2 if actor2 else 0) + (0.1 if actor1.country else 0) + (
            0.1 if actor2 is not None and actor2.country else 0)
        if modality != "asserted":
            confidence -= 0.1
        code = self._lexicon.code(trigger.cameo)
        return CodedEvent(
            sentence_index=sentence_index,
            start_char=offset + sentence.start_char,
            end_char=offset + sentence.end_char,
            evidence=sentence.text.strip(),
            trigger=trigger.lemma,
            cameo_code=code.code,
            cameo_root=code.root,
            quad_class=code.quad_class,
            goldstein=code.goldstein,
            plover_type=code.plover_type,
            plover_mode=code.plover_mode,
            actor1=actor1,
            actor2=actor2,
            negated=negated,
            modality=modality,
            event_date=when,
            location_name=location[0] if location else None,
            location_type=location[1] if location else None,
            confidence=round(min(confidence, 1.0), 2),
            nominal=token.pos_ != "VERB",
        )

    def _location(self, token: Token, context: ArticleContext,
                  offset: int) -> tuple[str, str] | None:
        anchors = [token, token.head] if token.dep_ in ("dobj", "nsubjpass") else [token]
        if token.pos_ != "VERB":  # "his meeting with Sullivan in Malta": under the noun phrase
            anchors += [t for t in token.subtree if t.pos_ in ("PROPN", "NOUN") and t != token]
        for anchor in anchors:
            for _prep, pobj in _pobjs(anchor, frozenset({"in", "at"})):
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

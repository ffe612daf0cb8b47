"""Reading spaCy's dependency parse for the event rules: subjects, prepositional objects,
referents of pronouns and summarising nouns, the verbs that govern a trigger, negation and
modality. Pure functions of the parse and the word lists; nothing here knows CAMEO codes.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from pipeline.events.wordlists import WordLists


def children(token: Token, *deps: str) -> list[Token]:
    """The token's children with one of the dependency labels ``deps``."""
    return [c for c in token.children if c.dep_ in deps]


def with_conjuncts(token: Token) -> list[Token]:
    """The token and the words coordinated after it ("Armenia and Azerbaijan")."""
    found = [token]
    for conj in token.conjuncts:
        if conj.i > token.i:
            found.append(conj)
    return found


def pobjs(token: Token, preps: frozenset[str]) -> list[tuple[str, Token]]:
    """``(preposition, object)`` pairs under a token: "meeting with Kim" → ("with", Kim)."""
    pairs = []
    preps_found = children(token, "prep", "agent", "dative")  # "sent letters to Moscow"
    # "condemned by Azerbaijan and by Russia": a conjoined preposition brings its object too
    preps_found += [c for p in preps_found for c in p.conjuncts if c.pos_ == "ADP"]
    for prep in preps_found:
        for pobj in children(prep, "pobj"):
            if prep.lower_ in preps:
                pairs.append((prep.lower_, pobj))
    return pairs


def subject(verb: Token, depth: int = 0) -> tuple[list[Token], bool]:
    """The verb's subject phrases and whether the verb is passive; climbs to the governing
    verb for "plans to visit", "declined to comment" and coordinated verbs."""
    passive = bool(children(verb, "nsubjpass", "auxpass"))
    subjects = children(verb, "nsubj")
    if subjects:
        head = subjects[0]
        if head.tag_ == "WDT" or head.lower_ in ("who", "which", "that"):
            head = verb.head  # relative clause: "the minister, who met ..."
        return with_conjuncts(head), passive
    if passive:
        return [], True
    if verb.dep_ == "xcomp" and verb.head.dep_ == "acomp" and depth < 3:
        return subject(verb.head.head, depth + 1)[0], False  # "Yerevan was ready to sign"
    if depth < 3 and verb.dep_ in ("xcomp", "conj", "advcl", "pcomp", "ccomp") and (
            verb.head.pos_ in ("VERB", "AUX")):
        if verb.dep_ == "xcomp" and children(verb.head, "nsubjpass"):
            # "Macron is expected to visit India": the passive subject is the visitor.
            return with_conjuncts(children(verb.head, "nsubjpass")[0]), False
        controllers = [o for o in children(verb.head, "dobj") if o.i < verb.i]
        if verb.dep_ == "xcomp" and controllers:
            # Object control: "prompting China to send warships", "forced Kyiv to withdraw":
            # the one who acts is the object of the governing verb, not its subject.
            return with_conjuncts(controllers[0]), False
        return subject(verb.head, depth + 1)[0], False
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return [verb.head], False
    if verb.dep_ == "conj" and depth < 3:
        # A verb the parser coordinated with a word of the previous clause ("described the
        # talks as constructive and accused Armenia"): the subject of that clause's verb
        clause = next((a for a in verb.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if clause is not None:
            return subject(clause, depth + 1)[0], False
    return [], passive


def criticised(clause: Token, words: WordLists) -> bool:
    """Whether a clause calls its subject illegal, unacceptable or the like, unnegated."""
    return clause.lemma_ == "be" and not children(clause, "neg") and any(
        a.lower_ in words.critical_predicates for a in children(clause, "acomp"))


def governors(token: Token) -> Iterator[Token]:
    """The verbs that govern a trigger through xcomp/pcomp chains ("declined to comment",
    "refrained from criticizing", "is expected to meet"), and through an adjective's
    complement to its copula ("will never be able to harm": the negation sits on "be")."""
    current = token
    for _ in range(3):
        head = current.head
        if head is current:
            return
        if current.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head
        elif current.dep_ not in ("xcomp", "pcomp", "dobj", "nsubjpass", "acomp"):
            return
        yield head
        current = head


def negation_and_modality(token: Token, words: WordLists) -> tuple[bool, str]:
    """Whether the act a trigger names is negated, and its modality (``asserted``,
    ``future``, ``hypothetical``), from the words on it and on the verbs that govern it."""
    chain = [token, *governors(token)]
    negated = any(children(t, "neg") for t in chain)
    # "gave no details", "made no comment": the negation sits on the object
    negated = negated or any(d.lower_ == "no" for o in children(token, "dobj")
                             for d in children(o, "det"))
    negated = negated or any(g.lemma_ in words.negating_heads for g in chain[1:])
    # "neither side disclosed", "no country has recognised": the negation sits on the subject
    negated = negated or any(d.lower_ in ("neither", "no") for t in chain
                             for subj in children(t, "nsubj")
                             for d in children(subj, "det"))
    return negated, _modality(token, chain, words)


def _modality(token: Token, chain: list[Token], words: WordLists) -> str:
    later = any(m.lower_ in words.future_modifiers or m.lemma_.lower() in words.future_modifiers
                for m in children(token, "amod"))
    later = later or any(pobj.lemma_.lower() == "future"
                         for _p, pobj in pobjs(token, frozenset({"in"})))
    if token.pos_ != "VERB" and later:
        return "future"  # "the planned visit", "a visit to Beijing in the near future"
    for t in chain:
        auxes = {a.lower_ for a in children(t, "aux")}
        if auxes & words.future_aux or (t.lemma_ in words.future_heads and t is not token):
            return "future"
        if auxes & words.hypothetical_aux:
            # "said Kigali would attend the talks": a reported definite plan is the future
            # seen from the past; "if attacked, Peru would respond" stays hypothetical
            clause = t
            while clause.dep_ == "conj" and clause.head is not clause:
                clause = clause.head  # "said both sides had agreed and would convene"
            reported = auxes <= {"would", "'d"} and clause.dep_ == "ccomp" \
                and clause.head.lemma_ in words.reporting_verbs and not any(
                    m.lower_ == "if" for c in t.children for m in [c, *children(c, "mark")])
            return "future" if reported else "hypothetical"
    return "asserted"


def referents(tokens: list[Token], words: WordLists) -> list[Token]:
    """The phrases that pronouns and summarising nouns stand for: a relative pronoun for the
    noun its clause hangs on ("France, which Baku accuses"), and a noun that sums up the
    clause it is set against ("Paris agreed to supply radars, a move condemned by Baku") for
    the actor of that clause."""
    resolved: list[Token] = []
    for token in tokens:
        if token.lower_ in words.relative_pronouns and token.head.dep_ == "relcl":
            token = token.head.head
        if token.lower_ in ("it", "we", "they") and token.dep_ == "nsubj" and token.head.dep_ == (
                "ccomp") and children(token.head.head, "nsubj"):
            # "Burundi said it was withdrawing": the speaker speaks of itself
            token = children(token.head.head, "nsubj")[0]
        if token.lower_ == "them" and token.dep_ in ("dobj", "pobj"):
            # "thanked the ministers and urged them to act": "them" is the plural object
            # named last before it in the sentence
            token = next((t for t in reversed(token.doc[token.sent.start:token.i])
                          if t.dep_ in ("dobj", "pobj") and t.tag_ in ("NNS", "NNPS")), token)
        named = [a for a in children(token, "appos")
                 if a.ent_type_ in words.actor_entity_types]
        if named and token.ent_type_ not in words.actor_entity_types:
            token = named[0]  # "its ally Russia", "the bloc's envoy, Miroslav Lajčák"
        for _ in range(3):
            if token.ent_type_ != "CARDINAL" and token.lemma_.lower() not in words.counted_nouns:
                break
            # "dozens of protesters", "tens of thousands of people": the people counted
            counted = [pobj for _prep, pobj in pobjs(token, frozenset({"of"}))]
            if not counted:
                break
            token = counted[0]
        if token.lemma_.lower() in words.summary_nouns and token.left_edge.i > 0 and (
                token.doc[token.left_edge.i - 1].text == ","):
            clause = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")
                           and children(a, "nsubj")), None)
            if clause is not None:
                resolved.extend(subject(clause)[0])
                continue
        resolved.append(token)
    return resolved


def group_size(token: Token, words: WordLists) -> int | None:
    """How many actors a plural reference stands for: "them" some (0), "both leaders" and
    "the two sides" two, "the three countries" three; None for anything else."""
    if token.lower_ in ("them", "they"):
        return 0
    if token.lemma_.lower() in words.group_nouns and token.tag_ in ("NNS", "NNPS"):
        for child in token.children:
            if child.dep_ in ("det", "predet", "nummod") and child.lower_ in words.group_sizes:
                return words.group_sizes[child.lower_]
    if token.lemma_.lower() in words.group_nouns and any(
            c.dep_ == "det" and c.lower_ == "neither" for c in token.children):
        return 2  # "neither side disclosed": each of the two, in turn
    return None


def joined_group(token: Token, size: int, words: WordLists) -> list[Token]:
    """The last group of named actors joined by "and" earlier in the sentence ("the meeting
    between Putin and Kim ..., with the US accusing them"), of ``size`` members if given."""
    kinds = words.actor_entity_types
    heads = [t for t in token.sent if t.i < token.i and t.ent_type_ in kinds
             and any(c.ent_type_ in kinds for c in t.conjuncts)]
    for head in reversed(heads):
        group = sorted([head, *head.conjuncts], key=lambda t: t.i)
        if not size or len(group) == size:
            return group
    return []

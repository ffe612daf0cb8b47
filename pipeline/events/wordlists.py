"""The event coder's word lists and code tables, read from ``data/word_lists.tsv`` and
``data/code_tables.tsv``.

Each list is a field of :class:`WordLists`, so a rule names the list it reads
(``words.light_verbs``) and a typo fails at once. Loading checks that every list of the class
is in the files and that the files hold no list the class does not know: a list cannot be
dropped or misspelt silently. Nothing is cached at module level: :meth:`WordLists.load`
returns an ordinary object that the coder holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

WORDS_FILE = "word_lists.tsv"
TABLES_FILE = "code_tables.tsv"

Words = frozenset[str]


@dataclass(frozen=True, slots=True)
class WordLists:
    """Every word list and code table the event rules and the actor coder read."""

    # -- words (lemmas unless said otherwise) ------------------------------------------------
    light_verbs: Words
    """Verbs that lend their subject to an event noun object ("held talks", "imposed
    sanctions"): the noun carries the event."""
    receiving_verbs: Words
    """Verbs whose subject receives the noun's act ("faced accusations from the US")."""
    negating_heads: Words
    """Governing words that negate the act under them ("declined to comment")."""
    future_heads: Words
    """Governing words that put the act under them in the future ("plans to visit")."""
    future_modifiers: Words
    """Modifiers that put an event noun in the future ("the planned visit")."""
    future_aux: Words
    hypothetical_aux: Words
    target_preps: Words
    """Prepositions whose object is the target ("met with Kim", "sanctions against Iran")."""
    source_preps: Words
    """Prepositions whose object is the source ("accusations from the US")."""
    refusable: Words
    """Verbs whose negation is a rejection, 120 ("would not accept any deal")."""
    refused_things: Words
    """Not accepting or tolerating something of someone's rejects them (120)."""
    refusing_heads: Words
    """Governing verbs whose act is refused ("refused to supply ammunition": 12x)."""
    commitment_verbs: Words
    """Agreeing, pledging, promising to do an act is the intent to do it (03x)."""
    threat_verbs: Words
    """Threatening to do an act is the threat of it (13x); the act has not happened."""
    ready_words: Words
    """Being ready, prepared or willing to act states an intent to (03x)."""
    reporting_verbs: Words
    """Verbs of saying: what was said is the event, not the saying."""
    measure_nouns: Words
    """Nouns that measure an event noun after "of" ("a new round of sanctions")."""
    relative_pronouns: Words
    summary_nouns: Words
    """Nouns that sum up the clause before a comma ("..., a move condemned by Baku")."""
    group_nouns: Words
    """Plural nouns that stand for actors named before ("both leaders", "the two sides")."""
    leader_group_nouns: Words
    """Group nouns that stand for people in office, not countries."""
    place_preps: Words
    """Prepositions that make a name a place, not an actor ("met in Brussels")."""
    counted_nouns: Words
    """Nouns that count the actors after "of" ("dozens of protesters")."""
    alleging_verbs: Words
    """Claiming or alleging that someone did something accuses them (112)."""
    own_possessives: Words
    """Possessive pronouns that name no owner of their own."""
    policy_nouns: Words
    """What a directed act may be done to without an actor target: "rejected the plan",
    "condemned the decision"."""
    place_nouns: Words
    """Places a directed act may be done to without an actor target: "shelled the
    village"."""
    people_nouns: Words
    """People a directed act may be done to without a placed actor: "arrested two
    journalists"."""
    clause_target_roots: Words
    """Roots (CAMEO) of acts aimed at the subject of their "that" clause: "warned that
    Manila would pay"."""
    transitive_senses: Words
    """Verbs whose event sense takes an object: "returned the prisoners" (084), not
    "returned home"."""
    obligation_aux: Words
    """Modals of obligation: what someone "must" or "should" do is demanded of them, not
    done."""
    state_verbs: Words
    """Verbs of a standing state: in a relative clause in the simple present ("who maintains
    ties with both") they describe, not report."""
    igo_name_starts: Words
    """First words of a name that make it a body of an international organization: "UN
    Support Mission in Libya"."""
    economic_nouns: Words
    """Economic things and natural causes that "hit", "hurt" or "kill" without an assailant:
    "tariffs hit farmers", "the plague killed millions"."""
    dating_nouns: Words
    """Nouns that use an event as a date: "the anniversary of the invasion", "the eve of
    the summit"."""
    commentator_nouns: Words
    """What makes a named person a commentator, whose words are opinions: "X, an expert
    on ..."."""
    asking_roots: Words
    """Roots (CAMEO) of acts that ask something from someone: "asked permission from
    Belgrade" (the one asked is the target)."""
    mouthpiece_nouns: Words
    """Bodies that speak for the person or country that owns them: "Abbas's office",
    "Trump's campaign"."""
    conditional_marks: Words
    """Conjunctions of a condition ("only if Western countries lift the ban"): the act
    under them has not happened."""
    wishing_heads: Words
    """What someone wants, hopes or aims to do ("wanted to join the EU") has not happened."""
    speculative_heads: Words
    """What someone believes or guesses (in a "that" clause) has not happened."""
    speculative_predicates: Words
    """What is called unlikely or possible has not happened."""
    critical_predicates: Words
    """Calling someone or their act illegal, unacceptable ... criticises them (111)."""
    firing_verbs: Words
    """Weapons fired at no one are a show of force (150), at someone an attack."""
    actor_entity_types: Words
    """spaCy entity labels that can name an actor (labels, not lemmas)."""
    non_actor_entity_types: Words
    """spaCy entity labels that never name an actor: times, amounts, numbers."""
    agent_participles: Words
    """Participles after a hyphenated country that make it the owner ("U.S.-drafted";
    surface forms)."""
    relative_nouns: Words
    """Relatives of a leader who speak for the state ("the sister of leader Kim Jong Un")."""
    member_nouns: Words
    """Plural nouns for the member countries of a region or body ("Western governments")."""
    personal_pronouns: Words
    """Pronouns that stand for the last person named (surface forms, lower case)."""
    intransitive_senses: Words
    """Verbs whose event sense takes no object: "demonstrate ways", "rallied support" are
    no protest."""
    contest_verbs: Words
    """Verbs that report a result between teams or candidates as readily as a battle
    ("Russia beat Croatia")."""
    sports_words: Words
    """Nouns that set a sentence in sport: a contest or violent verb among them is a
    result."""
    encircling_verbs: Words
    """Surrounding a place: a crowd that does it protests (141)."""
    building_nouns: Words
    """Buildings and sites a crowd gathers around."""
    # -- code tables -------------------------------------------------------------------------
    unreal_complement_roots: Words
    """Roots whose complement has not happened: what is denied, appealed for, demanded or
    alleged ("urged the Council to impose sanctions" is the appeal only)."""
    joint_roots: Words
    """Roots of acts done together: "A and B signed an agreement" is each towards the other."""
    unilateral_codes: Words
    """Codes co-agents do not do to each other (mediation, 045)."""
    directed_roots: Words
    """Roots of acts done to someone: without a target the event is not coded."""
    judging_roots: Words
    """Praise and criticism of an act stand without a target ("welcomed the meeting")."""
    purpose_roots: Words
    """Consultations whose purpose clause is their agenda ("will meet Lavrov to discuss")."""
    objecting_roots: Words
    """Objecting to "the <hostile act>" objects to whoever the article said did it."""
    person_title_roles: Words
    """Roles of a title that make the name after it a person."""
    patient_of_roots: Words
    """Roots of acts done to someone, whose noun names that someone after "of": "the
    invasion of Ukraine", "the release of two nationals"."""
    forceful_roots: Words
    """Roots of coercion, whose object, whatever it is, was acted on ("arrested an alleged
    sharpshooter")."""
    violent_roots: Words
    """Roots of violence and force: coded only when one side is known by country, as an
    international body or as an armed force ("Garrett hit Rudolph with a helmet" is no
    political event)."""
    material_conflict_roots: Words
    """Roots of material conflict (GDELT QuadClass 4), where a contest verb can land
    ("defeat" is 150): a result between teams or candidates is none of them."""
    unreal_noun_roots: Words
    """Roots of nouns whose "to" clause names an act that has not happened: "threats to
    harm", "calls to lift"."""
    undirected_codes: Words
    """Codes of directed roots whose act needs no target: resigning (0831), a ceasefire
    (0871), a retreat (0874)."""
    stateless_roles: Words
    """Roles an actor of no known country may have, coded alone in a story about several
    countries ("a man crossing from Belarus": CVL)."""
    armed_roles: Words
    """Roles of actors who use force: a contest or an encirclement by anyone else is no
    violence."""
    rejection_by_root: dict[str, str]
    """What refusing a cooperative act is, by the act's root (refusing to meet: 125)."""
    intent_by_root: dict[str, str]
    """The express-intent code for the root of a promised act (to meet: 036)."""
    threat_by_code: dict[str, str]
    """What stating a future hostile act is, by the act's code, three-digit parent or root
    (most specific first): future sanctions 1312, a future attack 1384."""
    group_sizes: dict[str, int]
    """How many actors a plural reference names ("both": 2)."""

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> WordLists:
        """Read both files from ``data_dir``, by default the package's ``events/data``."""
        base: Traversable | Path = (resources.files("pipeline.events") / "data"
                                    if data_dir is None else Path(data_dir))
        sets: dict[str, set[str]] = {}
        maps: dict[str, dict[str, str]] = {}
        for name, word in _rows(base / WORDS_FILE, ("list", "word")):
            sets.setdefault(name, set()).add(word[0])
        for name, (key, value) in _rows(base / TABLES_FILE, ("table", "key", "value")):
            if value:
                maps.setdefault(name, {})[key] = value
            else:
                sets.setdefault(name, set()).add(key)
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            if field.name in maps:
                table = maps.pop(field.name)
                values[field.name] = ({k: int(v) for k, v in table.items()}
                                      if field.type == "dict[str, int]" else table)
            elif field.name in sets:
                values[field.name] = frozenset(sets.pop(field.name))
            else:
                raise ValueError(f"{base}: no list or table named {field.name!r}")
        unknown = sorted(sets.keys() | maps.keys())
        if unknown:
            raise ValueError(f"{base}: lists the coder does not know: {', '.join(unknown)}")
        return cls(**values)  # type: ignore[arg-type]


def _rows(source: Traversable | Path,
          columns: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """(first column, other columns) for each data line; ``#`` lines are comments."""
    rows = []
    with source.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line.rstrip("\r\n")) for n, line in enumerate(handle, start=1)
                 if line.strip() and not line.startswith("#")]
    if not lines or tuple(lines[0][1].split("\t")) != columns:
        raise ValueError(f"{source}: expected the header {' '.join(columns)}")
    for number, line in lines[1:]:
        values = line.split("\t")
        if len(values) != len(columns) or not values[0] or not values[1]:
            raise ValueError(f"{source}:{number}: expected {len(columns)} tab-separated fields")
        rows.append((values[0], values[1:]))
    return rows

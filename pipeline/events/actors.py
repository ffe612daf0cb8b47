"""Actor codes, CAMEO style: a country (ISO 3166-1 alpha-3, or ``IGO``) and a role.

The country comes from the canonical entity behind a word (``Wang Yi`` → CHN), from a country
word attached to it (``Turkish police``, ``China's foreign ministry``) or from a capital used
for its government (``Moscow`` → RUSGOV). The role comes from the words: titles before a name
(``Foreign Minister Wang Yi`` → GOV) and the noun itself (``police`` → COP, ``court`` → JUD),
from ``data/agents.tsv``.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Token

from pipeline.events.syntax import children
from pipeline.events.wordlists import WordLists
from pipeline.gazetteer import Gazetteer
from pipeline.records import Actor, Mention

_DATA = resources.files("pipeline") / "events" / "data"
CAMEO_COUNTRY = {"XKX": "KSV"}
"""Where CAMEO's actor codes differ from the ISO-style codes entities carry: Kosovo, which
has no ISO code, is KSV in the CAMEO/Phoenix dictionaries (XKX elsewhere)."""

IGO = "IGO"
_ROLE_WINDOW = 6
"""Tokens before a person's name searched for a title that gives the role."""


def _title_words(doc: Doc, start: int) -> list[Token]:
    """The words of a title right before the name at ``start`` ("German Chancellor",
    "Chinese foreign ministry spokesman"): back to the nearest determiner, verb, preposition,
    punctuation or other name."""
    words: list[Token] = []
    for token in reversed(doc[max(0, start - _ROLE_WINDOW):start]):
        if token.text in ("-", "–") and words and token.i > 0 and not doc[token.i - 1].is_punct:
            continue  # "UN Secretary-General": the hyphen inside a title
        if token.is_punct or token.ent_type_ == "PERSON" or token.pos_ not in (
                "PROPN", "NOUN", "ADJ"):
            break
        words.insert(0, token)
    return words


UNPLACED = "UNK"
"""The code of an actor named in the text whom the coder can give neither a country nor a
role."""


def _actor(code_country: str | None, role: str | None, text: str,
           entity_name: str | None = None, entity_type: str | None = None) -> Actor:
    """An actor whose code is the CAMEO country code followed by the role code."""
    country = CAMEO_COUNTRY.get(code_country or "", code_country)
    code = (country or "") + (role or "")
    return Actor(code or UNPLACED, country, role, text, entity_name, entity_type)


@dataclass(slots=True)
class ArticleContext:
    """What the actor coder needs of one article: its mentions, and what it learned so far."""

    mentions: list[Mention]
    """Body mentions, sorted by ``start_char``."""
    starts: list[int] = field(default_factory=list)
    person_roles: dict[str, str] = field(default_factory=dict)
    person_countries: dict[str, str] = field(default_factory=dict)
    """The country a person's title states ("German Chancellor Olaf Scholz"), for people the
    entity stage gives no country."""

    main_country: str | None = None
    """The country the article is mostly about: the one its places and nationalities name
    most (countries and nationality words both count). A minister or police force without a
    stated country is taken to be its."""
    several_countries: bool = False
    """Whether the article names more than one country: a role of no stated country
    ("the ministry") is then anyone's, and is not coded."""
    doers: dict[str, Actor] = field(default_factory=dict)
    """Who last did each kind of act (CAMEO root) in the sentences coded so far: "the
    sanctions", named without their owner, are the sanctions the article reported."""

    def __post_init__(self) -> None:
        self.mentions = sorted((m for m in self.mentions if m.section == "body"),
                               key=lambda m: m.start_char)
        self.starts = [m.start_char for m in self.mentions]
        counts = Counter(m.country_code for m in self.mentions
                         if m.entity_type in ("GPE", "NORP") and m.country_code)
        self.several_countries = len(counts) > 1
        if counts:
            (top, first), *rest = counts.most_common(2)
            # Only a clear favourite: a story about two countries has no main one.
            if not rest or first >= 2 * rest[0][1]:
                self.main_country = top

    def mention_at(self, char: int) -> Mention | None:
        i = bisect_right(self.starts, char) - 1
        if i >= 0 and self.mentions[i].start_char <= char < self.mentions[i].end_char:
            return self.mentions[i]
        return None

    def person_called(self, surname: str, char: int) -> Mention | None:
        """The person named earlier whose name ends with ``surname`` ("Orbán" after "Viktor
        Orbán"), when exactly one does."""
        i = bisect_right(self.starts, char) - 1
        found = {m.entity_name: m for m in self.mentions[:i + 1]
                 if (m.entity_type == "PERSON" or m.entity_name in self.person_roles)
                 and m.entity_name.split()[-1] == surname
                 and m.entity_name != surname}
        return next(iter(found.values())) if len(found) == 1 else None

    def last_person_before(self, char: int) -> Mention | None:
        i = bisect_right(self.starts, char) - 1
        while i >= 0:
            if self.mentions[i].entity_type == "PERSON":
                return self.mentions[i]
            i -= 1
        return None


def load_agents(path: Path | None = None,
                extra: Path | None = None) -> dict[tuple[str, ...], str]:
    """Agent words (as lemma tuples) → role code: the hand-curated ``agents.tsv``, then the
    words of the Phoenix agent dictionary it lacks (``agents_phoenix.tsv``, built by
    ``tools/build_agents.py``)."""
    found: dict[tuple[str, ...], str] = {}
    sources = [Path(str(path or _DATA / "agents.tsv"))]
    if path is None or extra is not None:
        sources.append(Path(str(extra or _DATA / "agents_phoenix.tsv")))
    for source in sources:
        with source.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader((line for line in handle if not line.startswith("#")),
                              delimiter="\t")
            next(rows)
            for word, role in rows:
                found.setdefault(tuple(word.split()), role)
    return found


def load_regions(path: Path | None = None) -> dict[str, str]:
    """Words naming a group of countries → CAMEO region code (``data/regions.tsv``)."""
    source = Path(str(path or _DATA / "regions.tsv"))
    with source.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        next(rows)
        return {word: region for word, region in rows}


def load_seats(path: Path | None = None) -> frozenset[str]:
    """Cities that stand for the international body seated there (``data/seats.txt``)."""
    source = Path(str(path or _DATA / "seats.txt"))
    lines = source.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


class ActorCoder:
    """Codes the actor a token stands for, within one article's context."""

    def __init__(self, gazetteer: Gazetteer, agents: dict[tuple[str, ...], str] | None = None,
                 seats: frozenset[str] | None = None, words: WordLists | None = None):
        self._gazetteer = gazetteer
        self.words = words if words is not None else WordLists.load()
        self._agents = agents if agents is not None else load_agents()
        self._seats = seats if seats is not None else load_seats()
        self._regions = load_regions()

    def role_of(self, tokens: list[Token]) -> str | None:
        """The role named by the last agent word (or two-word agent) among ``tokens``."""
        tokens = [t for t in tokens if not t.is_punct]  # "Secretary-General"
        lemmas = [t.lemma_.lower() for t in tokens]
        forms = [t.lower_ for t in tokens]
        for i in range(len(lemmas) - 1, -1, -1):
            for width in (2, 1):
                if i - width + 1 >= 0:
                    # the lemma, else the word as written: "forces" is lemmatized to "force"
                    role = self._agents.get(tuple(lemmas[i - width + 1:i + 1])) or (
                        self._agents.get(tuple(forms[i - width + 1:i + 1])))
                    if role:
                        return role
        return None

    def _title_country(self, doc: Doc, start: int, context: ArticleContext,
                       offset: int) -> str | None:
        """The country of the title right before a name: "German Chancellor", "Kosovo Prime
        Minister", "Chinese foreign ministry spokesman"; ``IGO`` for an international body's
        official ("UN Secretary-General")."""
        words = _title_words(doc, start)
        for word in reversed(words):
            if self._is_igo(word, context, offset):
                return IGO
            country = self._country_of(word, context, offset)
            if country:
                return country
        first = words[0].i if words else start
        if first >= 2 and doc[first - 1].lower_ == "whose":
            # "Slovakia, whose Prime Minister Robert Fico ...": "whose" follows the noun it
            # stands for, and the title is that country's
            before = doc[first - 2]
            antecedent = doc[first - 3] if before.is_punct and first >= 3 else before
            return self._country_of(antecedent, context, offset)
        return None

    def learn_roles(self, doc: Doc, context: ArticleContext, offset: int) -> None:
        """Remember each person's role from the title before their name ("Russian President
        Vladimir Putin"), so a later "Putin" or "him" is coded RUSGOV too."""
        for token in doc:
            mention = context.mention_at(offset + token.idx)
            if mention is not None and mention.entity_type == "ORG" \
                    and offset + token.idx == mention.start_char \
                    and len(mention.text.split()) > 1 and token.ent_iob_ == "B" \
                    and self.role_of(_title_words(doc, token.i)) in self.words.person_title_roles \
                    and _title_words(doc, token.i)[-1].pos_ == "PROPN":
                # "German Chancellor Olaf Scholz" tagged as an organization: a titled person,
                # so that a later "Scholz" is known
                mention = replace(mention, entity_type="PERSON")
            if (mention is not None and mention.entity_type == "PERSON"
                    and offset + token.idx == mention.start_char
                    and mention.entity_name not in context.person_roles):
                window = [t for t in doc[max(0, token.i - _ROLE_WINDOW):token.i]
                          if t.sent == token.sent]
                role = self.role_of(window)
                if role:
                    context.person_roles[mention.entity_name] = role
                    country = self._title_country(doc, token.i, context, offset)
                    if country:
                        context.person_countries[mention.entity_name] = country

    def actor(self, token: Token, context: ArticleContext, offset: int) -> Actor | None:
        """The actor a token (the head of a subject or object phrase) stands for, if any."""
        char = offset + token.idx
        region = self._region(token, context, offset)
        if region is not None:
            return region
        if token.lower_ in self.words.personal_pronouns:
            person = context.last_person_before(char)
            return self._person(person, context, None, offset) if person else None
        mention = context.mention_at(char)
        if mention is None:
            # "Bongbong Marcos" may be tagged on the compound, not on the head token, and "a
            # US intelligence report" is the US's; but in "the Luanda talks" a city only says
            # where.
            for child in token.children:
                found = context.mention_at(offset + child.idx)
                if child.dep_ in ("compound", "flat") and found is not None and (
                        token.pos_ == "PROPN" or not self._is_city(found)):
                    mention = found
                    break
        if mention is None and token.pos_ == "PROPN":
            # A surname the model missed at the start of a sentence ("Orbán did not comment")
            mention = context.person_called(token.text, char)
        if token.pos_ == "PROPN" and (mention is None or mention.label == "NORP"):
            # A country, capital or listed organization the model did not tag ("accused Kyiv
            # of ...", "the Taliban said", "the Islamic State" with only "Islamic" tagged)
            name = " ".join(t.text for t in token.subtree if t.dep_ in ("compound", "flat")
                            or t is token)
            ref = self._gazetteer.country(name, local_places=False)
            if ref is not None:
                return _actor(ref.alpha3, "GOV" if ref.kind == "capital" else None, name)
            listed = self.listed_organization(name)
            if listed is not None:
                return listed
        if mention is not None and (mention.entity_type == "PERSON"
                                    or mention.entity_name in context.person_roles):
            # A name the model tagged as a person elsewhere in the article ("Kurti" as an
            # organization here) is still that person.
            person = self._person(mention, context, token, offset)
            if person.country is None:
                # "Kim Yo Jong, the influential sister of leader Kim Jong Un": a leader's
                # relative who speaks speaks for the leader's state (the guideline's GOV)
                for kin in (c for c in token.children if c.dep_ == "appos"
                            and c.lemma_.lower() in self.words.relative_nouns):
                    for prep in (c for c in kin.children if c.lower_ == "of"):
                        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                            leader = self.actor(pobj, context, offset)
                            if leader is not None and leader.country and leader.role == "GOV":
                                return _actor(leader.country, "GOV", mention.entity_name,
                                              mention.entity_name, "PERSON")
            return person
        if mention is not None and mention.label != "NORP":
            named = self._named(mention, token)
            if named is not None or mention.entity_type not in ("ORG", "FAC"):
                return named
            # "The Interior Ministry", "the Border Guard": a named body of no stated country
            # is still read by its agent word, like any common noun phrase.
        return self._described(token, context, offset)

    def unresolved(self, token: Token) -> Actor | None:
        """A name the coder cannot place ("the ACLU", "Mr Bell"): an actor of no known
        country or role (``UNK``). Times, amounts and numbers are never actors."""
        if token.ent_type_ in self.words.non_actor_entity_types or (
                token.ent_type_ not in self.words.actor_entity_types and token.pos_ != "PROPN"):
            return None
        return _actor(None, None, " ".join(t.text for t in token.subtree))

    def listed_organization(self, name: str) -> Actor | None:
        """An organization or armed group of the Phoenix dictionaries: "Amnesty
        International" (NGO), "the Taliban" (AFGREB), "UNICEF" (IGO)."""
        code = self._gazetteer.actor_organization(name)
        words = name.lower().removeprefix("the ").split()
        if code is None and len(words) > 1 and (
                words[0] in self.words.igo_name_starts
                or " ".join(words[:2]) in self.words.igo_name_starts):
            code = IGO  # "the UN Support Mission in Libya", "the European Union's mission"
        if code is None:
            return None
        if code == IGO:
            return Actor(IGO, None, None, name)
        if len(code) == 3 and self._gazetteer.country_name(code) is None:
            return _actor(None, code, name)
        return _actor(code[:3], code[3:] or None, name)

    def compound_owner(self, token: Token) -> Actor | None:
        """The country in a hyphenated participle the model kept as one word: "a
        U.S.-drafted resolution", "the Russian-backed forces" stand for that country."""
        head, dash, participle = token.text.rpartition("-")
        if not dash or participle.lower() not in self.words.agent_participles:
            return None
        ref = self._gazetteer.country(head, local_places=False)
        if ref is None or ref.kind == "capital":
            return None
        return _actor(ref.alpha3, None, head, ref.country_name, "GPE")

    def members(self, token: Token, context: ArticleContext, offset: int) -> list[Actor]:
        """The actors a plural role noun over several countries stands for, one a country:
        "the foreign ministers of Armenia and Azerbaijan" → ARMGOV, AZEGOV."""
        role = self.role_of([token]) if token.tag_ in ("NNS", "NNPS") else None
        if role is None:
            return []
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    countries = [self._country_of(c, context, offset)
                                 for c in [pobj, *pobj.conjuncts]]
                    if len(countries) > 1 and all(countries):
                        text = " ".join(t.text for t in token.subtree)
                        return [_actor(c, role, text) for c in countries]
        return []

    def _region(self, token: Token, context: ArticleContext, offset: int) -> Actor | None:
        """A group of countries: "the West" (WST), "Western countries" (WST), "Western
        governments" (WSTGOV), "several EU governments" (EURGOV, the member states)."""
        text = " ".join(t.text for t in token.subtree)
        if token.pos_ == "PROPN" and token.lower_ in self._regions and not list(token.children
                                                                              )[1:]:
            return _actor(self._regions[token.lower_], None, text)
        if token.tag_ not in ("NNS", "NNPS") or token.lemma_.lower() not in self.words.member_nouns:
            return None
        for child in token.children:
            if child.dep_ not in ("amod", "compound", "nmod"):
                continue
            mention = context.mention_at(offset + child.idx)
            word = (mention.entity_name if mention is not None else child.text).lower()
            region = self._regions.get(word) or self._regions.get(child.lower_)
            if region is not None:
                return _actor(region, self.role_of([token]), text)
        return None

    def _person(self, mention: Mention, context: ArticleContext, token: Token | None,
                offset: int) -> Actor:
        role = context.person_roles.get(mention.entity_name)
        titled = context.person_countries.get(mention.entity_name)
        if role is None and token is not None:
            doc = token.doc
            start = next((t.i for t in doc if offset + t.idx >= mention.start_char), token.i)
            window = [t for t in doc[max(0, start - _ROLE_WINDOW):start]
                      if t.sent == token.sent]
            role = self.role_of(window)
            if role:
                context.person_roles[mention.entity_name] = role
                titled = self._title_country(doc, start, context, offset)
        if titled == IGO:
            # "UN Secretary-General António Guterres", "EU envoy Miroslav Lajčák"
            return Actor(IGO, None, None, mention.entity_name, mention.entity_name, "PERSON")
        country = mention.country_code or titled or (context.main_country if role else None)
        if country is None and role is None:
            # a bare name ("Erdogan said"): the people table's country; a titled one
            # ("European Council President Charles Michel") holds the office the title says
            known = self._gazetteer.person(mention.entity_name)
            country = known.country_code if known is not None else None
        if country is None and role is None:
            listed = self.listed_organization(mention.entity_name)
            if listed is not None:  # "Georgian Dream", tagged as a person
                return replace(listed, text=mention.entity_name,
                               entity_name=mention.entity_name, entity_type="PERSON")
        return _actor(country, role, mention.entity_name, mention.entity_name, "PERSON")

    def _named(self, mention: Mention, token: Token) -> Actor | None:
        country = mention.country_code
        if not country:
            # "the M23" (tagged a place), "Georgian Dream": a listed group or party
            listed = self.listed_organization(mention.entity_name) or (
                self.listed_organization(mention.text))
            if listed is not None:
                return replace(listed, text=mention.text, entity_name=mention.entity_name,
                               entity_type=mention.entity_type)
        ref = self._gazetteer.country(mention.text)
        if mention.entity_type == "GPE" and mention.entity_name in self._seats:
            return Actor(IGO, None, None, mention.text, mention.entity_name, mention.entity_type)
        if mention.entity_type == "GPE" and country:
            role = "GOV" if ref is not None and ref.kind == "capital" else None
            return _actor(country, role, mention.text, mention.entity_name,
                          mention.entity_type)
        if mention.entity_type in ("ORG", "NORP", "FAC"):
            start = token.i - len(mention.text.split()) + 1
            role = self.role_of(list(token.doc[start:token.i + 1]))
            if role is None and mention.entity_type == "ORG":
                # "German Chancellor Olaf Scholz", tagged as an organization by the model:
                # the title before the name still gives the role.
                role = self.role_of(_title_words(token.doc, start))
            if country:
                return _actor(country, role, mention.text, mention.entity_name,
                              mention.entity_type)
            listed = self.listed_organization(mention.entity_name) or (
                self.listed_organization(mention.text))
            if listed is not None:
                return replace(listed, text=mention.text, entity_name=mention.entity_name,
                               entity_type=mention.entity_type)
            if self._gazetteer.organization(mention.entity_name) is not None:
                return Actor("IGO", None, None, mention.text, mention.entity_name,
                             mention.entity_type)
        return None

    def _described(self, token: Token, context: ArticleContext, offset: int) -> Actor | None:
        """A common noun phrase: ``Turkish police``, ``China's foreign ministry``,
        ``the government of Iran``."""
        phrase = [t for t in token.lefts if t.dep_ in ("compound", "amod")] + [token]
        # The head noun must name the actor: "military cooperation" is not the military, but
        # "foreign ministry" and "border guard" are read as two-word agents.
        role = self.role_of([token])
        if len(phrase) > 1:
            role = self._agents.get(tuple(t.lemma_.lower() for t in phrase[-2:])) or role
        country = None
        for child in token.children:
            if child.dep_ in ("compound", "nmod", "poss") and self._is_igo(child, context, offset):
                # "European Union foreign ministers", "the UN's envoy"
                return Actor("IGO", None, role, " ".join(t.text for t in token.subtree))
            if child.dep_ == "poss" and child.lower_ in ("his", "her"):
                person = context.last_person_before(offset + child.idx)
                country = person.country_code if person else country
            elif child.dep_ in ("poss", "amod", "compound", "nmod"):
                country = self._country_of(child, context, offset) or country
            elif child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "in"):
                # "the government of Iran", "a spokesperson for the U.S. embassy"
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        for word in [pobj, *(c for c in pobj.children
                                             if c.dep_ in ("compound", "amod", "poss"))]:
                            country = country or self._country_of(word, context, offset)
        if role is None and token.lemma_.lower() in self.words.mouthpiece_nouns:
            # "Abbas's office condemned", "Trump's campaign filed a lawsuit": the office
            # speaks for its owner
            for owner in children(token, "poss"):
                if owner.pos_ != "PRON":
                    found = self.actor(owner, context, offset)
                    if found is not None:
                        return found
        if role is None:
            # "Afghan guerrillas", "the Serbian parliament": a country word on any head
            # noun; "Palestinians", "Kurds": a nationality plural stands for its country
            words = [c for c in token.children if c.dep_ in ("amod", "compound", "nmod",
                                                               "poss")]
            if token.tag_ in ("NNS", "NNPS"):
                words.append(token)
            for word in words:
                mention = context.mention_at(offset + word.idx)
                if mention is not None and self._is_city(mention):
                    continue  # "the Luanda talks": a city only says where
                found = self._country_of(word, context, offset) if word is not token else None
                ref = self._gazetteer.country(word.text, local_places=False)
                if ref is not None and ref.kind == "demonym":
                    found = ref.alpha3
                if found:
                    return _actor(found, None, " ".join(t.text for t in token.subtree))
            return None
        if country is None and len(phrase) == 1 and [c.lower_ for c in token.children] == [
                "the"]:
            # "the ministers", after "European Union foreign ministers": the same people,
            # named in full earlier
            for earlier in reversed(token.doc[:token.i]):
                if earlier.lemma_ == token.lemma_ and earlier.pos_ == token.pos_ and any(
                        c.dep_ in ("compound", "amod", "poss", "nmod") for c in earlier.children):
                    return self._described(earlier, context, offset)
        return _actor(country or context.main_country, role,
                      " ".join(t.text for t in token.subtree))

    def _is_city(self, mention: Mention) -> bool:
        """Whether a place mention is a city or region rather than a country."""
        if mention.entity_type not in ("GPE", "LOC", "FAC"):
            return False
        ref = self._gazetteer.country(mention.text, local_places=False)
        return ref is None or ref.kind == "capital"

    def _is_igo(self, token: Token, context: ArticleContext, offset: int) -> bool:
        mention = context.mention_at(offset + token.idx)
        return (mention is not None and mention.entity_type == "ORG"
                and not mention.country_code
                and self._gazetteer.organization(mention.entity_name) is not None)

    def _country_of(self, token: Token, context: ArticleContext, offset: int) -> str | None:
        mention = context.mention_at(offset + token.idx)
        if mention is not None and mention.country_code and mention.entity_type == "GPE":
            return mention.country_code
        ref = self._gazetteer.country(token.text, local_places=False)
        return ref.alpha3 if ref is not None and ref.kind != "capital" else None

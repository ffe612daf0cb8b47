import pytest

from pipeline.parsing import split_text


@pytest.mark.parametrize(("text", "limit"), [
    ("First paragraph here.\n\nSecond paragraph is here.\n\nThird one.", 30),
    ("One sentence. Two sentence. Three sentence. Four sentence.", 20),
    ("x" * 95, 30),
    ("short", 100),
], ids=["paragraphs", "sentences", "no-whitespace", "short"])
def test_chunks_cover_the_text_exactly_and_respect_the_limit(text, limit):
    chunks = split_text(text, limit)
    assert "".join(chunk for _, chunk in chunks) == text
    assert all(len(chunk) <= limit for _, chunk in chunks)
    assert all(text[offset:offset + len(chunk)] == chunk for offset, chunk in chunks)


def test_paragraph_breaks_are_preferred():
    text = "Alpha beta.\n\nGamma delta epsilon. Zeta."
    assert split_text(text, 30)[0][1] == "Alpha beta.\n\n"

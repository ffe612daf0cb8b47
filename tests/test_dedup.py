from pipeline.dedup import THRESHOLD, fingerprint, similarity
from tests.conftest import SEED_ARTICLE, SEEDS


def test_a_lightly_edited_copy_is_a_near_duplicate():
    original = SEED_ARTICLE.read_text(encoding="utf-8")
    copy = original.replace("significant", "important").replace("Notably, ", "")
    a, b = fingerprint(original), fingerprint(copy)
    assert similarity(a.signature, b.signature) >= THRESHOLD
    assert set(a.bands) & set(b.bands)


def test_different_stories_are_not():
    a = fingerprint(SEED_ARTICLE.read_text(encoding="utf-8"))
    b = fingerprint((SEEDS / "002_scholz_hosts_lula_berlin.txt").read_text(encoding="utf-8"))
    assert similarity(a.signature, b.signature) < 0.2
    assert not set(a.bands) & set(b.bands)


def test_fingerprints_are_deterministic():
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    assert fingerprint(text) == fingerprint(text)


def test_short_texts_are_not_fingerprinted():
    assert fingerprint("Leaders met in Paris on Monday.") is None

"""Gzip inflated in bounded steps, every layer of it."""

import gzip

import pytest

from pipeline.compression import CompressionError, gunzip, gunzip_layers
from tests.hostile.inputs import gzip_bomb


def test_a_bomb_stops_at_the_limit_with_the_setting_named():
    bomb = gzip_bomb(50_000_000)
    assert len(bomb) < 100_000
    with pytest.raises(CompressionError, match="max_file_bytes") as caught:
        gunzip(bomb, limit=1_000_000, setting="max_file_bytes")
    assert caught.value.error_type == "DecompressionLimit"


def test_layers_are_undone_each_within_the_limit():
    page = b"<html><body><p>story</p></body></html>"
    assert gunzip_layers(gzip.compress(gzip.compress(page)), limit=1_000) == page
    assert gunzip_layers(page, limit=1_000) == page  # not gzip: as it is
    with pytest.raises(CompressionError) as caught:
        gunzip_layers(gzip.compress(gzip.compress(gzip_bomb(5_000_000))), limit=1_000_000)
    assert caught.value.error_type == "DecompressionLimit"
    nested = page
    for _ in range(4):
        nested = gzip.compress(nested)
    with pytest.raises(CompressionError) as caught:
        gunzip_layers(nested, limit=1_000)
    assert caught.value.error_type == "NestedCompression"


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b[:10] + b"\xff" * 40],
                         ids=["truncated", "corrupt"])
def test_broken_gzip_is_corrupt(damage):
    with pytest.raises(CompressionError) as caught:
        gunzip(damage(gzip.compress(b"x" * 10_000)), limit=1_000_000)
    assert caught.value.error_type == "CorruptGzip"

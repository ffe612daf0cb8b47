import gzip
import time
import zlib
from functools import cache

import pytest
from werkzeug import Response

from pipeline.fetch import BodyTooLarge, ContentDecodingError, DecompressionLimit
from pipeline.fetch.decoding import PIECE, BodyDecoder

PAGE = b"<p>" + b"news " * 20_000 + b"</p>"


@cache
def _gzip_bomb() -> bytes:
    """50 MB of zeros, gzipped to about 50 KB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1_000_000)
    return b"".join([*(compressor.compress(zeros) for _ in range(50)), compressor.flush()])


def test_declared_content_length_over_the_limit_is_refused(httpserver, make_fetcher):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000, content_type="text/html")

    with pytest.raises(BodyTooLarge, match="5000 bytes") as caught:
        make_fetcher(max_body_bytes=1000).fetch(httpserver.url_for("/big"))

    assert caught.value.transient is False


def test_streamed_body_is_aborted_once_past_the_limit(httpserver, make_fetcher, release):
    def endless(_request):
        def body():
            while not release.is_set():
                yield b"x" * 10_000
        return Response(body(), content_type="text/html")  # chunked: no Content-Length

    httpserver.expect_request("/endless").respond_with_handler(endless)

    with pytest.raises(BodyTooLarge):
        make_fetcher(max_body_bytes=100_000).fetch(httpserver.url_for("/endless"))


def test_gzip_bomb_is_stopped_at_the_decompression_limit(httpserver, make_fetcher):
    httpserver.expect_request("/bomb").respond_with_data(
        _gzip_bomb(), content_type="text/html", headers={"Content-Encoding": "gzip"})

    started = time.monotonic()
    with pytest.raises(DecompressionLimit) as caught:
        make_fetcher(max_decompressed_bytes=1_000_000).fetch(httpserver.url_for("/bomb"))

    assert caught.value.transient is False
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(("encoding", "encode"), [
    pytest.param("gzip", gzip.compress, id="gzip"),
    pytest.param("x-gzip", gzip.compress, id="x-gzip"),
    pytest.param("deflate", zlib.compress, id="deflate-zlib"),
    pytest.param("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS),
                 id="deflate-raw"),
])
def test_compressed_body_is_decoded(httpserver, make_fetcher, encoding, encode):
    httpserver.expect_request("/page").respond_with_data(
        encode(PAGE), content_type="text/html", headers={"Content-Encoding": encoding})

    result = make_fetcher().fetch(httpserver.url_for("/page"))

    assert result.body == PAGE
    assert result.headers["content-encoding"] == encoding


def test_compressed_body_within_wire_limit_but_over_decoded_limit(httpserver, make_fetcher):
    httpserver.expect_request("/page").respond_with_data(
        gzip.compress(PAGE), content_type="text/html", headers={"Content-Encoding": "gzip"})

    with pytest.raises(DecompressionLimit):
        make_fetcher(max_decompressed_bytes=len(PAGE) - 1).fetch(httpserver.url_for("/page"))


def test_encoding_we_did_not_ask_for_is_refused(httpserver, make_fetcher):
    httpserver.expect_request("/br").respond_with_data(
        b"\x8b\x02\x80hello\x03", content_type="text/html", headers={"Content-Encoding": "br"})

    with pytest.raises(ContentDecodingError, match="'br'"):
        make_fetcher().fetch(httpserver.url_for("/br"))


def test_decoder_never_produces_more_than_a_piece_at_once():
    decoder = BodyDecoder("gzip")
    bomb = _gzip_bomb()
    sizes = [len(piece) for piece in decoder.decode(bomb[:65_536])]
    assert max(sizes) <= PIECE
    assert sum(sizes) > 10 * PIECE

import pytest
from werkzeug import Response

from pipeline.fetch import ContentTypeRefused
from tests.fetch.conftest import paths_seen


@pytest.mark.parametrize("content_type", [
    pytest.param("image/png", id="image"),
    pytest.param("application/pdf", id="pdf"),
    pytest.param("video/mp4; codecs=avc1", id="with-parameters"),
])
def test_unaccepted_content_type_is_refused(httpserver, make_fetcher, content_type):
    httpserver.expect_request("/file").respond_with_data(b"\x89PNG", content_type=content_type)

    with pytest.raises(ContentTypeRefused, match=content_type.split(";")[0]) as caught:
        make_fetcher().fetch(httpserver.url_for("/file"))

    assert caught.value.transient is False
    assert paths_seen(httpserver) == ["/file"]


@pytest.mark.parametrize("content_type", [
    pytest.param("text/html; charset=utf-8", id="html-with-charset"),
    pytest.param("TEXT/HTML", id="upper-case"),
    pytest.param("application/rss+xml", id="rss"),
    pytest.param("application/atom+xml", id="atom"),
    pytest.param("application/xml", id="sitemap"),
    pytest.param("application/x-gzip", id="gzipped-sitemap"),
])
def test_accepted_content_types(httpserver, make_fetcher, content_type):
    httpserver.expect_request("/doc").respond_with_data(b"<x/>", content_type=content_type)

    assert make_fetcher().fetch(httpserver.url_for("/doc")).body == b"<x/>"


def test_missing_content_type_is_accepted(httpserver, make_fetcher):
    def untyped(_request):
        response = Response(b"<x/>")
        del response.headers["Content-Type"]
        return response

    httpserver.expect_request("/untyped").respond_with_handler(untyped)

    result = make_fetcher().fetch(httpserver.url_for("/untyped"))

    assert "content-type" not in result.headers
    assert (result.body, result.content_type, result.charset) == (b"<x/>", None, None)


def test_accepted_types_are_configurable(httpserver, make_fetcher):
    httpserver.expect_request("/img").respond_with_data(b"\x89PNG", content_type="image/png")

    result = make_fetcher(accepted_content_types=["image/png"]).fetch(httpserver.url_for("/img"))

    assert result.content_type == "image/png"

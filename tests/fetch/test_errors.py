import pytest

from pipeline.errors import NewsflowError
from pipeline.fetch import errors


@pytest.mark.parametrize(("error", "transient"), [
    pytest.param(errors.RequestTimeout("http://a/", "too slow"), True, id="timeout"),
    pytest.param(errors.ConnectionFailed("http://a/", "refused"), True, id="connection"),
    pytest.param(errors.RateLimited("http://a/", "429", retry_after=5), True, id="429"),
    pytest.param(errors.ServerError("http://a/", "503", status=503), True, id="5xx"),
    pytest.param(errors.RetryAfterTooLong("http://a/", "later", status=503, retry_after=900),
                 True, id="retry-after-too-long"),
    pytest.param(errors.HTTPStatusError("http://a/", "404", status=404), False, id="4xx"),
    pytest.param(errors.RobotsDisallowed("http://a/", "robots"), False, id="robots"),
    pytest.param(errors.BlockedAddress("http://a/", "private"), False, id="blocked"),
    pytest.param(errors.BodyTooLarge("http://a/", "big"), False, id="too-large"),
    pytest.param(errors.DecompressionLimit("http://a/", "bomb"), False, id="bomb"),
    pytest.param(errors.ContentTypeRefused("http://a/", "png"), False, id="content-type"),
    pytest.param(errors.TooManyRedirects("http://a/", "loop"), False, id="redirects"),
    pytest.param(errors.UnsupportedScheme("ftp://a/", "ftp"), False, id="scheme"),
])
def test_errors_say_whether_to_retry_and_name_their_type(error, transient):
    assert isinstance(error, errors.FetchError)
    assert isinstance(error, NewsflowError)
    assert error.transient is transient
    assert isinstance(error, errors.TransientFetchError if transient
                      else errors.TerminalFetchError)
    assert error.error_type == type(error).__name__
    assert str(error) == error.reason
    assert error.url.endswith("://a/")


def test_status_errors_carry_the_status():
    assert errors.HTTPStatusError("http://a/", "gone", status=410).status == 410
    assert errors.ServerError("http://a/", "down", status=502).status == 502
    assert errors.RateLimited("http://a/", "slow down").status == 429

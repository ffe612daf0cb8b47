import pytest

from pipeline.fetch import HTTPStatusError, RobotsDisallowed, TooManyRedirects
from tests.fetch.conftest import paths_seen


def _redirect(httpserver, path, location, status=302):
    httpserver.expect_request(path).respond_with_data(
        "", status=status, headers={"Location": location})


@pytest.mark.parametrize("status", [
    pytest.param(301, id="301"), pytest.param(302, id="302"), pytest.param(303, id="303"),
    pytest.param(307, id="307"), pytest.param(308, id="308"),
])
def test_redirect_is_followed_and_recorded(httpserver, make_fetcher, status):
    _redirect(httpserver, "/old", "/new?id=1", status=status)
    httpserver.expect_request("/new").respond_with_data("<p>new</p>", content_type="text/html")
    url = httpserver.url_for("/old")

    result = make_fetcher().fetch(url)

    assert result.url == url
    assert result.final_url == httpserver.url_for("/new?id=1")
    assert result.redirects == [result.final_url]
    assert result.body == b"<p>new</p>"


@pytest.mark.parametrize(("max_redirects", "succeeds"), [
    pytest.param(3, True, id="at-the-limit"),
    pytest.param(2, False, id="one-over"),
])
def test_redirect_chain_limit(httpserver, make_fetcher, max_redirects, succeeds):
    _redirect(httpserver, "/r0", "/r1")
    _redirect(httpserver, "/r1", "/r2")
    _redirect(httpserver, "/r2", "/end")
    httpserver.expect_request("/end").respond_with_data("end", content_type="text/plain")
    fetcher = make_fetcher(max_redirects=max_redirects)

    if succeeds:
        assert len(fetcher.fetch(httpserver.url_for("/r0")).redirects) == 3
    else:
        with pytest.raises(TooManyRedirects):
            fetcher.fetch(httpserver.url_for("/r0"))
        assert "/end" not in paths_seen(httpserver)


def test_redirect_loop_stops_after_max_redirects(httpserver, make_fetcher):
    _redirect(httpserver, "/loop", "/loop")
    url = httpserver.url_for("/loop")

    with pytest.raises(TooManyRedirects) as caught:
        make_fetcher(max_redirects=4).fetch(url)

    assert caught.value.url == url
    assert caught.value.transient is False
    assert paths_seen(httpserver) == ["/loop"] * 5


def test_each_redirect_target_is_checked_against_robots_txt(httpserver, make_fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /members\n", content_type="text/plain")
    _redirect(httpserver, "/story", "/members/story")
    httpserver.expect_request("/members/story").respond_with_data("paywall")
    url = httpserver.url_for("/story")

    with pytest.raises(RobotsDisallowed, match="/members/story") as caught:
        make_fetcher(obey_robots=True).fetch(url)

    assert caught.value.url == url
    assert paths_seen(httpserver) == ["/robots.txt", "/story"]


def test_redirect_without_location_is_a_status_error(httpserver, make_fetcher):
    httpserver.expect_request("/odd").respond_with_data("", status=302)

    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher().fetch(httpserver.url_for("/odd"))

    assert caught.value.status == 302

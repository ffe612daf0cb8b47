import socket
import time

import pytest

from pipeline.fetch import BlockedAddress, UnsupportedScheme
from pipeline.fetch.ssrf import AddressPolicy
from tests.fetch.conftest import paths_seen

METADATA_URL = "http://169.254.169.254/latest/meta-data"


def _resolver(*addresses):
    """A stand-in for socket.getaddrinfo answering with ``addresses`` for any name."""
    def resolve(host, port, **_kwargs):
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [(family[6 if ":" in a else 4], socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]
    return resolve


@pytest.mark.parametrize("url", [
    pytest.param("http://127.0.0.1/", id="loopback"),
    pytest.param("http://10.1.2.3/", id="private-10"),
    pytest.param("http://172.16.0.1/", id="private-172"),
    pytest.param("http://192.168.1.1/", id="private-192"),
    pytest.param(METADATA_URL, id="link-local-metadata"),
    pytest.param("http://100.100.100.200/", id="carrier-grade-nat"),
    pytest.param("http://0.0.0.0/", id="unspecified"),
    pytest.param("http://224.0.0.1/", id="multicast"),
    pytest.param("http://240.0.0.1/", id="reserved"),
    pytest.param("http://[::1]/", id="ipv6-loopback"),
    pytest.param("http://[fe80::1]/", id="ipv6-link-local"),
    pytest.param("http://[fec0::1]/", id="ipv6-site-local"),
    pytest.param("http://[fc00::1]/", id="ipv6-unique-local"),
    pytest.param("http://[::ffff:127.0.0.1]/", id="ipv4-mapped-loopback"),
    pytest.param("http://[64:ff9b::a9fe:a9fe]/", id="nat64-to-metadata"),
])
def test_non_public_ip_literals_are_blocked(url):
    with pytest.raises(BlockedAddress):
        AddressPolicy(resolve=_resolver()).check(url)


@pytest.mark.parametrize("url", [
    pytest.param("http://93.184.215.14/", id="ipv4"),
    pytest.param("https://[2606:4700:4700::1111]/", id="ipv6"),
])
def test_public_ip_literals_pass(url):
    AddressPolicy(resolve=_resolver()).check(url)


def test_a_name_is_blocked_if_any_of_its_addresses_is_private():
    policy = AddressPolicy(resolve=_resolver("93.184.215.14", "10.0.0.7"))
    with pytest.raises(BlockedAddress, match=r"resolves to 10\.0\.0\.7"):
        policy.check("https://news.example/")


def test_a_name_resolving_to_public_addresses_passes():
    AddressPolicy(resolve=_resolver("93.184.215.14", "2606:4700::1")).check("https://news.example/")


@pytest.mark.parametrize(("allowed", "url", "addresses"), [
    pytest.param(["10.0.0.7"], "http://intranet.example/", ["10.0.0.7"], id="exact-ip"),
    pytest.param(["10.0.0.0/8"], "http://intranet.example/", ["10.0.0.7"], id="cidr"),
    pytest.param(["Intranet.Example."], "http://intranet.example/", ["10.0.0.7"], id="host-name"),
    pytest.param(["127.0.0.1"], "http://[::ffff:127.0.0.1]/", [], id="mapped-ipv4-by-its-ipv4"),
    pytest.param(["::1"], "http://[::1]:8080/", [], id="ipv6-literal"),
])
def test_allow_list_lets_private_addresses_through(allowed, url, addresses):
    AddressPolicy(allowed, resolve=_resolver(*addresses)).check(url)


def test_allow_list_covers_only_what_it_names():
    policy = AddressPolicy(["10.0.0.0/24"], resolve=_resolver("10.0.0.7", "10.0.1.7"))
    with pytest.raises(BlockedAddress, match=r"10\.0\.1\.7"):
        policy.check("http://intranet.example/")


@pytest.mark.parametrize("url", [
    pytest.param("ftp://127.0.0.1/file.txt", id="ftp"),
    pytest.param("file:///etc/passwd", id="file"),
    pytest.param("gopher://127.0.0.1/", id="gopher"),
    pytest.param("data:text/html,<p>hi</p>", id="data"),
])
def test_only_http_and_https_are_fetched(make_fetcher, url):
    with pytest.raises(UnsupportedScheme) as caught:
        make_fetcher().fetch(url)
    assert caught.value.transient is False


@pytest.mark.parametrize("host", [
    pytest.param("127.0.0.1", id="ip"), pytest.param("localhost", id="name"),
])
def test_local_server_is_blocked_without_the_allow_list(httpserver, make_fetcher, host):
    httpserver.expect_request("/").respond_with_data("secret", content_type="text/plain")

    with pytest.raises(BlockedAddress, match="loopback"):
        make_fetcher(allowed_private_hosts=[]).fetch(f"http://{host}:{httpserver.port}/")

    assert paths_seen(httpserver) == []


def test_redirect_to_cloud_metadata_is_blocked_before_connecting(
        httpserver, make_fetcher, monkeypatch):
    connected: list[tuple[str, int]] = []
    real_create_connection = socket.create_connection

    def spy(address, *args, **kwargs):
        connected.append(address)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/story").respond_with_data(
        "", status=302, headers={"Location": METADATA_URL})
    url = httpserver.url_for("/story")

    started = time.monotonic()
    with pytest.raises(BlockedAddress, match="link-local") as caught:
        make_fetcher(obey_robots=True).fetch(url)

    assert time.monotonic() - started < 1
    assert caught.value.url == url
    assert "169.254.169.254" in caught.value.reason
    assert connected and all(host == "127.0.0.1" for host, _port in connected)
    assert paths_seen(httpserver) == ["/robots.txt", "/story"]


def test_redirect_to_another_scheme_is_refused(httpserver, make_fetcher):
    httpserver.expect_request("/story").respond_with_data(
        "", status=301, headers={"Location": "file:///etc/passwd"})

    with pytest.raises(UnsupportedScheme):
        make_fetcher().fetch(httpserver.url_for("/story"))

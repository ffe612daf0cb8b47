"""Server-side request forgery guard: fetch only http(s) URLs on public addresses.

A URL taken from a feed, a sitemap or a redirect must not make the fetcher talk to the machine
it runs on, the local network or a cloud metadata service (``169.254.169.254``). Before every
request the host is resolved and *every* address it resolves to must be public, unless the host
name or the address is in ``allowed_private_hosts``.

Limitation: the check resolves the name itself, then httpx resolves it again to connect. A DNS
server that answers differently the second time (DNS rebinding) can slip a private address in
between; this module does not prevent that. Closing the gap needs connecting to the checked
address (a custom transport) or an egress firewall, which is the stronger protection anyway.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import httpx

from pipeline.fetch.errors import (
    BlockedAddress,
    ConnectionFailed,
    InvalidURL,
    UnresolvableHost,
    UnsupportedScheme,
)

ALLOWED_SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., Sequence[tuple[Any, ...]]]
"""Same signature and result as :func:`socket.getaddrinfo`."""

# NAT64 (RFC 6052) embeds an IPv4 address in the last 32 bits; a NAT64 gateway would carry the
# request to that IPv4 address, so it is judged by the embedded one.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

# gaierror codes meaning "this name does not exist" (not "DNS is unreachable right now").
_NO_SUCH_NAME = {
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
}


def parse_allow_list(entries: Iterable[str]) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    """Split ``allowed_private_hosts`` into host names and networks (an IP is a /32 or /128).

    Raises ``ValueError`` for an entry that looks like a CIDR but is not one.
    """
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for entry in entries:
        value = entry.strip().lower().rstrip(".")
        if value.startswith("[") and value.endswith("]"):
            value = value[1:-1]
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            if "/" in value:
                raise ValueError(
                    f"{entry!r} in allowed_private_hosts is not a valid CIDR") from None
            names.add(value)
    return frozenset(names), tuple(networks)


def _why_not_public(address: IPAddress) -> str | None:
    """The kind of non-public address this is, or None for a public one."""
    checks = (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("site-local", getattr(address, "is_site_local", False)),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        # Not global but none of the above, e.g. 100.64.0.0/10 (carrier-grade NAT), where some
        # clouds put their metadata service (100.100.100.200).
        ("non-public", not address.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _addresses_to_judge(address: IPAddress) -> list[IPAddress]:
    """The address itself, and the IPv4 address an IPv6 one leads to (6to4, NAT64).

    An IPv4-mapped IPv6 address (``::ffff:10.0.0.1``) *is* its IPv4 address and is judged as that.
    """
    if not isinstance(address, ipaddress.IPv6Address):
        return [address]
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address, address.sixtofour]
    if address in _NAT64:
        return [address, ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return [address]


class AddressPolicy:
    """Decides whether a URL may be fetched; built once from ``allowed_private_hosts``."""

    def __init__(
        self, allowed_private_hosts: Iterable[str] = (), *, resolve: Resolver = socket.getaddrinfo
    ) -> None:
        self._allowed_names, self._allowed_networks = parse_allow_list(allowed_private_hosts)
        self._resolve = resolve

    def check(self, url: str) -> None:
        """Return if ``url`` may be fetched; raise a :class:`FetchError` subclass otherwise.

        ``UnsupportedScheme`` or ``InvalidURL`` for a URL that is not http(s) with a host,
        ``BlockedAddress`` when the host is or resolves to a non-public address that is not
        allow-listed, ``UnresolvableHost`` / ``ConnectionFailed`` when resolution fails.
        """
        # Parse with httpx, the parser that will make the request, so the host checked here is
        # the host connected to (two URL parsers disagreeing is a classic SSRF bypass).
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise InvalidURL(url, f"the URL cannot be parsed: {exc}") from exc
        if parsed.scheme not in ALLOWED_SCHEMES:
            shown = parsed.scheme or "(none)"
            raise UnsupportedScheme(
                url, f"the URL scheme {shown!r} is not fetched (only http and https)")
        if not parsed.raw_host:
            raise InvalidURL(url, "the URL has no host")
        host = parsed.raw_host.decode("ascii").lower().rstrip(".")
        if host in self._allowed_names or parsed.host.rstrip(".") in self._allowed_names:
            return
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            addresses = self._resolved(url, host, port)
        for address in addresses:
            self._check_address(url, host, address)

    def _resolved(self, url: str, host: str, port: int) -> list[IPAddress]:
        try:
            infos = self._resolve(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            if exc.errno in _NO_SUCH_NAME:
                raise UnresolvableHost(url, f"the host {host} does not resolve: {exc}") from exc
            raise ConnectionFailed(url, f"resolving the host {host} failed: {exc}") from exc
        except (UnicodeError, OSError) as exc:
            raise ConnectionFailed(url, f"resolving the host {host} failed: {exc}") from exc
        addresses = []
        for info in infos:
            # IPv6 socket addresses may carry a zone ("fe80::1%eth0"); the zone does not matter.
            text = str(info[4][0]).split("%", 1)[0]
            addresses.append(ipaddress.ip_address(text))
        if not addresses:
            raise UnresolvableHost(url, f"the host {host} resolves to no address")
        return addresses

    def _check_address(self, url: str, host: str, address: IPAddress) -> None:
        for candidate in _addresses_to_judge(address):
            kind = _why_not_public(candidate)
            if kind is None or self._is_allowed(candidate):
                continue
            via = "is" if str(candidate) == host else f"resolves to {candidate}, which is"
            raise BlockedAddress(
                url,
                f"the host {host} {via} a {kind} address and not in allowed_private_hosts",
            )

    def _is_allowed(self, address: IPAddress) -> bool:
        return any(
            address.version == network.version and address in network
            for network in self._allowed_networks
        )

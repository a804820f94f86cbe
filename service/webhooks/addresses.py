"""SSRF protection: where a webhook may be delivered.

A site chooses its endpoint's URL, and the delivery is made from inside our network, so a URL
naming (or resolving to) a private, loopback, link-local or otherwise non-public address
could reach services no site should reach. The host is resolved at delivery time, every
address it resolves to is checked (a name with one public and one private address is
refused), and the connection is then made to a checked address, never resolved again (no
window for DNS rebinding). Hand-rolled: the maintained HTTP clients have no such check, and
the libraries that add one to them are unmaintained; the standard `ipaddress` module knows
the ranges (IANA's special-purpose registries).
"""

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]


class UnresolvableHost(Exception):
    """The endpoint's host name has no address."""


class RefusedAddress(Exception):
    """The endpoint's host is, or resolves to, an address deliveries may not go to."""

    def __init__(self, address: IPAddress):
        super().__init__(str(address))
        self.address = address


def is_public(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only.

    IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are judged by the IPv4 address they carry.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def literal_address(host: str) -> IPAddress | None:
    """The address, if `host` is an IP literal (brackets allowed); else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int, resolver: Resolver = socket.getaddrinfo) -> list[IPAddress]:
    """Every address `host` resolves to for TCP, in the resolver's order, without repeats."""
    try:
        infos = resolver(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableHost(host) from error
    addresses: list[IPAddress] = []
    for info in infos:
        # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of the address.
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnresolvableHost(host)
    return addresses


def destination(
    host: str, port: int, *, allow_private: bool, resolver: Resolver = socket.getaddrinfo
) -> list[IPAddress]:
    """The addresses to connect to for `host`; RefusedAddress if any of them is not public
    (unless `allow_private`)."""
    addresses = resolve(host, port, resolver)
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise RefusedAddress(address)
    return addresses

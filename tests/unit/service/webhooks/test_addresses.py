"""Which addresses a webhook may be delivered to (no I/O: the resolver is a fake)."""

import ipaddress
import socket
from collections.abc import Callable

import pytest

from service.webhooks.addresses import (
    RefusedAddress,
    UnresolvableHost,
    destination,
    is_public,
    literal_address,
)


def resolver_of(*addresses: str) -> Callable[..., list[tuple]]:
    """A fake getaddrinfo answering with `addresses` (none: the name does not exist)."""

    def resolve(host: str, port: int, **_: object) -> list[tuple]:
        if not addresses:
            raise socket.gaierror("no such host")
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[ipaddress.ip_address(a.split("%")[0]).version], socket.SOCK_STREAM, 6, "",
             (a, port))
            for a in addresses
        ]  # fmt: skip

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "224.0.0.1", "255.255.255.255", "192.0.2.1", "::1", "fe80::1", "fc00::1",
        "::ffff:10.0.0.1", "::ffff:127.0.0.1", "ff02::1", "::",
    ],
)  # fmt: skip
def test_private_loopback_link_local_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2a00:1450:4001:82b::200e", "8.8.8.8"])
def test_global_unicast_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_a_name_is_refused_if_any_of_its_addresses_is_private() -> None:
    resolve = resolver_of("93.184.216.34", "10.0.0.7")
    with pytest.raises(RefusedAddress) as refused:
        destination("rebind.example", 443, allow_private=False, resolver=resolve)
    assert str(refused.value.address) == "10.0.0.7"


def test_a_name_with_only_public_addresses_gives_them_in_order_without_repeats() -> None:
    resolve = resolver_of("93.184.216.34", "2a00:1450:4001:82b::200e", "93.184.216.34")
    addresses = destination("example.com", 443, allow_private=False, resolver=resolve)
    assert [str(a) for a in addresses] == ["93.184.216.34", "2a00:1450:4001:82b::200e"]


def test_the_setting_allows_private_addresses() -> None:
    resolve = resolver_of("127.0.0.1", "fe80::1%eth0")
    addresses = destination("localhost", 80, allow_private=True, resolver=resolve)
    assert [str(a) for a in addresses] == ["127.0.0.1", "fe80::1"]


def test_a_host_without_addresses_is_unresolvable() -> None:
    with pytest.raises(UnresolvableHost):
        destination("nowhere.invalid", 443, allow_private=False, resolver=resolver_of())


def test_ip_literals_are_recognised_with_or_without_brackets() -> None:
    assert literal_address("[::1]") == ipaddress.ip_address("::1")
    assert literal_address("10.0.0.1") == ipaddress.ip_address("10.0.0.1")
    assert literal_address("hooks.example.com") is None

"""Pure CIDR helpers: parsing with messages a config author can act on, and derivation.

Nothing here imports cdktf, so these are tested without synthesizing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Literal

Family = Literal["IPv4", "IPv6"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(value: str, family: Family) -> Network:
    """Parse ``value`` as a network of ``family``; raise ``ValueError`` saying what is allowed."""
    example = "10.10.0.0/16" if family == "IPv4" else "fd8e:4a1f:2c00:100::/56"
    if "/" not in value:
        raise ValueError(f"must be an {family} network in CIDR notation such as {example}")
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"is not a valid CIDR; expected an {family} network such as {example}") from None
    if _family(network) != family:
        raise ValueError(f"is an {_family(network)} network; an {family} network is required here")
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise ValueError(f"has host bits set; use the network address {network}") from None
    return network


def _family(network: Network) -> Family:
    return "IPv4" if network.version == 4 else "IPv6"


def first_subnet(space: Network, prefixlen: int) -> Network:
    """The first subnet of ``space`` with ``prefixlen`` (``space`` itself when equal)."""
    return nth_subnet(space, prefixlen, 0)


def nth_subnet(space: Network, prefixlen: int, index: int) -> Network:
    """The ``index``-th (0-based) subnet of ``space`` with ``prefixlen``.

    Raises ``ValueError`` when ``prefixlen`` is shorter than the space's or the index
    falls outside the space.
    """
    if not space.prefixlen <= prefixlen <= space.max_prefixlen:
        raise ValueError(f"/{prefixlen} does not fit inside {space}")
    if not 0 <= index < 1 << (prefixlen - space.prefixlen):
        raise ValueError(f"{space} has no subnet number {index} of size /{prefixlen}")
    step = 1 << (space.max_prefixlen - prefixlen)
    address = int(space.network_address) + index * step
    return (
        ipaddress.ip_network((address, prefixlen))
        if space.version == 6
        else ipaddress.IPv4Network((address, prefixlen))
    )


def host(network: Network, index: int) -> str:
    """The address ``index`` positions after the network address, as text."""
    return str(network.network_address + index)


def overlaps(a: Network, b: Network) -> bool:
    return a.version == b.version and a.overlaps(b)


def contains(outer: Network, inner: Network) -> bool:
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def overlapping_pairs(
    candidates: Iterable[tuple[str, Network]], against: Iterable[tuple[str, Network]]
) -> list[tuple[str, Network, str, Network]]:
    """Every (name, net, other_name, other_net) pair where a candidate overlaps another range."""
    others = list(against)
    found = []
    for name, net in candidates:
        for other_name, other in others:
            if overlaps(net, other):
                found.append((name, net, other_name, other))
    return found


def first_free_subnet(space: Network, prefixlen: int, avoid: Network) -> Network | None:
    """The first subnet of ``space`` with ``prefixlen`` that does not overlap ``avoid``."""
    if not space.prefixlen <= prefixlen <= space.max_prefixlen:
        return None
    for index in range(1 << (prefixlen - space.prefixlen)):
        candidate = nth_subnet(space, prefixlen, index)
        if not overlaps(candidate, avoid):
            return candidate
    return None

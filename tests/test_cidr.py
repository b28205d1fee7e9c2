"""Unit tests of the pure CIDR helpers in ``dualstack.cidr`` (no cdktf, no synthesis)."""

from __future__ import annotations

import ipaddress

import pytest

from dualstack import cidr


def v4(text: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(text)


def v6(text: str) -> ipaddress.IPv6Network:
    return ipaddress.IPv6Network(text)


# --- parse_cidr ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "family", "expected"),
    [
        ("10.10.0.0/16", "IPv4", v4("10.10.0.0/16")),
        ("192.168.1.0/24", "IPv4", v4("192.168.1.0/24")),
        ("0.0.0.0/0", "IPv4", v4("0.0.0.0/0")),
        ("10.0.0.5/32", "IPv4", v4("10.0.0.5/32")),
        ("fd8e:4a1f:2c00:100::/56", "IPv6", v6("fd8e:4a1f:2c00:100::/56")),
        ("fd12:3456:789a:1::/108", "IPv6", v6("fd12:3456:789a:1::/108")),
        # upper case and uncompressed input parse to the same network
        ("FD8E:4A1F:2C00:0100:0000::/56", "IPv6", v6("fd8e:4a1f:2c00:100::/56")),
    ],
)
def test_parse_cidr_valid(value: str, family: cidr.Family, expected: cidr.Network) -> None:
    network = cidr.parse_cidr(value, family)
    assert network == expected
    assert type(network) is type(expected)


def test_parse_cidr_ipv6_compresses_to_canonical_text() -> None:
    assert str(cidr.parse_cidr("FD8E:4A1F:2C00:0100:0000::/56", "IPv6")) == "fd8e:4a1f:2c00:100::/56"


@pytest.mark.parametrize(
    ("value", "family", "message"),
    [
        ("fd00::/8", "IPv4", "is an IPv6 network; an IPv4 network is required here"),
        ("10.0.0.0/8", "IPv6", "is an IPv4 network; an IPv6 network is required here"),
    ],
)
def test_parse_cidr_wrong_family(value: str, family: cidr.Family, message: str) -> None:
    with pytest.raises(ValueError) as info:
        cidr.parse_cidr(value, family)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "family", "network"),
    [
        ("10.10.1.0/16", "IPv4", "10.10.0.0/16"),
        ("10.0.0.10/24", "IPv4", "10.0.0.0/24"),
        ("fd8e:4a1f:2c00:101::/56", "IPv6", "fd8e:4a1f:2c00:100::/56"),
        ("fd12::1/64", "IPv6", "fd12::/64"),
    ],
)
def test_parse_cidr_host_bits_names_the_network(value: str, family: cidr.Family, network: str) -> None:
    with pytest.raises(ValueError) as info:
        cidr.parse_cidr(value, family)
    assert str(info.value) == f"has host bits set; use the network address {network}"


@pytest.mark.parametrize(
    ("value", "family", "example"),
    [
        ("10.0.0.0", "IPv4", "10.10.0.0/16"),
        ("", "IPv4", "10.10.0.0/16"),
        ("fd00::", "IPv6", "fd8e:4a1f:2c00:100::/56"),
    ],
)
def test_parse_cidr_without_prefix_asks_for_cidr_notation(
    value: str, family: cidr.Family, example: str
) -> None:
    with pytest.raises(ValueError) as info:
        cidr.parse_cidr(value, family)
    assert str(info.value) == f"must be an {family} network in CIDR notation such as {example}"


@pytest.mark.parametrize(
    ("value", "family"),
    [
        ("10.0.0.0/33", "IPv4"),
        ("10.0.0.256/16", "IPv4"),
        ("abc/16", "IPv4"),
        ("10.0.0.0/ 8", "IPv4"),
        ("fd00::/129", "IPv6"),
        ("fd00:::1/64", "IPv6"),
    ],
)
def test_parse_cidr_not_a_cidr(value: str, family: cidr.Family) -> None:
    with pytest.raises(ValueError) as info:
        cidr.parse_cidr(value, family)
    assert str(info.value).startswith(f"is not a valid CIDR; expected an {family} network such as ")


def test_parse_cidr_checks_syntax_before_family_before_host_bits() -> None:
    # An IPv6 value with host bits, asked for as IPv4: the family is the first complaint.
    with pytest.raises(ValueError, match="is an IPv6 network"):
        cidr.parse_cidr("fd00::1/64", "IPv4")


# --- derivation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("space", "prefixlen", "expected"),
    [
        (v4("10.10.0.0/16"), 20, v4("10.10.0.0/20")),
        (v4("10.20.0.0/16"), 24, v4("10.20.0.0/24")),
        (v4("10.10.0.0/24"), 24, v4("10.10.0.0/24")),  # equal: the space itself
        (v6("fd8e:4a1f:2c00:100::/56"), 64, v6("fd8e:4a1f:2c00:100::/64")),
        (v6("fd8e:4a1f:2c00:200::/64"), 64, v6("fd8e:4a1f:2c00:200::/64")),
    ],
)
def test_first_subnet(space: cidr.Network, prefixlen: int, expected: cidr.Network) -> None:
    assert cidr.first_subnet(space, prefixlen) == expected


@pytest.mark.parametrize(
    "space",
    [
        v4("10.10.0.0/16"),
        v4("10.0.0.0/16"),
    ],
)
def test_first_subnet_refuses_a_shorter_prefix(space: cidr.Network) -> None:
    with pytest.raises(ValueError):
        cidr.first_subnet(space, 8)


@pytest.mark.parametrize(
    ("space", "prefixlen", "index", "expected"),
    [
        (v4("10.10.0.0/16"), 24, 0, v4("10.10.0.0/24")),
        (v4("10.10.0.0/16"), 24, 3, v4("10.10.3.0/24")),
        (v4("10.10.0.0/16"), 24, 255, v4("10.10.255.0/24")),
        (v4("10.10.0.0/16"), 20, 1, v4("10.10.16.0/20")),
        (v6("fd8e:4a1f:2c00:100::/56"), 64, 0, v6("fd8e:4a1f:2c00:100::/64")),
        (v6("fd8e:4a1f:2c00:100::/56"), 64, 1, v6("fd8e:4a1f:2c00:101::/64")),
        (v6("fd8e:4a1f:2c00:100::/56"), 64, 255, v6("fd8e:4a1f:2c00:1ff::/64")),
    ],
)
def test_nth_subnet(space: cidr.Network, prefixlen: int, index: int, expected: cidr.Network) -> None:
    subnet = cidr.nth_subnet(space, prefixlen, index)
    assert subnet == expected
    assert subnet.subnet_of(space)  # type: ignore[arg-type]


def test_nth_subnet_zero_equals_first_subnet() -> None:
    space = v6("fd8e:4a1f:2c00:200::/56")
    assert cidr.nth_subnet(space, 64, 0) == cidr.first_subnet(space, 64)


def test_nth_subnet_index_past_the_space_raises() -> None:
    with pytest.raises(ValueError):
        cidr.nth_subnet(v4("10.10.0.0/16"), 24, 256)


@pytest.mark.parametrize(
    ("network", "index", "expected"),
    [
        (v4("10.0.0.0/16"), 10, "10.0.0.10"),
        (v4("10.100.0.0/16"), 10, "10.100.0.10"),
        (v4("10.0.0.0/24"), 0, "10.0.0.0"),
        (v4("10.0.0.0/16"), 256, "10.0.1.0"),
        (v6("fd12:3456:789a:1::/108"), 10, "fd12:3456:789a:1::a"),
    ],
)
def test_host(network: cidr.Network, index: int, expected: str) -> None:
    assert cidr.host(network, index) == expected


# --- overlaps / contains --------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (v4("10.10.0.0/16"), v4("10.10.0.0/16"), True),  # identical
        (v4("10.0.0.0/8"), v4("10.10.0.0/16"), True),  # one inside the other
        (v4("10.10.0.0/16"), v4("10.0.0.0/8"), True),  # symmetric
        (v4("10.10.0.0/16"), v4("10.11.0.0/16"), False),  # adjacent
        (v6("fd8e:4a1f:2c00:100::/56"), v6("fd8e:4a1f:2c00:1ff::/64"), True),
        (v6("fd8e:4a1f:2c00:100::/56"), v6("fd8e:4a1f:2c00:200::/56"), False),
        # different families never overlap, and comparing them does not raise
        (v4("0.0.0.0/0"), v6("::/0"), False),
        (v6("::ffff:0:0/96"), v4("10.0.0.0/8"), False),
    ],
)
def test_overlaps(a: cidr.Network, b: cidr.Network, expected: bool) -> None:
    assert cidr.overlaps(a, b) is expected


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        (v4("10.10.0.0/16"), v4("10.10.0.0/20"), True),
        (v4("10.10.0.0/16"), v4("10.10.0.0/16"), True),  # a network contains itself
        (v4("10.10.0.0/20"), v4("10.10.0.0/16"), False),  # bigger is not inside
        (v4("10.10.0.0/16"), v4("10.99.0.0/20"), False),
        (v6("fd8e:4a1f:2c00:100::/56"), v6("fd8e:4a1f:2c00:100::/64"), True),
        (v6("fd8e:4a1f:2c00:100::/56"), v6("fd8e:4a1f:2c00:900::/64"), False),
        (v4("0.0.0.0/0"), v6("fd00::/64"), False),
        (v6("::/0"), v4("10.0.0.0/24"), False),
    ],
)
def test_contains(outer: cidr.Network, inner: cidr.Network, expected: bool) -> None:
    assert cidr.contains(outer, inner) is expected


def test_overlapping_pairs_lists_every_pair_in_order() -> None:
    candidates: list[tuple[str, cidr.Network]] = [
        ("pods4", v4("10.10.0.0/18")),
        ("pods6", v6("fd12::/64")),
        ("svc4", v4("10.0.0.0/16")),
    ]
    against: list[tuple[str, cidr.Network]] = [("space4", v4("10.10.0.0/16")), ("space6", v6("fd12::/56"))]
    assert cidr.overlapping_pairs(candidates, against) == [
        ("pods4", v4("10.10.0.0/18"), "space4", v4("10.10.0.0/16")),
        ("pods6", v6("fd12::/64"), "space6", v6("fd12::/56")),
    ]


def test_overlapping_pairs_accepts_iterators_and_finds_nothing_across_families() -> None:
    against: list[tuple[str, cidr.Network]] = [("b", v6("::/0")), ("c", v4("11.0.0.0/8"))]
    found = cidr.overlapping_pairs(iter([("a", v4("10.0.0.0/8"))]), iter(against))
    assert found == []

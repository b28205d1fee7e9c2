"""``regions.<name>``: one region's VNet, subnets, zones and overlay ranges, with the values
derived from them and the hints that say how a derived value came about.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from typing import Annotated, Any

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from dualstack import cidr
from dualstack.config.base import FieldProblems, IPv4Cidr, IPv6Cidr, Model, Zone, _prefix_range
from dualstack.naming import IP_VERSION, IpFamily


class AddressSpace(Model):
    ipv4: Annotated[IPv4Cidr, _prefix_range(8, 24)]
    """The VNet's IPv4 space. Azure requires IPv4 on every VNet."""
    ipv6: Annotated[IPv6Cidr, _prefix_range(48, 64, " (every IPv6 subnet is a /64)")]
    """The VNet's IPv6 space. A unique-local (``fd00::/8``) prefix is usual."""


class SubnetPrefixes(Model):
    ipv4: Annotated[IPv4Cidr, _prefix_range(16, 28)]
    """IPv4 prefix of the subnet; inside ``address_space.ipv4``."""
    ipv6: Annotated[IPv6Cidr, _prefix_range(64, 64, " (Azure's rule for every IPv6 subnet)")]
    """IPv6 prefix of the subnet; inside ``address_space.ipv6``."""


AKS_RESERVED_RANGES = tuple(
    ipaddress.ip_network(r) for r in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)
"""Ranges AKS uses itself; pod and service ranges must not overlap them (AKS docs)."""

DEFAULT_POD_CIDRS = ("10.244.0.0/16", "fd12:3456:789a::/64")
DEFAULT_SERVICE_CIDRS = ("10.0.0.0/16", "fd12:3456:789a:1::/108")

DERIVED_REGION_KEYS = ("cluster_subnet", "endpoint_subnet", "dns_service_ip", "pod_cidrs", "service_cidrs")
"""Region keys that get a value when the file does not set them (derived or AKS's default)."""

_REGION_NAME: Any = object()
"""Dict key under which ``Config`` hands each region its name (no YAML file can hold this key)."""


def _default_hint(field: str, key: str) -> str:
    """Why ``field`` has the value it has when the file did not set it, and how to choose it."""
    if field in ("pod_cidrs", "service_cidrs"):
        default = DEFAULT_POD_CIDRS if field == "pod_cidrs" else DEFAULT_SERVICE_CIDRS
        return f"{field} is AKS's default {', '.join(default)}; set {key} to other ranges"
    source = {
        "cluster_subnet": "derived from address_space",
        "endpoint_subnet": "derived from address_space.ipv4 (the first free one beside cluster_subnet.ipv4)",
        "dns_service_ip": "derived as the 10th address of service_cidrs[0]",
    }[field]
    return f"{field} was {source}; set {key} to choose it"


class Origin(Model):
    """How Front Door weighs one region's ingress addresses (both families alike)."""

    priority: Annotated[StrictInt, Field(ge=1, le=5)] = 1
    """Front Door sends traffic to the lowest priority that has a healthy origin; a higher
    number makes the region a standby."""
    weight: Annotated[StrictInt, Field(ge=1, le=1000)] = 1000
    """Share among healthy origins of one priority within the latency sensitivity."""


class Region(Model):
    """One region: its VNet, the cluster subnet, zones and the cluster's overlay ranges. Each
    entry of ``regions`` becomes two stacks, ``<region>`` and ``<region>-workloads``, in
    file order.

    Cross-field rules, checked once every key is valid on its own (one line per problem):

    - ``cluster_subnet.ipv4`` / ``.ipv6`` lie inside ``address_space.ipv4`` / ``.ipv6``;
      ``endpoint_subnet`` lies inside ``address_space.ipv4`` and does not overlap
      ``cluster_subnet.ipv4``. When ``endpoint_subnet`` is left to be derived and
      ``cluster_subnet`` leaves no free block of its size, the error says so: set
      ``endpoint_subnet`` or make ``cluster_subnet`` smaller.
    - None of the four overlay ranges (``pod_cidrs[0..1]``, ``service_cidrs[0..1]``)
      overlaps the region's own VNet, the other overlay range of its family, or a range AKS
      reserves: 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24.
    - ``dns_service_ip`` is a usable address of ``service_cidrs[0]``.
    - A value that was derived or defaulted and breaks a rule is named as such in the error,
      with the key to set.

    Ranges of different families never overlap each other. Rules across regions are listed
    with the top-level keys.
    """

    address_space: AddressSpace
    """The VNet's address space, one range per family; the only required key of a region."""
    cluster_subnet: SubnetPrefixes
    """Subnet ``snet-aks``: nodes take addresses from it (pods use the overlay). Default:
    the first /20 of ``address_space.ipv4`` (for a space of /20 or smaller, its first half)
    and the first /64 of ``address_space.ipv6``; derived only when the key is absent, so set
    both ``ipv4`` and ``ipv6`` or neither."""
    endpoint_subnet: Annotated[IPv4Cidr, _prefix_range(16, 28)]
    """Subnet ``snet-endpoints`` for the private endpoints of the registry and the Key Vault
    (private endpoints are IPv4 only); inside ``address_space.ipv4``, not overlapping
    ``cluster_subnet.ipv4``. Default: the first /24 of ``address_space.ipv4`` (a quarter
    of a space of /23 or smaller) that does not overlap ``cluster_subnet.ipv4``:
    ``10.10.16.0/24`` for ``10.10.0.0/16``."""
    zones: tuple[Zone, ...] = (1, 2, 3)
    """Availability zones of every node pool, and so the spread of the ingress and sample
    pods: at least two, none twice; stored sorted. (The ingress public IPs are always
    zone-redundant over 1, 2 and 3.)"""
    pod_cidrs: tuple[IPv4Cidr, IPv6Cidr] = DEFAULT_POD_CIDRS
    """Overlay pod ranges, IPv4 then IPv6 (AKS's defaults), in the cluster's network
    profile. They are not routed outside the cluster, so every region may use the same
    ones."""
    service_cidrs: tuple[IPv4Cidr, IPv6Cidr] = DEFAULT_SERVICE_CIDRS
    """Kubernetes Service ranges (AKS's defaults): IPv4 smaller than /12 (a prefix of /13 or
    longer), then IPv6 of /108 or smaller (a prefix of 108 or longer)."""
    dns_service_ip: StrictStr
    """Cluster DNS Service address: a usable IPv4 address of ``service_cidrs[0]`` (not its
    network address, its second address or its last address). Default: the network address
    of ``service_cidrs[0]`` plus 10 (``10.0.0.10`` for the default range)."""
    drain: StrictBool = False
    """true: take the region out of the app's names (its Traffic Manager endpoints and its
    ``<region>.<app_name>`` records go, or with ``edge.kind: front_door`` its Front Door
    origins; traffic moves to the other regions) and destroy nothing: the first step of
    retiring it (docs/deploy.md, "Retiring a region"). Not on every region."""
    origin: Origin | None = None
    """Front Door only (``edge.kind: front_door``): this region's priority and weight in the
    origin group; default priority 1, weight 1000."""

    _name: str | None = PrivateAttr(default=None)
    """The region's key in ``regions`` (None when validated on its own)."""
    _derived: frozenset[str] = PrivateAttr(default=frozenset())
    """Which of DERIVED_REGION_KEYS the file left out (so were derived or defaulted)."""

    @model_validator(mode="wrap")
    @classmethod
    def _remember_what_was_given(cls, data: Any, handler: ModelWrapValidatorHandler[Region]) -> Region:
        """Validate, note the region's name and which keys were derived, then check the ranges.

        Runs around everything else (the ``before`` derivation included), so it sees the keys
        as written; the range rules run here so their messages can say what was derived.
        """
        if not isinstance(data, dict):
            return handler(data)
        data = dict(data)
        name = data.pop(_REGION_NAME, None)
        region = handler(data)
        region._name = name if isinstance(name, str) else None
        region._derived = frozenset(key for key in DERIVED_REGION_KEYS if key not in data)
        region._check_ranges()
        return region

    def derived(self, field: str) -> bool:
        """Whether ``field`` (one of DERIVED_REGION_KEYS) was derived or defaulted, not set."""
        return field in self._derived

    def key(self, field: str) -> str:
        """The full config path of ``field``: ``regions.<name>.<field>``."""
        return f"regions.{self._name}.{field}" if self._name else field

    def hints(self, *fields: str) -> str:
        """`` (<why>; set <key> ...)`` for each of ``fields`` (relative paths such as
        ``service_cidrs[0]``) whose value the file did not set; empty when it set them all."""
        seen: list[str] = []
        for field in fields:
            base = re.split(r"[.\[]", field, maxsplit=1)[0]
            if base in self._derived and base not in seen:
                seen.append(base)
        return "".join(f" ({_default_hint(base, self.key(base))})" for base in seen)

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        space = data.get("address_space")
        if "cluster_subnet" not in data and isinstance(space, dict):
            try:
                v4 = cidr.parse_cidr(space["ipv4"], "IPv4")
                v6 = cidr.parse_cidr(space["ipv6"], "IPv6")
                data["cluster_subnet"] = {
                    "ipv4": str(cidr.first_subnet(v4, 20 if v4.prefixlen < 20 else v4.prefixlen + 1)),
                    "ipv6": str(cidr.first_subnet(v6, 64)),
                }
            except (KeyError, TypeError, ValueError):
                pass  # the address_space errors say what is wrong
        if (
            "endpoint_subnet" not in data
            and isinstance(data.get("cluster_subnet"), dict)
            and isinstance(space, dict)
        ):
            with contextlib.suppress(KeyError, TypeError, ValueError):
                v4 = cidr.parse_cidr(space["ipv4"], "IPv4")
                cluster = cidr.parse_cidr(data["cluster_subnet"]["ipv4"], "IPv4")
                size = max(24, v4.prefixlen + 2)
                free = cidr.first_free_subnet(v4, size, cluster)
                # None: the cluster subnet leaves no room; the first one overlaps it, and the
                # overlap rule then says so (and that endpoint_subnet was derived).
                data["endpoint_subnet"] = str(free or cidr.first_subnet(v4, size))
        if "dns_service_ip" not in data:
            services = data.get("service_cidrs", DEFAULT_SERVICE_CIDRS)
            # On failure the service_cidrs errors say what is wrong.
            with contextlib.suppress(IndexError, TypeError, ValueError, KeyError):
                data["dns_service_ip"] = cidr.host(cidr.parse_cidr(services[0], "IPv4"), 10)
        return data

    @field_validator("zones")
    @classmethod
    def _zones(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lists a zone twice; list each of 1, 2, 3 at most once")
        if len(value) < 2:
            raise ValueError("needs at least two of the zones 1, 2, 3 (the design spreads over zones)")
        return tuple(sorted(value))

    @field_validator("service_cidrs")
    @classmethod
    def _service_sizes(cls, value: tuple[str, str]) -> tuple[str, str]:
        if cidr.parse_cidr(value[0], "IPv4").prefixlen <= 12:
            raise ValueError(f"IPv4 range {value[0]} must be smaller than /12 (AKS rule)")
        if cidr.parse_cidr(value[1], "IPv6").prefixlen < 108:
            raise ValueError(f"IPv6 range {value[1]} must be /108 or smaller (Kubernetes rule)")
        return value

    def _check_ranges(self) -> None:
        """Raise FieldProblems for every cross-field rule of the region that is broken."""
        spaces: dict[IpFamily, cidr.Network] = {
            family: cidr.parse_cidr(getattr(self.address_space, family), version)
            for family, version in IP_VERSION.items()
        }
        nets = self.overlay_ranges()
        problems = [
            *self._subnet_problems(spaces),
            *self._overlay_problems(spaces, nets),
            *self._dns_service_ip_problems(nets[2][1]),
        ]
        if problems:
            raise FieldProblems(problems)

    def _subnet_problems(self, spaces: dict[IpFamily, cidr.Network]) -> list[tuple[str, str]]:
        """The cluster subnet inside the VNet; the endpoint subnet inside it and beside the cluster's."""
        problems: list[tuple[str, str]] = []
        for family, space in spaces.items():
            subnet = cidr.parse_cidr(getattr(self.cluster_subnet, family), IP_VERSION[family])
            if not cidr.contains(space, subnet):
                problems.append(
                    (f"cluster_subnet.{family}", f"{subnet} lies outside address_space.{family} {space}")
                )
        endpoints = cidr.parse_cidr(self.endpoint_subnet, "IPv4")
        if not cidr.contains(spaces["ipv4"], endpoints):
            problems.append(
                ("endpoint_subnet", f"{endpoints} lies outside address_space.ipv4 {spaces['ipv4']}")
            )
        if cidr.overlaps(endpoints, cidr.parse_cidr(self.cluster_subnet.ipv4, "IPv4")):
            if self.derived("endpoint_subnet"):
                message = (
                    f"no /{endpoints.prefixlen} of address_space.ipv4 {spaces['ipv4']} is free beside "
                    f"cluster_subnet.ipv4 {self.cluster_subnet.ipv4} for the private endpoints "
                    "(endpoint_subnet is derived when not set); set "
                    f"{self.key('endpoint_subnet')} or a smaller cluster_subnet"
                )
            else:
                message = f"{endpoints} overlaps cluster_subnet.ipv4 {self.cluster_subnet.ipv4}" + self.hints(
                    "cluster_subnet"
                )
            problems.append(("endpoint_subnet", message))
        return problems

    def _overlay_problems(
        self, spaces: dict[IpFamily, cidr.Network], nets: list[tuple[str, cidr.Network]]
    ) -> list[tuple[str, str]]:
        """Pod and service ranges clear of the VNet, of each other and of AKS's reserved ranges."""
        problems = [
            (name, f"{net} overlaps the VNet's {other_name} {other}" + self.hints(name))
            for name, net, other_name, other in cidr.overlapping_pairs(
                nets, [(f"address_space.{f}", n) for f, n in spaces.items()]
            )
        ]
        for i, (name, net) in enumerate(nets):
            for other_name, other in nets[i + 1 :]:
                if cidr.overlaps(net, other):
                    problems.append(
                        (name, f"{net} overlaps {other_name} {other}" + self.hints(name, other_name))
                    )
        for name, net in nets:
            problems += [
                (name, f"{net} overlaps {reserved}, which AKS reserves")
                for reserved in AKS_RESERVED_RANGES
                if cidr.overlaps(net, reserved)
            ]
        return problems

    def overlay_ranges(self) -> list[tuple[str, cidr.Network]]:
        """Pod and service ranges with their field names, IPv4 before IPv6."""
        return [
            ("pod_cidrs[0]", cidr.parse_cidr(self.pod_cidrs[0], "IPv4")),
            ("pod_cidrs[1]", cidr.parse_cidr(self.pod_cidrs[1], "IPv6")),
            ("service_cidrs[0]", cidr.parse_cidr(self.service_cidrs[0], "IPv4")),
            ("service_cidrs[1]", cidr.parse_cidr(self.service_cidrs[1], "IPv6")),
        ]

    def _dns_service_ip_problems(self, services: cidr.Network) -> list[tuple[str, str]]:
        try:
            ip = ipaddress.ip_address(self.dns_service_ip)
        except ValueError:
            return [("dns_service_ip", f"{self.dns_service_ip!r} is not an IP address")]
        reserved = (
            services.network_address,
            services.network_address + 1,
            services.broadcast_address,
        )
        if ip.version != 4 or ip not in services or ip in reserved:
            return [
                (
                    "dns_service_ip",
                    f"{self.dns_service_ip} must be a usable address inside service_cidrs[0] "
                    f"{services} (not its first, second or last address)"
                    + self.hints("dns_service_ip", "service_cidrs"),
                )
            ]
        return []

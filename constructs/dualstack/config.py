"""The config model: one YAML file parsed into typed, immutable settings.

Every default lives here, next to its field, with a comment that says what it does. The
whole file is validated before any construct is built; cross-field rules (overlapping
ranges, subnets inside their VNet) are model validators. Values that can be derived
(subnets, the DNS service IP) are derived here, once, so constructs never compute them.
"""

from __future__ import annotations

import contextlib
import difflib
import ipaddress
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PlainSerializer,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dualstack import cidr, ingress_controller, modes, naming
from dualstack.modes import ModeName
from dualstack.naming import IP_VERSION, IpFamily
from dualstack.regions import ZONAL_REGIONS


class FieldProblems(ValueError):
    """Several problems found by one cross-field rule, each ``(relative field path, message)``.

    The error formatter prints one line per item, prefixed with the validator's location (an
    empty relative path: the validator's location itself).
    """

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in items))
        self.items = items


# --- constrained scalar types --------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """The name the config reference (``tools/config_reference.py``) gives a constrained type.

    Pydantic ignores it. The type's rule comes from the docstrings of its validator
    functions and from its constraints, so a validator used in a type says in its docstring,
    in the config author's words, what it accepts.
    """

    name: str


def _ipv4(value: str) -> str:
    """the network address (host bits zero)"""
    return str(cidr.parse_cidr(value, "IPv4"))  # canonical form: 10.0.0.0/016 -> 10.0.0.0/16


def _ipv6(value: str) -> str:
    """the network address (host bits zero)"""
    return str(cidr.parse_cidr(value, "IPv6"))  # canonical (compressed) form


IPv4Cidr = Annotated[StrictStr, AfterValidator(_ipv4), Shown("IPv4 CIDR")]
IPv6Cidr = Annotated[StrictStr, AfterValidator(_ipv6), Shown("IPv6 CIDR")]

CERT_MANAGER_VERSION = "v1.21.2"
"""The default of ``tls.chart_version``: cert-manager's newest stable release (September 2026;
docs/kubernetes-baseline.md, "Chart versions")."""

# Words Azure refuses inside resource names that become DNS names ("ReservedResourceName").
RESERVED_WORDS = ("microsoft", "azure", "windows", "office", "xbox", "login")

_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def _no_reserved_words(value: str) -> str:
    lowered = value.lower()
    for word in RESERVED_WORDS:
        if word in lowered:
            raise ValueError(f"contains the reserved word {word!r}, which Azure rejects in names")
    return value


def _ascii_only(value: str) -> str:
    if not value.isascii():
        bad = next(ch for ch in value if not ch.isascii())
        raise ValueError(
            f"contains the non-ASCII character {bad!r} (U+{ord(bad):04X}); only ASCII is allowed"
        )
    return value


def _project(value: str) -> str:
    """2-10 ASCII characters: a lowercase letter, then lowercase letters or digits; none of the
    reserved words `microsoft`, `azure`, `windows`, `office`, `xbox`, `login` (Azure refuses
    them in names)"""
    _ascii_only(value)
    if not re.fullmatch(r"[a-z][a-z0-9]{1,9}", value):
        raise ValueError("must be 2-10 characters: a lowercase letter, then lowercase letters or digits")
    return _no_reserved_words(value)


def _length(value: str, what: str, low: int, high: int, rule: str) -> None:
    """Refuse a name outside ``low..high`` characters, saying its length first."""
    if not low <= len(value) <= high:
        bound = f"at most {high}" if len(value) > high else f"at least {low}"
        raise ValueError(f"is {len(value)} characters; {what} has {bound} ({rule})")


def _registry_name(value: str) -> str:
    """5-50 ASCII lowercase letters or digits; no reserved word; globally unique in Azure"""
    _ascii_only(value)
    _length(value, "a container registry name", 5, 50, "lowercase letters or digits")
    if not re.fullmatch(r"[a-z0-9]{5,50}", value):
        raise ValueError("must be 5-50 lowercase letters or digits (Azure Container Registry rule)")
    return _no_reserved_words(value)


def _key_vault_name(value: str) -> str:
    """3-24 ASCII characters: lowercase letters, digits and single hyphens, starting with a
    letter and ending with a letter or digit; no reserved word; globally unique in Azure"""
    _ascii_only(value)
    _length(
        value,
        "a Key Vault name",
        3,
        24,
        "lowercase letters, digits and single hyphens, starting with a letter and ending with a "
        "letter or digit",
    )
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,22}[a-z0-9]", value) or "--" in value:
        raise ValueError(
            "must be 3-24 characters: lowercase letters, digits and single hyphens, "
            "starting with a letter and ending with a letter or digit (Key Vault rule)"
        )
    return _no_reserved_words(value)


def _dns_zone(value: str) -> str:
    """lowercase ASCII, at least two labels, each 1-63 letters, digits or inner hyphens; at
    most 253 characters; no trailing dot; the last label not all digits"""
    _ascii_only(value)
    labels = value.split(".")
    if (
        len(value) > 253
        or len(labels) < 2
        or not all(_DNS_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(
            "must be a lowercase DNS name of at least two labels (such as dualstack.contoso.com), "
            "each label 1-63 letters, digits or inner hyphens, 253 characters at most"
        )
    return value


def _dns_label(value: str) -> str:
    """one lowercase ASCII label: 1-63 letters, digits or inner hyphens"""
    _ascii_only(value)
    if not _DNS_LABEL.fullmatch(value):
        raise ValueError("must be one lowercase DNS label: 1-63 letters, digits or inner hyphens")
    return value


def _valid(check: Any, value: Any) -> bool:
    """Whether ``value`` passes ``check``; defaults are derived only from valid values."""
    try:
        return isinstance(value, str) and bool(check(value))
    except ValueError:
        return False


ProjectName = Annotated[StrictStr, AfterValidator(_project)]
RegistryName = Annotated[StrictStr, AfterValidator(_registry_name)]
KeyVaultName = Annotated[StrictStr, AfterValidator(_key_vault_name)]
DnsZoneName = Annotated[StrictStr, AfterValidator(_dns_zone), Shown("DNS name")]
DnsLabel = Annotated[StrictStr, AfterValidator(_dns_label), Shown("DNS label")]


def _zone(value: int) -> int:
    """1, 2 or 3"""
    if value not in (1, 2, 3):
        raise ValueError("Input should be 1, 2 or 3")
    return value


Zone = Annotated[StrictInt, AfterValidator(_zone), Shown("zone")]
ObjectId = Annotated[
    StrictStr,
    Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
    Shown("Entra ID object ID"),
]
"""An Entra ID object ID (lowercase GUID)."""
TagKey = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")]
TagValue = Annotated[StrictStr, Field(max_length=256)]


def _vm_size(value: str) -> str:
    """`Standard_<family><vCPUs><features>_v<n>` whose features include `d` (a local temporary
    disk, which the ephemeral OS disk needs), such as `Standard_D4ds_v5`"""
    if not re.fullmatch(r"Standard_[A-Z]+[0-9]+[a-z]*_v[0-9]+", value):
        raise ValueError("must be an Azure VM size such as Standard_D4ds_v5")
    family_suffix = re.fullmatch(r"Standard_[A-Z]+[0-9]+([a-z]*)_v[0-9]+", value)
    if family_suffix is None or "d" not in family_suffix.group(1):
        raise ValueError(
            "needs a local temporary disk for the ephemeral OS disk: a size with 'd' after the "
            "vCPU count, such as Standard_D4ds_v5 or Standard_E8ds_v5"
        )
    return value


VmSize = Annotated[StrictStr, AfterValidator(_vm_size), Shown("Azure VM size")]
Quantity = Annotated[StrictStr, Field(pattern=r"^[0-9]{1,6}(m|Mi|Gi)?$"), Shown("Kubernetes quantity")]


K = TypeVar("K")
V = TypeVar("V")

FrozenMapping = Annotated[
    Mapping[K, V],
    AfterValidator(lambda value: MappingProxyType(dict(value))),
    PlainSerializer(dict),
]
"""A mapping that cannot be changed after loading (frozen models do not freeze dicts)."""


class Model(BaseModel):
    """Base for every config section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


# --- region network ----------------------------------------------------------------


def _prefix_range(low: int, high: int, why: str = "") -> AfterValidator:
    """A validator: the CIDR's prefix length lies in ``low..high`` (after the family check)."""

    rule = f"exactly /{low}" if low == high else f"between /{low} and /{high}"

    def check(value: str) -> str:
        length = ipaddress.ip_network(value).prefixlen
        if not low <= length <= high:
            raise ValueError(f"must be {rule}{why}")
        return value

    check.__doc__ = f"prefix length {rule}{why}"
    return AfterValidator(check)


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


# --- cluster ---------------------------------------------------------------------


MIN_KUBERNETES_MINOR = 33
"""The oldest minor that everything the stacks install supports: cert-manager v1.21 (the pinned
``tls.chart_version``) supports Kubernetes 1.33 to 1.36, the ingress controller's range is wider
(docs/kubernetes-baseline.md), and Cilium on AKS with dual-stack LoadBalancer Services needs 1.29."""


def _unquoted(value: Any, example: str) -> Any:
    """Refuse a number where a string belongs with a hint to quote it (YAML made it a number)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            f'must be a quoted string such as "{example}" (unquoted, YAML reads {value!r} as a number)'
        )
    return value


def _unquoted_kubernetes_version(value: Any) -> Any:
    if isinstance(value, float) and re.fullmatch(r"1\.[0-9]", repr(value)):
        # 1.30 in the file: YAML drops the trailing zero
        written = f"{value!r}0"
        raise ValueError(
            f'must be a quoted string such as "{written}" (YAML reads {written} as the number {value!r})'
        )
    return _unquoted(value, f"{value!r}" if isinstance(value, float) else "1.35")


def _unquoted_clock(value: Any, example: str, signed: bool) -> Any:
    """``12:30`` and ``+10:00`` unquoted are YAML 1.1 base-60 integers (750, 600): say so."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 60:
        hours, minutes = divmod(abs(value), 60)
        sign = ("-" if value < 0 else "+") if signed else ""
        raise ValueError(
            f'must be a quoted string such as "{sign}{hours:02}:{minutes:02}" (YAML reads an '
            f"unquoted {sign}{hours}:{minutes:02} as the base-60 number {value})"
        )
    return _unquoted(value, example)


def _supported_minor(value: str) -> str:
    """1.33 or later (cert-manager v1.21 supports 1.33 to 1.36); quote it"""
    if int(value.split(".")[1]) < MIN_KUBERNETES_MINOR:
        raise ValueError(
            f"must be 1.{MIN_KUBERNETES_MINOR} or later (the pinned cert-manager v1.21 supports "
            "Kubernetes 1.33 to 1.36; the Cilium data plane needs 1.29)"
        )
    return value


class NodePool(Model):
    """Given in the file, a pool needs ``vm_size``, ``min_count`` and ``max_count``."""

    vm_size: VmSize
    """VM size of every node in the pool."""
    min_count: Annotated[StrictInt, Field(ge=1, le=1000)]
    """Autoscaler lower bound, not larger than ``max_count``; at least one node per zone is
    advisable."""
    max_count: Annotated[StrictInt, Field(ge=1, le=1000)]
    """Autoscaler upper bound."""
    os_disk_size_gb: Annotated[StrictInt, Field(ge=30, le=2048)] = 64
    """Size of the ephemeral OS disk; it must fit in the VM size's temporary disk
    (75 GiB on Standard_D2ds_v5, 150 GiB on Standard_D4ds_v5)."""

    @model_validator(mode="after")
    def _bounds(self) -> NodePool:
        if self.min_count > self.max_count:
            raise ValueError(f"min_count {self.min_count} is larger than max_count {self.max_count}")
        return self


class ApiServer(Model):
    private: StrictBool = True
    """true: a private cluster (API server reachable only from linked networks);
    false: a public endpoint limited to ``authorized_ip_ranges``."""
    authorized_ip_ranges: tuple[IPv4Cidr, ...] = ()
    """IPv4 ranges allowed to reach a public API server (the deploying machine or CI
    runner must be in one). At least one, and not 0.0.0.0/0, when ``private`` is false;
    none when it is true."""

    @model_validator(mode="after")
    def _public_needs_ranges(self) -> ApiServer:
        if not self.private:
            if not self.authorized_ip_ranges:
                raise ValueError(
                    "authorized_ip_ranges must list at least one range when private is false "
                    "(or set private: true)"
                )
            if any(ipaddress.ip_network(r).prefixlen == 0 for r in self.authorized_ip_ranges):
                raise ValueError("authorized_ip_ranges must not contain 0.0.0.0/0 (the whole internet)")
        elif self.authorized_ip_ranges:
            raise ValueError("authorized_ip_ranges apply only to a public API server (private: false)")
        return self


class MaintenanceWindow(Model):
    """One window for both schedules: automatic patch upgrades and node-image upgrades."""

    day_of_week: Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] = (
        "Sunday"
    )
    """Day on which AKS applies automatic patch and node-image upgrades."""
    start_time: Annotated[StrictStr, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "02:00"
    """Start of the window, HH:MM in ``utc_offset``; quote it (YAML reads 02:00 as a number)."""
    duration_hours: Annotated[StrictInt, Field(ge=4, le=24)] = 4
    """Length of the window; AKS requires at least 4 hours."""
    utc_offset: Annotated[StrictStr, Field(pattern=r"^[+-](0[0-9]|1[0-4]):[0-5][0-9]$")] = "+00:00"
    """Offset from UTC of ``start_time``; quote it."""

    @field_validator("start_time", "utc_offset", mode="before")
    @classmethod
    def _quoted(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name == "utc_offset":
            return _unquoted_clock(value, "+00:00", signed=True)
        return _unquoted_clock(value, "02:00", signed=False)


class Cluster(Model):
    """AKS settings: every region's cluster is built from them (docs/cluster.md)."""

    kubernetes_version: Annotated[
        StrictStr, Field(pattern=r"^1\.[0-9]{2}$"), AfterValidator(_supported_minor)
    ] = "1.35"
    """Kubernetes minor version; AKS applies patch releases of it automatically. Check
    ``az aks get-versions -l <region>`` for the minors AKS still supports and bump it as
    they age out."""
    sku_tier: Literal["Standard", "Premium"] = "Standard"
    """Control-plane tier; Standard carries the uptime SLA (Free, which has none, is not
    offered)."""
    network_data_plane: Literal["azure", "cilium"] = "cilium"
    """cilium: Azure CNI powered by Cilium, with network policy for both families;
    azure: the classic data plane, with no network policy (Azure and Calico policy
    do not support dual-stack)."""
    system_pool: NodePool = NodePool(vm_size="Standard_D4ds_v5", min_count=3, max_count=5)
    """Pool reserved for critical add-ons (CriticalAddonsOnly taint); one node per zone."""
    user_pool: NodePool = NodePool(vm_size="Standard_D4ds_v5", min_count=3, max_count=12)
    """Pool for the ingresses and workloads."""
    api_server: ApiServer = ApiServer()
    """How the Kubernetes API is reached; default: a private cluster."""
    maintenance: MaintenanceWindow = MaintenanceWindow()
    """When automatic upgrades may run."""
    admin_group_object_ids: tuple[ObjectId, ...] = ()
    """Entra ID groups whose members get AKS RBAC Cluster Admin on every cluster. Give people
    access here, and deploy with one identity (the CI's): the deployer's own grant follows
    whoever runs ``cdktf deploy`` and moves when someone else does."""
    login: Literal["azurecli", "workloadidentity", "spn"] = "azurecli"
    """How the stack's Kubernetes and Helm providers get a token (kubelogin
    ``--login``): azurecli for people, workloadidentity or spn for CI."""

    @field_validator("kubernetes_version", mode="before")
    @classmethod
    def _quoted_version(cls, value: Any) -> Any:
        return _unquoted_kubernetes_version(value)


# --- ingress ---------------------------------------------------------------------


class IngressFamily(Model):
    min_replicas: Annotated[StrictInt, Field(ge=2, le=100)] = 2
    """Lower bound of the controller's autoscaler, not larger than ``max_replicas``; at least
    two for the disruption budget."""
    max_replicas: Annotated[StrictInt, Field(ge=2, le=100)] = 6
    """Upper bound of the controller's autoscaler."""
    cpu_request: Quantity = "250m"
    """CPU each controller pod requests."""
    memory_request: Quantity = "256Mi"
    """Memory each controller pod requests."""
    memory_limit: Quantity = "512Mi"
    """Memory limit of each controller pod."""

    @model_validator(mode="after")
    def _bounds(self) -> IngressFamily:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"min_replicas {self.min_replicas} is larger than max_replicas {self.max_replicas}"
            )
        return self


class Ingress(Model):
    """The ingress mode and the F5 NGINX Ingress Controller releases of every region
    (docs/ingress-modes.md)."""

    mode: ModeName
    """nat64: application Services run on IPv4 and the IPv6 ingress translates; nat46:
    Services run on IPv6 and the IPv4 ingress translates; dualstack: one ingress with both
    addresses, no translation."""
    translator_enabled: StrictBool = True
    """The plug-in switch: false removes the translating ingress (IPv6 in nat64, IPv4 in
    nat46) and everything that exists only for it: its Helm release, public IP, NSG allow
    rule, Traffic Manager endpoint, public and private records, address output, and in
    ``global`` that family's Traffic Manager profile and alias record. Nothing else in the
    plan changes and the cluster stays dual-stack; turning it back on creates a new
    address. Must stay true in dualstack mode."""
    chart_version: Annotated[StrictStr, Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")] = (
        ingress_controller.CHART_VERSION
    )
    """Version of the F5 NGINX Ingress Controller chart (``nginx-ingress``). The default is
    the newest stable release, 2.7.3 (controller 5.6.3); docs/kubernetes-baseline.md, "Chart
    versions", says why and what the tests validate its values against."""
    ipv4: IngressFamily = IngressFamily()
    """Scaling and resources of the IPv4 ingress; in dualstack mode, of the one release
    (``ingress-dual``), which serves both families."""
    ipv6: IngressFamily = IngressFamily()
    """Scaling and resources of the IPv6 ingress. Refused in dualstack mode, whose one
    release takes ``ipv4``. With ``translator_enabled: false`` in nat64 they are kept but
    unused until the translator is switched back on."""
    sample_app_enabled: StrictBool = True
    """Deploy the echo sample application that shows the client address."""

    @field_validator("chart_version", mode="before")
    @classmethod
    def _quoted_chart_version(cls, value: Any) -> Any:
        return _unquoted(value, ingress_controller.CHART_VERSION)

    @model_validator(mode="after")
    def _translator(self) -> Ingress:
        """A mode without a translator (dualstack) refuses ``translator_enabled: false``; the
        settings of a family that no release of the mode reads (``ipv6`` in dualstack, whose
        one release takes the ipv4 settings) are refused too, not ignored."""
        mode = modes.of(self)
        problems: list[tuple[str, str]] = []
        if mode.translator is None and not self.translator_enabled:
            problems.append(
                ("", f"translator_enabled: false has no meaning in {mode.name} mode (no translation)")
            )
        # Only a one-release mode leaves settings unread (dualstack: ingress-dual takes ipv4).
        (release, *_) = mode.all_releases
        problems += [
            (
                family,
                f"has no meaning in {mode.name} mode: its one release ({release.name}) serves both "
                f"families with the ingress.{release.settings} settings; move these settings to "
                f"ingress.{release.settings} and remove ingress.{family}",
            )
            for family in mode.unused_settings
            if family in self.model_fields_set
        ]
        if len(problems) == 1 and not problems[0][0]:
            raise ValueError(problems[0][1])
        if problems:
            raise FieldProblems(problems)
        return self


# --- tls -------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def _email(value: str) -> str:
    """an ASCII e-mail address with a lowercase domain, at most 254 characters"""
    _ascii_only(value)
    if len(value) > 254 or not _EMAIL.fullmatch(value) or value.split("@", 1)[1].split(".")[-1].isdigit():
        raise ValueError(
            "must be an e-mail address such as platform@contoso.com (ASCII, lowercase domain, at most 254 characters)"
        )
    return value


Email = Annotated[StrictStr, AfterValidator(_email), Shown("e-mail address")]


class Hsts(Model):
    enabled: StrictBool = False
    """Send Strict-Transport-Security on every HTTPS response; needs an ``issuer`` other
    than none. Off by default: once a browser has seen it, the name is HTTPS-only for
    ``max_age_seconds``, which a staging certificate (untrusted) would make unreachable."""
    max_age_seconds: Annotated[StrictInt, Field(ge=300, le=63072000)] = 31536000
    """How long browsers remember it; one year by default, two years at most."""
    include_subdomains: StrictBool = False
    """Extend it to every name below the app's (and so below ``<app>.<zone>``)."""


class Tls(Model):
    """HTTPS certificates for the ingresses: cert-manager with ACME DNS-01 on
    ``dns.zone_name`` (docs/ingress-modes.md, "HTTPS")."""

    issuer: Literal["letsencrypt", "letsencrypt-staging", "none"] = "letsencrypt-staging"
    """letsencrypt: trusted certificates from Let's Encrypt's production ACME server;
    letsencrypt-staging: the same flow against the staging server (untrusted certificates,
    generous rate limits) for trying the project; none: no cert-manager, no certificates,
    HTTP only (port 443 serves nothing)."""
    email: Email | None = None
    """Contact of the ACME account (Let's Encrypt's notices about the account); optional."""
    chart_version: Annotated[StrictStr, Field(pattern=r"^v[0-9]+\.[0-9]+\.[0-9]+$")] = CERT_MANAGER_VERSION
    """Version of the cert-manager chart (and of its images). The default is the newest
    stable release, v1.21.2; docs/kubernetes-baseline.md, "Chart versions", says why and what
    the tests validate its values against."""
    hsts: Hsts = Hsts()
    """HTTP Strict Transport Security from the ingress controllers."""

    @field_validator("chart_version", mode="before")
    @classmethod
    def _quoted_chart_version(cls, value: Any) -> Any:
        return _unquoted(value, CERT_MANAGER_VERSION)

    @model_validator(mode="after")
    def _hsts_needs_certificates(self) -> Tls:
        if self.issuer == "none" and self.hsts.enabled:
            raise ValueError(
                "hsts.enabled: true needs certificates; set issuer to letsencrypt or letsencrypt-staging"
            )
        return self

    @property
    def enabled(self) -> bool:
        return self.issuer != "none"


# --- network ---------------------------------------------------------------------

_VNET_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"/resourceGroups/(?P<group>[-\w.()]{0,89}[-\w()])"
    r"/providers/Microsoft\.Network/virtualNetworks/(?P<name>[A-Za-z0-9][-\w.]{0,62}\w)$"
)


def _vnet_id(value: str) -> str:
    """`/subscriptions/<lowercase GUID>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>`; ASCII"""
    _ascii_only(value)
    if not _VNET_ID.fullmatch(value):
        raise ValueError(
            "must be a virtual network's resource ID: /subscriptions/<lowercase subscription GUID>"
            "/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>"
        )
    return value


VirtualNetworkId = Annotated[StrictStr, AfterValidator(_vnet_id), Shown("VNet resource ID")]


class HubAddressSpace(Model):
    """None may overlap any region's ``address_space``, ``pod_cidrs`` or ``service_cidrs``."""

    ipv4: Annotated[tuple[IPv4Cidr, ...], Field(min_length=1)]
    """Every IPv4 range of the hub VNet (at least one: Azure requires IPv4 on every VNet)."""
    ipv6: tuple[IPv6Cidr, ...] = ()
    """Every IPv6 range of the hub VNet; empty for an IPv4-only hub."""


class Hub(Model):
    """Every region VNet is peered with it, in both directions."""

    virtual_network_id: VirtualNetworkId
    """Resource ID of the hub VNet. The hub-side peerings are created in its resource group
    and its subscription (which may differ from the deployment's; a provider aliased to it
    creates them)."""
    address_space: HubAddressSpace
    """The hub's address ranges, checked against every region's VNet and overlay ranges."""

    @property
    def subscription_id(self) -> str:
        return self._part("subscription")

    @property
    def resource_group_name(self) -> str:
        return self._part("group")

    @property
    def name(self) -> str:
        return self._part("name")

    def _part(self, group: str) -> str:
        match = _VNET_ID.fullmatch(self.virtual_network_id)
        assert match is not None  # validated on load
        return match.group(group)

    def ranges(self) -> list[tuple[str, cidr.Network]]:
        """Every hub range with its field name (relative to ``network.hub``)."""
        out: list[tuple[str, cidr.Network]] = []
        for family, version in IP_VERSION.items():
            for i, value in enumerate(getattr(self.address_space, family)):
                out.append((f"address_space.{family}[{i}]", cidr.parse_cidr(value, version)))
        return out


class Network(Model):
    """Connectivity beyond the region VNets."""

    hub: Hub | None = None
    """An existing hub VNet to peer every region with (for example where a self-hosted
    deploy runner lives, so it reaches every private API server); default: no peering."""


# --- global ----------------------------------------------------------------------


APP_HEALTH_PATH = "/healthz"
"""The default of ``dns.health_probe.path``: the sample app's health endpoint."""


class HealthProbe(Model):
    """How the edge decides whether a region serves the app, per family: a request for
    ``path`` on the app's own name (``<app_name>.<zone_name>``) to each of the region's public
    ingress addresses, through the controller to the application, exactly as a client's
    request travels (over HTTPS where the app has a certificate). Answered by the application,
    not by the controller: a region whose application is down (no ready pod behind its
    Service: the controller answers 502/503) leaves the rotation. Traffic Manager probes every
    30 s with a 10 s timeout and takes an address out after 3 failures; Front Door probes each
    origin every 30 s and counts only 200 as healthy. Your application's Ingress must route
    ``path`` on the app's name to an endpoint that answers 200 when it can serve."""

    path: Annotated[StrictStr, Field(pattern=r"^/[A-Za-z0-9._~/-]{0,255}$")] | None = None
    """The application's health endpoint, probed by both edges (a GET with the app's name as
    host): letters, digits and ``._~/-`` only (no query, no percent-encoding: the controllers
    compare the decoded path). Unset: ``/healthz``, which the sample app answers; required when
    ``ingress.sample_app_enabled`` is false (the edges would probe a path nothing answers)."""
    protocol: Literal["HTTP", "HTTPS"] | None = None
    """Traffic Manager only. Unset: HTTPS when ``tls.issuer`` is not none (Traffic Manager does
    not check certificates; plain HTTP would be redirected), else HTTP."""
    port: Annotated[StrictInt, Field(ge=1, le=65535)] | None = None
    """Traffic Manager only: 443 for HTTPS, 80 for HTTP (the only ports the controllers'
    Service serves; any other is refused). Unset: the protocol's."""
    host: DnsZoneName | None = None
    """Traffic Manager only: the probe's Host header. Unset: the app's name."""
    expected_status: Annotated[StrictStr, Field(pattern=r"^[1-5][0-9]{2}-[1-5][0-9]{2}$")] | None = None
    """Traffic Manager only: status codes that count as healthy, as a range. Unset: 200-200."""


@dataclass(frozen=True)
class ProbeSettings:
    """``dns.health_probe`` with every default resolved (``Config.probe``)."""

    path: str
    protocol: Literal["HTTP", "HTTPS"]
    port: int
    host: str
    expected_status: str


TRAFFIC_MANAGER_PROBE_KEYS = ("protocol", "port", "host", "expected_status")
"""The keys of ``dns.health_probe`` that only Traffic Manager reads."""


class Dns(Model):
    """The application's public and private names."""

    zone_name: DnsZoneName
    """Public Azure DNS zone, created in the global stack, that holds the application's
    names. Delegate it to Azure from the parent zone yourself."""
    app_name: DnsLabel = "app"
    """The application's name in the zone: ``<app_name>.<zone_name>`` globally (A/AAAA
    aliases to Traffic Manager, or with ``edge.kind: front_door`` one CNAME to the Front Door
    endpoint) and ``<region>.<app_name>.<zone_name>`` per region with Traffic Manager (A/AAAA
    aliases to the region's public IPs). Also part of the Traffic Manager profiles
    ``tm-<project>-<app_name>-<family>`` and their names
    ``<project>-<app_name>-<family>.trafficmanager.net``, which must be globally unique."""
    private_zone_name: DnsZoneName
    """Private DNS zone linked to every region's VNet (auto-registration off); each region
    adds ``<region>.<app_name>`` A and AAAA records. Default ``internal.<zone_name>``."""
    health_probe: HealthProbe = HealthProbe()
    """The edge's probe of every region's ingress addresses, through to the application."""

    @property
    def app_host(self) -> str:
        """``<app_name>.<zone_name>``: the application's global name."""
        return f"{self.app_name}.{self.zone_name}"

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "private_zone_name" not in data
            and _valid(_dns_zone, data.get("zone_name"))
        ):
            data = {**data, "private_zone_name": f"internal.{data['zone_name']}"}
        return data


# --- edge ------------------------------------------------------------------------

WafMatchVariable = Literal[
    "QueryStringArgNames",
    "RequestBodyJsonArgNames",
    "RequestBodyPostArgNames",
    "RequestCookieNames",
    "RequestHeaderNames",
]
WafRuleGroup = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9-]{1,64}$")]


class WafExclusion(Model):
    """Request parts a rule group does not inspect (a known false positive)."""

    match_variable: WafMatchVariable
    """Which part of the request: argument, cookie or header names."""
    operator: Literal["Equals", "Contains", "StartsWith", "EndsWith", "EqualsAny"]
    """How ``selector`` matches the names."""
    selector: Annotated[StrictStr, Field(min_length=1, max_length=256)]
    """The name of the header, cookie or argument (``EqualsAny``: ignored, write ``*``)."""


class RateLimit(Model):
    """A custom rule: a client address that sends more than ``threshold`` requests in
    ``duration_minutes`` is blocked for the rest of that window (both families)."""

    threshold: Annotated[StrictInt, Field(ge=10, le=5000000)] = 1000
    """Requests one client address may send per window."""
    duration_minutes: Literal[1, 5] = 1
    """The window, in minutes."""


class Waf(Model):
    """The web application firewall policy of the Front Door profile."""

    mode: Literal["Prevention", "Detection"] = "Prevention"
    """Prevention blocks what the rules match; Detection only logs (for tuning a new app)."""
    default_rule_set_version: Literal["1.1", "2.0", "2.1", "2.2"] = "2.1"
    """Version of Microsoft_DefaultRuleSet (OWASP-based, anomaly scoring from 2.0), one Front
    Door Premium offers and azurerm accepts. 2.2 is the newest; moving to it adds and changes
    rules, so run it in ``mode: Detection`` first and tune exclusions before Prevention."""
    bot_manager_rule_set_version: Literal["1.0", "1.1"] = "1.1"
    """Version of Microsoft_BotManagerRuleSet."""
    rate_limit: RateLimit = RateLimit()
    exclusions: FrozenMapping[WafRuleGroup, tuple[WafExclusion, ...]] = Field(
        default_factory=lambda: MappingProxyType({})
    )
    """Per rule group of the default rule set (``SQLI``, ``XSS``, ``PROTOCOL-ATTACK``...): the
    request parts that group does not inspect."""


class TrafficManagerEdge(Model):
    """Clients resolve the app's name through Traffic Manager (one profile per family,
    closest healthy region) and connect straight to a region's ingress addresses."""

    kind: Literal["traffic_manager"]
    """The default edge; it takes no other key."""


class FrontDoorEdge(Model):
    """Clients connect to Azure Front Door Premium (WAF, managed certificate), which
    forwards over HTTPS to the closest healthy region's ingress addresses; the ingresses
    admit Front Door only."""

    kind: Literal["front_door"]
    """Front Door Premium in front of every region: global profile, endpoint, origin group,
    custom domain with a managed certificate, WAF; the route in the ``edge`` stack."""
    waf: Waf = Field(default_factory=Waf)
    """The web application firewall; defaults: Prevention, the pinned rule set versions, 1000
    requests per client address per minute, no exclusions."""
    latency_sensitivity_ms: Annotated[StrictInt, Field(ge=0, le=1000)] = 50
    """Origins whose probe latency is within this many milliseconds of the fastest one
    share the traffic by weight."""


Edge = Annotated[TrafficManagerEdge | FrontDoorEdge, Field(discriminator="kind")]


class Global(Model):
    """The shared services of the global stack: resource group ``rg-<project>-global``,
    container registry, Key Vault and Log Analytics workspace. Any valid ``project`` gives
    valid derived names, so a length error is always about a name set in the file."""

    location: StrictStr
    """Region of ``rg-<project>-global``, the registry's home, the Key Vault and the Log
    Analytics workspace; one of the allowed regions (the registry and vault are
    zone-redundant), not necessarily one of ``regions``. The registry gets a replica in
    every entry of ``regions`` except this one. Required: changing it replaces all of them,
    so it is never derived from the order of ``regions``."""
    registry_name: RegistryName
    """Container registry name, globally unique in Azure; default ``<project>dualstackacr``."""
    key_vault_name: KeyVaultName
    """Key Vault name, globally unique in Azure; default ``kv-<project>-dualstack``."""
    log_retention_days: Annotated[StrictInt, Field(ge=30, le=730)] = 90
    """Days the Log Analytics workspace keeps cluster logs."""


class LocalBackend(Model):
    """Terraform state in local files; takes no other key."""

    type: Literal["local"]
    """State in ``terraform.<stack>.tfstate`` next to the output folder (not in git)."""


class AzurermBackend(Model):
    """Terraform state in an Azure Storage blob per stack, with Entra ID auth (docs/architecture.md,
    "State backends")."""

    type: Literal["azurerm"]
    """State in an Azure Storage container."""
    resource_group_name: Annotated[StrictStr, Field(pattern=r"^[-\w.()]{1,90}$")]
    """Resource group of the state storage account."""
    storage_account_name: Annotated[StrictStr, Field(pattern=r"^[a-z0-9]{3,24}$")]
    """The state storage account."""
    container_name: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    """The blob container."""
    key_prefix: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9/_.-]{0,100}$")] | None = None
    """State key of a stack: ``<key_prefix><stack>.tfstate``; default ``<project>/``, so two
    projects never share a state blob. Entra ID auth, no keys."""


_LOOKALIKES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0455\u0458\u0501", "aeopcyxisjd"
)
"""Cyrillic letters that look like Latin ones, to their Latin twins (for suggestions only)."""


def _region_suggestion(name: str) -> str:
    """``; did you mean 'eastus2'?`` for a near miss (``eastus-2``, ``East US 2``, ``eastus02``)."""
    folded = re.sub(r"[\s_-]", "", name.lower()).translate(_LOOKALIKES)
    if folded in ZONAL_REGIONS:
        return f"; did you mean {folded!r}?"
    close = difflib.get_close_matches(folded, sorted(ZONAL_REGIONS), n=3, cutoff=0.75)
    if not close:
        return ""
    best = difflib.SequenceMatcher(None, folded, close[0]).ratio()
    tied = sorted(c for c in close if difflib.SequenceMatcher(None, folded, c).ratio() == best)
    return f"; did you mean {' or '.join(repr(c) for c in tied)}?"


def _not_a_region(name: str) -> str:
    hint = ""
    if not name.isascii():
        bad = next(ch for ch in name if not ch.isascii())
        hint = f"it contains the non-ASCII character {bad!r} (U+{ord(bad):04X}); "
    allowed = ", ".join(sorted(ZONAL_REGIONS))
    return (
        f"is not an Azure region with availability zones; {hint}allowed: {allowed}{_region_suggestion(name)}"
    )


MAX_SURGE_PERCENT = 33
"""Upgrade surge of every node pool, as ``cluster.MAX_SURGE`` sets it ("33%"; a test keeps them equal)."""
AZURE_RESERVED_ADDRESSES = 5
"""Addresses Azure keeps in every subnet: the network address, the first three hosts, broadcast."""


def surge_nodes(max_count: int) -> int:
    """Extra nodes a pool of ``max_count`` adds during an upgrade (AKS rounds a percentage up)."""
    return -(-max_count * MAX_SURGE_PERCENT // 100)


class Config(Model):
    """A config is one YAML file holding exactly one mapping, validated as a whole before
    anything is built; every problem is reported on its own line (docs/config.md, "Errors").

    - Unknown keys are errors at every level; the message lists the allowed keys and
      suggests the closest one.
    - Types are strict, nothing is coerced: ``"3"`` is not an integer, ``42`` is not a
      string and ``"no"`` is not a boolean.
    - Quote what YAML would turn into a number: ``kubernetes_version: 1.35`` is a float (and
      ``1.30`` becomes ``1.3``), ``start_time: 12:30`` and ``utc_offset: +10:00`` are YAML 1.1
      base-60 integers (750 and 600), a tag value ``4711`` is an integer. Write ``"1.35"``,
      ``"12:30"``, ``"+10:00"``, ``"4711"``; for the version and clock keys the error shows
      the quoted form.
    - CIDRs are written as the network address (``10.10.1.0/16`` is refused with "use the
      network address 10.10.0.0/16"); IPv6 values are stored in compressed lowercase form.
    - The loaded config is immutable.

    Required: ``project``, ``regions`` (each with ``address_space``), ``ingress.mode``,
    ``dns.zone_name`` and ``global.location``; everything else has a default.
    ``config/default.yaml`` shows a minimal file.

    Rules across sections, each problem on its own line:

    - Two regions' VNets must not overlap in either family (the later region in the file is
      reported), and a region's pod and service ranges must not overlap another region's
      VNet. Equal overlay ranges in several regions are allowed.
    - ``global.location`` is one of the allowed regions.
    - Capacity: every region's ``cluster_subnet.ipv4`` holds every node the pools may
      reach, ``cluster.system_pool.max_count`` + ``cluster.user_pool.max_count`` plus each
      pool's upgrade surge (33% of its ``max_count``, rounded up as AKS does). A subnet
      holds 2^(32 - prefix) - 5 nodes (Azure keeps 5 addresses in every subnet); with CNI
      Overlay each node takes one IPv4 address and pods take none. The default pools need
      5 + 2 + 12 + 4 = 23 (a /27); the error names both numbers, each pool's count and
      surge, and the smallest prefix that fits.
    - ``network.hub`` ranges overlap no region's VNet, pod or service ranges. Nothing checks
      overlap with other networks (on-premises, other peered VNets).
    - Not every region has ``drain: true``.
    - With ``tls.issuer`` other than none, ``dns.health_probe.protocol`` is not HTTP.
    - ``edge.kind: front_door`` needs ``tls.issuer: letsencrypt`` (Front Door connects to the
      ingresses over HTTPS and accepts only a publicly trusted certificate) and none of the
      Traffic Manager probe keys (``dns.health_probe.protocol``, ``port``, ``host``,
      ``expected_status``; ``path`` applies to Front Door's probe too);
      ``regions.<name>.origin`` is set only with ``edge.kind: front_door``.
    """

    project: ProjectName
    """Prefix of every derived resource name, and the value of the ``project`` tag."""
    regions: FrozenMapping[str, Region]
    """Regions keyed by Azure region name, at least one, each one of the allowed regions:
    two stacks per entry (``<region>`` and ``<region>-workloads``), in file order."""
    ingress: Ingress
    dns: Dns
    global_: Global = Field(alias="global")
    cluster: Cluster = Cluster()
    network: Network = Network()
    """Connectivity beyond the region VNets."""
    tls: Tls = Tls()
    """HTTPS certificates for the ingresses (cert-manager, ACME DNS-01 on the public zone)."""
    edge: Edge = TrafficManagerEdge(kind="traffic_manager")
    """How clients reach the regions: ``traffic_manager`` (default) or ``front_door``."""
    backend: LocalBackend | AzurermBackend = Field(default=LocalBackend(type="local"), discriminator="type")
    tags: FrozenMapping[TagKey, TagValue] = Field(default_factory=lambda: MappingProxyType({}))
    """Extra tags on every taggable resource. ``project`` and ``managed-by`` are always set by
    the product and override keys of the same name."""
    acknowledge_destroy: tuple[
        Annotated[StrictStr, Field(pattern=r"^[a-z0-9-]+ ([A-Za-z0-9_.\[\]-]+|\*)$")], ...
    ] = ()
    """Destroys or replacements of protected resources that this change means to make, one
    ``"<stack> <address>"`` each, exactly as the change summary names them (``"<stack> *"``:
    every one in that stack, for a retired region); the pull-request gate (``python -m
    dualstack.review diff --fail-on-destroy``) fails on any other. Synthesis lifts
    ``prevent_destroy`` from exactly the named resources, so the acknowledged plan applies
    (``"<stack> *"``: only for a drained region's stacks). Remove an entry once deployed."""
    prevent_destroy: StrictBool = True
    """true: the resources whose loss loses data or breaks clients (DNS zones, public,
    private and privatelink; ingress public IPs; Traffic Manager profiles; the Front Door
    profile, endpoint and custom domain; Key Vault; registry; Log Analytics workspace) get ``lifecycle.prevent_destroy``, so Terraform
    refuses a plan that destroys or replaces one *while its block is in the configuration*
    (docs/safety-gate.md, for what it does not do). false only for throwaway
    environments (``config/dualstack.yaml`` is one, as a demo)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    @property
    def front_door(self) -> FrontDoorEdge | None:
        """The Front Door settings, or None with the Traffic Manager edge."""
        return self.edge if isinstance(self.edge, FrontDoorEdge) else None

    @property
    def probe(self) -> ProbeSettings:
        """``dns.health_probe`` resolved: HTTPS on 443 where the app has a certificate (always
        behind Front Door), else HTTP on 80; the app's name as host; 200 healthy."""
        probe = self.dns.health_probe
        protocol = probe.protocol or ("HTTPS" if self.tls.enabled else "HTTP")
        return ProbeSettings(
            path=probe.path or APP_HEALTH_PATH,
            protocol=protocol,
            port=probe.port or (443 if protocol == "HTTPS" else 80),
            host=probe.host or self.dns.app_host,
            expected_status=probe.expected_status or "200-200",
        )

    def stack_names(self) -> list[str]:
        """Every stack this config synthesizes, in deploy order."""
        return naming.stack_names(self.regions, edge=self.front_door is not None)

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        project = data.get("project")
        glob = data.get("global", {})
        if isinstance(glob, dict):
            glob = dict(glob)
            if _valid(_project, project):
                glob.setdefault("registry_name", f"{project}dualstackacr")
                glob.setdefault("key_vault_name", f"kv-{project}-dualstack")
            data["global"] = glob
        return data

    @field_validator("regions", mode="before")
    @classmethod
    def _region_names(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # the type error says what is wrong
        if not value:
            raise ValueError("must list at least one region")
        unknown = [str(name) for name in value if name not in ZONAL_REGIONS]
        if unknown:
            raise FieldProblems([(name, _not_a_region(name)) for name in unknown])
        # Each region learns its name, so its messages can name its keys in full.
        return {
            name: {**region, _REGION_NAME: name} if isinstance(region, dict) else region
            for name, region in value.items()
        }

    @model_validator(mode="after")
    def _cross_region(self) -> Config:
        problems = [
            *self._location_problems(),
            *self._vnet_overlap_problems(),
            *self._overlay_overlap_problems(),
            *self._capacity_problems(),
            *self._hub_problems(),
            *self._drain_and_probe_problems(),
            *self._edge_problems(),
        ]
        if problems:
            raise FieldProblems(problems)
        return self

    def _location_problems(self) -> list[tuple[str, str]]:
        if self.global_.location in ZONAL_REGIONS:
            return []
        return [
            (
                "global.location",
                f"{self.global_.location!r} is not an Azure region with availability zones "
                "(the registry and vault are zone-redundant)" + _region_suggestion(self.global_.location),
            )
        ]

    def _vnet_overlap_problems(self) -> list[tuple[str, str]]:
        """Two regions' VNets overlap (reported on the later region in the file)."""
        problems: list[tuple[str, str]] = []
        names = list(self.regions)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                for family, fam in IP_VERSION.items():
                    net_a = cidr.parse_cidr(getattr(self.regions[a].address_space, family), fam)
                    net_b = cidr.parse_cidr(getattr(self.regions[b].address_space, family), fam)
                    if cidr.overlaps(net_a, net_b):
                        problems.append(
                            (
                                f"regions.{b}.address_space.{family}",
                                f"{net_b} overlaps regions.{a}.address_space.{family} {net_a}; "
                                "VNets of different regions must not overlap",
                            )
                        )
        return problems

    def _overlay_overlap_problems(self) -> list[tuple[str, str]]:
        """A region's pod or service range overlaps another region's VNet."""
        problems: list[tuple[str, str]] = []
        for name, region in self.regions.items():
            others = [(o, r) for o, r in self.regions.items() if o != name]
            for field, net in region.overlay_ranges():
                for (other_name, other), (family, fam) in itertools.product(others, IP_VERSION.items()):
                    space = cidr.parse_cidr(getattr(other.address_space, family), fam)
                    if cidr.overlaps(net, space):
                        problems.append(
                            (
                                f"regions.{name}.{field}",
                                f"{net} overlaps regions.{other_name}.address_space.{family} {space}"
                                + region.hints(field),
                            )
                        )
        return problems

    def _drain_and_probe_problems(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if all(region.drain for region in self.regions.values()):
            problems.append(
                (
                    "regions",
                    "every region has drain: true; at least one must serve the app's name "
                    "(drain is the first step of retiring a region, not of the whole environment)",
                )
            )
        return problems + self._probe_problems()

    def _probe_problems(self) -> list[tuple[str, str]]:
        """A probe that could never pass drains every region (Front Door) or silently ends
        failover (Traffic Manager answers with every endpoint when all are degraded)."""
        probe, problems = self.dns.health_probe, []
        if self.tls.enabled and probe.protocol == "HTTP":
            problems.append(
                (
                    "dns.health_probe.protocol",
                    "HTTP with tls.issuer set: the controllers redirect plain HTTP for the app's name "
                    "to HTTPS, so the probe would see 301 and drain every region; use HTTPS or leave it unset",
                )
            )
        if not self.tls.enabled and probe.protocol == "HTTPS":
            problems.append(
                (
                    "dns.health_probe.protocol",
                    "HTTPS with tls.issuer none: the app has no certificate and nothing serves it over "
                    "HTTPS; use HTTP or leave it unset",
                )
            )
        resolved = self.probe
        port = ingress_controller.SERVICE_PORTS["https" if resolved.protocol == "HTTPS" else "http"]
        if probe.port is not None and probe.port != port:
            problems.append(
                (
                    "dns.health_probe.port",
                    f"{probe.port} with {resolved.protocol}: the controllers' Service serves "
                    f"{resolved.protocol} on {port} only; use {port} or leave it unset",
                )
            )
        if probe.path is None and not self.ingress.sample_app_enabled:
            problems.append(
                (
                    "dns.health_probe.path",
                    "is required with ingress.sample_app_enabled: false: the edges probe the "
                    "application's own health endpoint on the app's name; set the path your "
                    "application's Ingress routes to it (the default, /healthz, is the sample app's)",
                )
            )
        return problems

    def _edge_problems(self) -> list[tuple[str, str]]:
        """Settings that belong to the other edge, and what Front Door needs of the origins."""
        if not isinstance(self.edge, FrontDoorEdge):
            return [
                (
                    f"regions.{name}.origin",
                    "is a Front Door setting; set edge.kind: front_door or remove it",
                )
                for name, region in self.regions.items()
                if region.origin is not None
            ]
        problems: list[tuple[str, str]] = []
        if self.tls.issuer != "letsencrypt":
            problems.append(
                (
                    "tls.issuer",
                    f"{self.tls.issuer!r} with edge.kind front_door: Front Door connects to the ingresses "
                    "over HTTPS and accepts only a publicly trusted certificate; use letsencrypt",
                )
            )
        problems += [
            (
                f"dns.health_probe.{key}",
                "is a Traffic Manager setting; Front Door probes every origin over HTTPS on 443 with "
                "the app's name and counts only 200 as healthy: remove it (dns.health_probe.path applies)",
            )
            for key in TRAFFIC_MANAGER_PROBE_KEYS
            if getattr(self.dns.health_probe, key) is not None
        ]
        return problems

    def _capacity_problems(self) -> list[tuple[str, str]]:
        """Every region's cluster subnet must hold every node both pools may scale and surge to.

        CNI Overlay: each node takes one IPv4 address of the subnet, pods take none.
        """
        pools = (("system", self.cluster.system_pool), ("user", self.cluster.user_pool))
        need = sum(pool.max_count + surge_nodes(pool.max_count) for _, pool in pools)
        # The longest prefix that holds them: 2**bits >= need + 5 for bits = (need + 4).bit_length().
        fits = 32 - (need + AZURE_RESERVED_ADDRESSES - 1).bit_length()
        problems: list[tuple[str, str]] = []
        for name, region in self.regions.items():
            subnet = cidr.parse_cidr(region.cluster_subnet.ipv4, "IPv4")
            holds = subnet.num_addresses - AZURE_RESERVED_ADDRESSES
            if need <= holds:
                continue
            counts = ", ".join(
                f"{label} max_count {pool.max_count} + {surge_nodes(pool.max_count)} surge"
                for label, pool in pools
            )
            problems.append(
                (
                    f"regions.{name}.cluster_subnet.ipv4",
                    f"{subnet} holds {holds} node addresses ({subnet.num_addresses} minus the "
                    f"{AZURE_RESERVED_ADDRESSES} Azure reserves) but the pools may need {need}: {counts} "
                    f"({MAX_SURGE_PERCENT}% max surge); use a /{fits} or larger, or lower max_count"
                    + region.hints("cluster_subnet"),
                )
            )
        return problems

    def _hub_problems(self) -> list[tuple[str, str]]:
        """A peered hub must overlap no region's VNet and no region's pod or service range."""
        hub = self.network.hub
        if hub is None:
            return []
        problems: list[tuple[str, str]] = []
        for field, net in hub.ranges():
            for name, region in self.regions.items():
                others = [
                    (
                        f"regions.{name}.address_space.{family}",
                        cidr.parse_cidr(getattr(region.address_space, family), version),
                    )
                    for family, version in IP_VERSION.items()
                ] + [(f"regions.{name}.{f}", n) for f, n in region.overlay_ranges()]
                for other_name, other in others:
                    if cidr.overlaps(net, other):
                        problems.append(
                            (
                                f"network.hub.{field}",
                                f"{net} overlaps {other_name} {other}; a peered hub must not overlap "
                                "any region's VNet, pod or service ranges"
                                + region.hints(other_name.removeprefix(f"regions.{name}.")),
                            )
                        )
        return problems

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
import re
from collections.abc import Mapping
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

from dualstack import cidr
from dualstack.naming import IP_VERSION, IpFamily
from dualstack.regions import ZONAL_REGIONS


class FieldProblems(ValueError):
    """Several problems found by one cross-field rule, each ``(relative field path, message)``.

    The error formatter prints one line per item, prefixed with the validator's location.
    """

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in items))
        self.items = items


# --- constrained scalar types --------------------------------------------------------


def _ipv4(value: str) -> str:
    return str(cidr.parse_cidr(value, "IPv4"))  # canonical form: 10.0.0.0/016 -> 10.0.0.0/16


def _ipv6(value: str) -> str:
    return str(cidr.parse_cidr(value, "IPv6"))  # canonical (compressed) form


IPv4Cidr = Annotated[StrictStr, AfterValidator(_ipv4)]
IPv6Cidr = Annotated[StrictStr, AfterValidator(_ipv6)]

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
    _ascii_only(value)
    _length(value, "a container registry name", 5, 50, "lowercase letters or digits")
    if not re.fullmatch(r"[a-z0-9]{5,50}", value):
        raise ValueError("must be 5-50 lowercase letters or digits (Azure Container Registry rule)")
    return _no_reserved_words(value)


def _key_vault_name(value: str) -> str:
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
DnsZoneName = Annotated[StrictStr, AfterValidator(_dns_zone)]
DnsLabel = Annotated[StrictStr, AfterValidator(_dns_label)]


def _zone(value: int) -> int:
    if value not in (1, 2, 3):
        raise ValueError("Input should be 1, 2 or 3")
    return value


Zone = Annotated[StrictInt, AfterValidator(_zone)]
ObjectId = Annotated[
    StrictStr,
    Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
"""An Entra ID object ID (lowercase GUID)."""
TagKey = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")]
TagValue = Annotated[StrictStr, Field(max_length=256)]


def _vm_size(value: str) -> str:
    if not re.fullmatch(r"Standard_[A-Z]+[0-9]+[a-z]*_v[0-9]+", value):
        raise ValueError("must be an Azure VM size such as Standard_D4ds_v5")
    family_suffix = re.fullmatch(r"Standard_[A-Z]+[0-9]+([a-z]*)_v[0-9]+", value)
    if family_suffix is None or "d" not in family_suffix.group(1):
        raise ValueError(
            "needs a local temporary disk for the ephemeral OS disk: a size with 'd' after the "
            "vCPU count, such as Standard_D4ds_v5 or Standard_E8ds_v5"
        )
    return value


VmSize = Annotated[StrictStr, AfterValidator(_vm_size)]
Quantity = Annotated[StrictStr, Field(pattern=r"^[0-9]{1,6}(m|Mi|Gi)?$")]


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

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- region network ----------------------------------------------------------------


def _prefix_range(low: int, high: int, why: str = "") -> AfterValidator:
    """A validator: the CIDR's prefix length lies in ``low..high`` (after the family check)."""

    def check(value: str) -> str:
        length = ipaddress.ip_network(value).prefixlen
        if not low <= length <= high:
            rule = f"exactly /{low}" if low == high else f"between /{low} and /{high}"
            raise ValueError(f"must be {rule}{why}")
        return value

    return AfterValidator(check)


class AddressSpace(Model):
    ipv4: Annotated[IPv4Cidr, _prefix_range(8, 24)]
    """The VNet's IPv4 space (Azure requires IPv4 on every VNet), /8 to /24."""
    ipv6: Annotated[IPv6Cidr, _prefix_range(48, 64, " (every IPv6 subnet is a /64)")]
    """The VNet's IPv6 space, /48 to /64; a unique-local (fd00::/8) prefix is usual."""


class SubnetPrefixes(Model):
    ipv4: Annotated[IPv4Cidr, _prefix_range(16, 28)]
    """IPv4 prefix of the subnet; /16 to /28."""
    ipv6: Annotated[IPv6Cidr, _prefix_range(64, 64, " (Azure's rule for every IPv6 subnet)")]
    """IPv6 prefix of the subnet; Azure requires exactly /64."""


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


class Region(Model):
    """One region: its VNet, the cluster subnet, zones and the cluster's overlay ranges."""

    address_space: AddressSpace
    cluster_subnet: SubnetPrefixes
    """Default: the first /20 of ``address_space.ipv4`` (the first half of a space of /20 or
    smaller) and the first /64 of ``address_space.ipv6``. Nodes take addresses from it
    (pods use the overlay)."""
    endpoint_subnet: Annotated[IPv4Cidr, _prefix_range(16, 28)]
    """IPv4 prefix of the private-endpoint subnet (registry and Key Vault); default: the
    first /24 of ``address_space.ipv4`` (a quarter of a space of /23 or smaller) that does
    not overlap ``cluster_subnet.ipv4``. Private endpoints are IPv4 only."""
    zones: tuple[Zone, ...] = (1, 2, 3)
    """Availability zones for every node pool and the zonal resources; at least two."""
    pod_cidrs: tuple[IPv4Cidr, IPv6Cidr] = DEFAULT_POD_CIDRS
    """Overlay pod ranges, IPv4 then IPv6 (AKS's defaults); not routed outside the
    cluster, so every region may use the same ones."""
    service_cidrs: tuple[IPv4Cidr, IPv6Cidr] = DEFAULT_SERVICE_CIDRS
    """Kubernetes Service ranges, IPv4 (smaller than /12) then IPv6 (/108 or smaller)."""
    dns_service_ip: StrictStr
    """Cluster DNS address; default: the 10th address of the IPv4 service range."""
    drain: StrictBool = False
    """true: take the region out of the app's global name (its Traffic Manager endpoints and
    its ``<region>.<app>`` records go; traffic moves to the other regions) and destroy
    nothing: the first step of retiring it (README, "Retiring a region")."""

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
        problems: list[tuple[str, str]] = []
        spaces: dict[IpFamily, cidr.Network] = {
            family: cidr.parse_cidr(getattr(self.address_space, family), version)
            for family, version in IP_VERSION.items()
        }
        for family, space in spaces.items():
            subnet = cidr.parse_cidr(getattr(self.cluster_subnet, family), IP_VERSION[family])
            if not cidr.contains(space, subnet):
                problems.append(
                    (
                        f"cluster_subnet.{family}",
                        f"{subnet} lies outside address_space.{family} {space}",
                    )
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
        nets = self.overlay_ranges()
        for name, net, other_name, other in cidr.first_overlap(
            nets, [(f"address_space.{f}", n) for f, n in spaces.items()]
        ):
            problems.append((name, f"{net} overlaps the VNet's {other_name} {other}" + self.hints(name)))
        for i, (name, net) in enumerate(nets):
            for other_name, other in nets[i + 1 :]:
                if cidr.overlaps(net, other):
                    problems.append(
                        (name, f"{net} overlaps {other_name} {other}" + self.hints(name, other_name))
                    )
        for name, net in nets:
            for reserved in AKS_RESERVED_RANGES:
                if cidr.overlaps(net, reserved):
                    problems.append((name, f"{net} overlaps {reserved}, which AKS reserves"))
        problems.extend(self._dns_service_ip_problems(nets[2][1]))
        if problems:
            raise FieldProblems(problems)

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


MIN_KUBERNETES_MINOR = 29
"""Cilium on AKS and dual-stack LoadBalancer Services with both public IPs need 1.29 or later."""


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
    if int(value.split(".")[1]) < MIN_KUBERNETES_MINOR:
        raise ValueError(
            f"must be 1.{MIN_KUBERNETES_MINOR} or later (Cilium data plane, dual-stack Services)"
        )
    return value


class NodePool(Model):
    vm_size: VmSize
    """VM size of every node in the pool."""
    min_count: Annotated[StrictInt, Field(ge=1, le=1000)]
    """Autoscaler lower bound; at least one node per zone is advisable."""
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
    runner must be in one). Required, and not 0.0.0.0/0, when ``private`` is false."""

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
    day_of_week: Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] = (
        "Sunday"
    )
    """Day on which AKS applies automatic patch and node-image upgrades."""
    start_time: Annotated[StrictStr, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "02:00"
    """Start of the window, HH:MM in ``utc_offset``."""
    duration_hours: Annotated[StrictInt, Field(ge=4, le=24)] = 4
    """Length of the window; AKS requires at least 4 hours."""
    utc_offset: Annotated[StrictStr, Field(pattern=r"^[+-](0[0-9]|1[0-4]):[0-5][0-9]$")] = "+00:00"
    """Offset from UTC of ``start_time``."""

    @field_validator("start_time", "utc_offset", mode="before")
    @classmethod
    def _quoted(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name == "utc_offset":
            return _unquoted_clock(value, "+00:00", signed=True)
        return _unquoted_clock(value, "02:00", signed=False)


class Cluster(Model):
    kubernetes_version: Annotated[
        StrictStr, Field(pattern=r"^1\.[0-9]{2}$"), AfterValidator(_supported_minor)
    ] = "1.35"
    """Kubernetes minor version; AKS applies patch releases of it automatically."""
    sku_tier: Literal["Standard", "Premium"] = "Standard"
    """Control-plane tier; Standard carries the uptime SLA (Free has none)."""
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
    """Lower bound of the controller's autoscaler; at least two for the disruption budget."""
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
    mode: Literal["nat64", "nat46", "dualstack"]
    """nat64: Services run on IPv4, the IPv6 ingress translates; nat46: Services run
    on IPv6, the IPv4 ingress translates; dualstack: one ingress with both addresses."""
    translator_enabled: StrictBool = True
    """The plug-in switch: false removes the translating ingress (IPv6 in nat64, IPv4
    in nat46) and everything that exists only for it. Must stay true in dualstack."""
    chart_version: Annotated[StrictStr, Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")] = "2.6.4"
    """Version of the F5 NGINX Ingress Controller chart (nginx-ingress)."""
    ipv4: IngressFamily = IngressFamily()
    """Scaling and resources of the IPv4 ingress."""
    ipv6: IngressFamily = IngressFamily()
    """Scaling and resources of the IPv6 ingress."""
    sample_app_enabled: StrictBool = True
    """Deploy the echo sample application that shows the client address."""

    @field_validator("chart_version", mode="before")
    @classmethod
    def _quoted_chart_version(cls, value: Any) -> Any:
        return _unquoted(value, "2.6.4")

    @model_validator(mode="after")
    def _translator(self) -> Ingress:
        if self.mode == "dualstack" and not self.translator_enabled:
            raise ValueError("translator_enabled: false has no meaning in dualstack mode (no translation)")
        return self


# --- tls -------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def _email(value: str) -> str:
    _ascii_only(value)
    if len(value) > 254 or not _EMAIL.fullmatch(value) or value.split("@", 1)[1].split(".")[-1].isdigit():
        raise ValueError(
            "must be an e-mail address such as platform@contoso.com (ASCII, lowercase domain, at most 254 characters)"
        )
    return value


Email = Annotated[StrictStr, AfterValidator(_email)]


class Hsts(Model):
    enabled: StrictBool = False
    """Send Strict-Transport-Security on every HTTPS response. Off by default: once a browser
    has seen it, the name is HTTPS-only for ``max_age_seconds``, which a staging certificate
    (untrusted) would make unreachable."""
    max_age_seconds: Annotated[StrictInt, Field(ge=300, le=63072000)] = 31536000
    """How long browsers remember it; one year by default, two years at most."""
    include_subdomains: StrictBool = False
    """Extend it to every name below the app's (and so below ``<app>.<zone>``)."""


class Tls(Model):
    issuer: Literal["letsencrypt", "letsencrypt-staging", "none"] = "letsencrypt-staging"
    """letsencrypt: trusted certificates from Let's Encrypt's production ACME server;
    letsencrypt-staging: the same flow against the staging server (untrusted certificates,
    generous rate limits) for trying the project; none: no cert-manager, no certificates,
    HTTP only (port 443 serves nothing)."""
    email: Email | None = None
    """Contact of the ACME account (Let's Encrypt's notices about the account); optional."""
    chart_version: Annotated[StrictStr, Field(pattern=r"^v[0-9]+\.[0-9]+\.[0-9]+$")] = "v1.21.1"
    """Version of the cert-manager chart (and of its images)."""
    hsts: Hsts = Hsts()
    """HTTP Strict Transport Security from the ingress controllers."""

    @field_validator("chart_version", mode="before")
    @classmethod
    def _quoted_chart_version(cls, value: Any) -> Any:
        return _unquoted(value, "v1.21.1")

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
    _ascii_only(value)
    if not _VNET_ID.fullmatch(value):
        raise ValueError(
            "must be a virtual network's resource ID: /subscriptions/<lowercase subscription GUID>"
            "/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>"
        )
    return value


VirtualNetworkId = Annotated[StrictStr, AfterValidator(_vnet_id)]


class HubAddressSpace(Model):
    ipv4: Annotated[tuple[IPv4Cidr, ...], Field(min_length=1)]
    """Every IPv4 range of the hub VNet (at least one: Azure requires IPv4 on every VNet)."""
    ipv6: tuple[IPv6Cidr, ...] = ()
    """Every IPv6 range of the hub VNet; empty for an IPv4-only hub."""


class Hub(Model):
    """An existing hub VNet that every region VNet is peered with, both directions."""

    virtual_network_id: VirtualNetworkId
    """Resource ID of the hub VNet. The hub-side peerings are created in its resource group
    (and its subscription, which may differ from the deployment's)."""
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
    hub: Hub | None = None
    """An existing hub VNet to peer every region with (for example where a self-hosted
    deploy runner lives, so it reaches every private API server); default: no peering."""


# --- global ----------------------------------------------------------------------


class HealthProbe(Model):
    """How Traffic Manager checks each region's ingress (every 30 s; 3 failures drain it)."""

    protocol: Literal["HTTP", "HTTPS"] = "HTTP"
    """HTTPS probes skip certificate checks (Traffic Manager's behaviour)."""
    port: Annotated[StrictInt, Field(ge=1, le=65535)] = 80
    path: Annotated[StrictStr, Field(pattern=r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,999}$")] = "/nginx-health"
    """Default: the controller's own health location (answered by the default server)."""
    host: DnsZoneName | None = None
    """Host header of the probe: set it (for example to ``<app_name>.<zone>``) with a path
    your application answers, so a region whose application is down stops receiving
    traffic, not only one whose controllers are down. Unset: the probe addresses the IP and
    reaches the controller's default server."""
    expected_status: Annotated[StrictStr, Field(pattern=r"^[1-5][0-9]{2}-[1-5][0-9]{2}$")] = "200-200"
    """Status codes that count as healthy, as a range."""


class Dns(Model):
    zone_name: DnsZoneName
    """Public Azure DNS zone that holds the application's names (delegate it to Azure)."""
    app_name: DnsLabel = "app"
    """The application's name in the zone: ``<app_name>.<zone_name>`` globally and
    ``<region>.<app_name>.<zone_name>`` per region."""
    private_zone_name: DnsZoneName
    """Private DNS zone linked to every region's VNet; default ``internal.<zone_name>``."""
    health_probe: HealthProbe = HealthProbe()
    """Traffic Manager's probe of every region's ingress addresses."""

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


class Global(Model):
    location: StrictStr
    """Region of the global resource group, registry home, Key Vault and workspace.
    Required: changing it replaces all of them, so it is never derived from the order of
    ``regions``."""
    registry_name: RegistryName
    """Container registry name, globally unique in Azure; default ``<project>dualstackacr``."""
    key_vault_name: KeyVaultName
    """Key Vault name, globally unique in Azure; default ``kv-<project>-dualstack``."""
    log_retention_days: Annotated[StrictInt, Field(ge=30, le=730)] = 90
    """Days the Log Analytics workspace keeps cluster logs."""


class LocalBackend(Model):
    type: Literal["local"]
    """State in ``terraform.<stack>.tfstate`` next to the output folder (not in git)."""


class AzurermBackend(Model):
    type: Literal["azurerm"]
    resource_group_name: Annotated[StrictStr, Field(pattern=r"^[-\w.()]{1,90}$")]
    storage_account_name: Annotated[StrictStr, Field(pattern=r"^[a-z0-9]{3,24}$")]
    container_name: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
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
    project: ProjectName
    """Short prefix of every resource name (2-10 lowercase letters and digits)."""
    regions: FrozenMapping[str, Region]
    """Regions keyed by Azure region name; one stack each."""
    ingress: Ingress
    dns: Dns
    global_: Global = Field(alias="global")
    cluster: Cluster = Cluster()
    network: Network = Network()
    """Connectivity beyond the region VNets."""
    tls: Tls = Tls()
    """HTTPS certificates for the ingresses (cert-manager, ACME DNS-01 on the public zone)."""
    backend: LocalBackend | AzurermBackend = Field(default=LocalBackend(type="local"), discriminator="type")
    tags: FrozenMapping[TagKey, TagValue] = Field(default_factory=lambda: MappingProxyType({}))
    """Extra tags on every resource (the product adds ``project`` and ``managed-by``)."""
    acknowledge_destroy: tuple[
        Annotated[StrictStr, Field(pattern=r"^[a-z0-9-]+ ([A-Za-z0-9_.\[\]-]+|\*)$")], ...
    ] = ()
    """Destroys or replacements of protected resources that this change means to make, one
    ``"<stack> <address>"`` each, exactly as the change summary names them (``"<stack> *"``:
    every one in that stack, for a retired region); the pull-request gate (``python -m
    dualstack.review diff --fail-on-destroy``) fails on any other."""
    prevent_destroy: StrictBool = True
    """true: Terraform refuses any plan that destroys a resource whose loss loses data or
    breaks clients (DNS zones, ingress public IPs, Traffic Manager profiles, Key Vault,
    registry, Log Analytics workspace). false only for throwaway environments."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

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
        problems: list[tuple[str, str]] = []
        if self.global_.location not in ZONAL_REGIONS:
            problems.append(
                (
                    "global.location",
                    f"{self.global_.location!r} is not an Azure region with availability zones "
                    "(the registry and vault are zone-redundant)" + _region_suggestion(self.global_.location),
                )
            )
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
        for name, region in self.regions.items():
            for field, net in region.overlay_ranges():
                for other_name, other in self.regions.items():
                    if other_name == name:
                        continue
                    for family, fam in IP_VERSION.items():
                        space = cidr.parse_cidr(getattr(other.address_space, family), fam)
                        if cidr.overlaps(net, space):
                            problems.append(
                                (
                                    f"regions.{name}.{field}",
                                    f"{net} overlaps regions.{other_name}.address_space.{family} {space}"
                                    + region.hints(field),
                                )
                            )
        problems.extend(self._capacity_problems())
        problems.extend(self._hub_problems())
        if all(region.drain for region in self.regions.values()):
            problems.append(
                (
                    "regions",
                    "every region has drain: true; at least one must serve the app's name "
                    "(drain is the first step of retiring a region, not of the whole environment)",
                )
            )
        probe = self.dns.health_probe
        if probe.host is not None and self.tls.enabled and probe.protocol == "HTTP":
            problems.append(
                (
                    "dns.health_probe.protocol",
                    f"HTTP with host {probe.host!r}: the controllers redirect plain HTTP for a host "
                    "that has a certificate, so the probe would see 301 and drain every region; "
                    "use HTTPS (port 443)",
                )
            )

        if problems:
            raise FieldProblems(problems)
        return self

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

"""The config model: one YAML file parsed into typed, immutable settings.

Every default lives here, next to its field, with a comment that says what it does. The
whole file is validated before any construct is built; cross-field rules (overlapping
ranges, subnets inside their VNet) are model validators. Values that can be derived
(subnets, the DNS service IP) are derived here, once, so constructs never compute them.

One module per section, the root and the rules across sections apart:

- ``base``: the base class of every section, the cross-field rule error, constrained scalars;
- ``region`` (``regions.<name>``), ``cluster``, ``ingress`` (with ``tls``), ``network``,
  ``dns``, ``edge``, ``shared`` (``global``, ``backend``): the sections;
- ``rules``: the rules across sections; ``hints``: error hints (region name suggestions);
- ``model``: ``Config``, the root, which runs the rules.

Import from here (``from dualstack.config import Config, Region``): this package's public
names are re-exported below, so the modules can move without touching their readers.
"""

from __future__ import annotations

from dualstack.config.base import (
    RESERVED_WORDS,
    DnsLabel,
    DnsZoneName,
    FieldProblems,
    FrozenMapping,
    IPv4Cidr,
    IPv6Cidr,
    KeyVaultName,
    Model,
    ObjectId,
    ProjectName,
    Quantity,
    RegistryName,
    Shown,
    TagKey,
    TagValue,
    VmSize,
    Zone,
)
from dualstack.config.cluster import (
    AZURE_RESERVED_ADDRESSES,
    MAX_SURGE_PERCENT,
    MIN_KUBERNETES_MINOR,
    ApiServer,
    Cluster,
    MaintenanceWindow,
    NodePool,
    surge_nodes,
)
from dualstack.config.dns import APP_HEALTH_PATH, TRAFFIC_MANAGER_PROBE_KEYS, Dns, HealthProbe, ProbeSettings
from dualstack.config.edge import (
    Edge,
    FrontDoorEdge,
    RateLimit,
    TrafficManagerEdge,
    Waf,
    WafExclusion,
    WafMatchVariable,
    WafRuleGroup,
)
from dualstack.config.ingress import CERT_MANAGER_VERSION, Email, Hsts, Ingress, IngressFamily, Tls
from dualstack.config.model import Config
from dualstack.config.network import Hub, HubAddressSpace, Network, VirtualNetworkId
from dualstack.config.region import (
    AKS_RESERVED_RANGES,
    DEFAULT_POD_CIDRS,
    DEFAULT_SERVICE_CIDRS,
    DERIVED_REGION_KEYS,
    AddressSpace,
    Origin,
    Region,
    SubnetPrefixes,
)
from dualstack.config.shared import AzurermBackend, Global, LocalBackend

__all__ = [
    "AKS_RESERVED_RANGES",
    "APP_HEALTH_PATH",
    "AZURE_RESERVED_ADDRESSES",
    "CERT_MANAGER_VERSION",
    "DEFAULT_POD_CIDRS",
    "DEFAULT_SERVICE_CIDRS",
    "DERIVED_REGION_KEYS",
    "MAX_SURGE_PERCENT",
    "MIN_KUBERNETES_MINOR",
    "RESERVED_WORDS",
    "TRAFFIC_MANAGER_PROBE_KEYS",
    "AddressSpace",
    "ApiServer",
    "AzurermBackend",
    "Cluster",
    "Config",
    "Dns",
    "DnsLabel",
    "DnsZoneName",
    "Edge",
    "Email",
    "FieldProblems",
    "FrontDoorEdge",
    "FrozenMapping",
    "Global",
    "HealthProbe",
    "Hsts",
    "Hub",
    "HubAddressSpace",
    "IPv4Cidr",
    "IPv6Cidr",
    "Ingress",
    "IngressFamily",
    "KeyVaultName",
    "LocalBackend",
    "MaintenanceWindow",
    "Model",
    "Network",
    "NodePool",
    "ObjectId",
    "Origin",
    "ProbeSettings",
    "ProjectName",
    "Quantity",
    "RateLimit",
    "Region",
    "RegistryName",
    "Shown",
    "SubnetPrefixes",
    "TagKey",
    "TagValue",
    "Tls",
    "TrafficManagerEdge",
    "VirtualNetworkId",
    "VmSize",
    "Waf",
    "WafExclusion",
    "WafMatchVariable",
    "WafRuleGroup",
    "Zone",
    "surge_nodes",
]

"""The root of the config model: ``Config``, one YAML file validated as a whole."""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from dualstack import naming
from dualstack.config import rules
from dualstack.config.base import (
    FieldProblems,
    FrozenMapping,
    Model,
    ProjectName,
    TagKey,
    TagValue,
    _project,
    _valid,
)
from dualstack.config.cluster import Cluster
from dualstack.config.dns import APP_HEALTH_PATH, EDGE_PORTS, Dns, ProbeSettings
from dualstack.config.edge import Edge, FrontDoorEdge, TrafficManagerEdge
from dualstack.config.hints import _not_a_region
from dualstack.config.ingress import Ingress, Tls
from dualstack.config.network import Network
from dualstack.config.region import _REGION_NAME, Region
from dualstack.config.shared import AzurermBackend, Global, LocalBackend
from dualstack.regions import ZONAL_REGIONS


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
            port=probe.port or EDGE_PORTS[protocol],
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
            *rules.location_problems(self.global_.location),
            *rules.vnet_overlap_problems(self.regions),
            *rules.overlay_overlap_problems(self.regions),
            *rules.capacity_problems(self.cluster, self.regions),
            *rules.hub_problems(self.network.hub, self.regions),
            *rules.drain_problems(self.regions),
            *rules.probe_problems(self.dns, self.tls, self.ingress, self.probe),
            *rules.edge_problems(self.edge, self.tls, self.dns, self.regions),
        ]
        if problems:
            raise FieldProblems(problems)
        return self

"""Azure resource names, derived from the project prefix and the region key.

Pure functions: one place decides every name, so a rename shows up here in review.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

IpFamily = Literal["ipv4", "ipv6"]

IP_VERSION: dict[IpFamily, Literal["IPv4", "IPv6"]] = {"ipv4": "IPv4", "ipv6": "IPv6"}
"""Azure's and Kubernetes' spelling of each family (``ip_version``, ``ipFamilies``)."""

ALL_FAMILIES: tuple[IpFamily, ...] = ("ipv4", "ipv6")

DNS_RECORD: dict[IpFamily, Literal["A", "AAAA"]] = {"ipv4": "A", "ipv6": "AAAA"}
"""The DNS record type that answers each family."""


GLOBAL_STACK = "global"
"""The stack of the shared services."""
WORKLOADS_SUFFIX = "-workloads"
EDGE_STACK = "edge"
"""The stack of the Front Door route (``edge.kind: front_door`` only): applied after every region
stack, because Front Door refuses a route whose origin group has no enabled origin yet."""


def workloads_stack(region: str) -> str:
    """The stack of a region's Kubernetes objects and Helm releases (tooling relies on the name)."""
    return f"{region}{WORKLOADS_SUFFIX}"


def stack_names(regions: Iterable[str], *, edge: bool = False) -> list[str]:
    """Every stack, in deploy order: global, then per region its region and workloads stacks,
    then (Front Door only, ``edge``) the edge stack."""
    names = [GLOBAL_STACK, *(name for region in regions for name in (region, workloads_stack(region)))]
    return [*names, EDGE_STACK] if edge else names


def global_resource_group(project: str) -> str:
    return f"rg-{project}-global"


def log_analytics(project: str) -> str:
    return f"log-{project}-global"


def region_resource_group(project: str, region: str) -> str:
    return f"rg-{project}-{region}"


def vnet(project: str, region: str) -> str:
    return f"vnet-{project}-{region}"


def cluster_subnet() -> str:
    return "snet-aks"


def cluster_nsg(project: str, region: str) -> str:
    return f"nsg-{project}-{region}-aks"


def ingress_public_ip(project: str, region: str, family: IpFamily) -> str:
    return f"pip-{project}-{region}-ingress-{family}"


def private_dns_link(project: str, region: str) -> str:
    return f"link-{project}-{region}"


def cluster(project: str, region: str) -> str:
    return f"aks-{project}-{region}"


def node_resource_group(project: str, region: str) -> str:
    return f"rg-{project}-{region}-aks-nodes"


def control_plane_identity(project: str, region: str) -> str:
    return f"id-{project}-{region}-aks"


def endpoint_subnet() -> str:
    return "snet-endpoints"


def private_endpoint(project: str, region: str, kind: str) -> str:
    return f"pe-{project}-{region}-{kind}"


def private_link_dns_link(project: str, region: str, kind: str) -> str:
    return f"link-{project}-{region}-{kind}"


def ingress_resource_group(project: str, region: str) -> str:
    return f"rg-{project}-{region}-ingress"


def hub_peering(project: str, region: str) -> str:
    """The region VNet's peering to the hub (in the region's resource group)."""
    return f"peer-{project}-{region}-to-hub"


def hub_peering_back(project: str, region: str) -> str:
    """The hub's peering to the region VNet (in the hub's resource group)."""
    return f"peer-hub-to-{project}-{region}"


def container_insights_rule(project: str, region: str) -> str:
    """The Container Insights data collection rule: ``MSCI-<region>-<cluster>``, as the portal names it."""
    return f"MSCI-{region}-{cluster(project, region)}"


def acme_dns_role(project: str, zone_name: str) -> str:
    """cert-manager's custom role (``roles.ACME_DNS_ACTIONS``). Role names are unique in the
    tenant, so the zone is in it too: two environments of one project in two subscriptions of a
    tenant have two zones."""
    return f"{project} ACME DNS-01 TXT records ({zone_name})"


def cert_manager_identity(project: str, region: str) -> str:
    """cert-manager's identity for ACME DNS-01 on the public zone (region resource group)."""
    return f"id-{project}-{region}-cert-manager"


def cert_manager_federation(project: str, region: str) -> str:
    """The federated credential of one region's cert-manager service account."""
    return f"fic-{project}-{region}-cert-manager"


def front_door_profile(project: str) -> str:
    """The Front Door Premium profile (global resource group)."""
    return f"afd-{project}"


def front_door_endpoint(project: str) -> str:
    """The endpoint; Front Door appends a hash to make its ``*.azurefd.net`` name unique."""
    return f"ep-{project}"


def front_door_waf_policy(project: str) -> str:
    """The WAF policy: letters and digits only (Front Door's rule for policy names)."""
    return f"waf{project}"


def front_door_origin(region: str, family: IpFamily) -> str:
    """One region's origin of one family in the origin group."""
    return f"{region}-{family}"

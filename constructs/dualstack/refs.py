"""What the global stack gives the other stacks: plain references, no constructs.

``GlobalRefs`` holds the global stack's names and IDs that region stacks use (cdktf turns
each into a cross-stack reference); ``FrontDoorRefs`` the Front Door parts the region and
edge stacks use. Data only, so any module may import it without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualstack.naming import IpFamily


@dataclass(frozen=True)
class FrontDoorRefs:
    """What the region and edge stacks use of the global Front Door resources."""

    origin_group_id: str
    endpoint_id: str
    custom_domain_id: str


@dataclass(frozen=True)
class GlobalRefs:
    """What region stacks may use from the global stack (cross-stack references)."""

    resource_group_name: str
    dns_zone_name: str
    private_dns_zone_name: str
    registry_id: str
    key_vault_id: str
    log_analytics_id: str
    traffic_manager_profile_ids: dict[IpFamily, str]
    private_link_targets: dict[str, str]
    """Per private-endpoint sub-resource (``registry``, ``vault``): the resource it belongs to."""
    dns_zone_id: str
    """The public zone: each region's cert-manager identity may write ACME records in it."""
    acme_dns_role_id: str
    """The custom role that allows exactly that (``roles.ACME_DNS_ACTIONS``), assigned to each
    region's cert-manager identity on the zone when ``tls.issuer`` is not none."""
    front_door: FrontDoorRefs | None = None
    """With ``edge.kind: front_door``: the origin group the regions join, and what the edge
    stack's route needs."""

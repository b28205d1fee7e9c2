"""Private endpoints of the global registry and Key Vault in one region.

Both have public network access off; the cluster pulls images and reads secrets through
these endpoints. Each region owns its own ``privatelink.*`` zones, linked only to its own
VNet: the region VNets are not peered, and one zone shared by the endpoints of several
regions would hold one A record per name, overwritten by whichever region applied last
(Azure's private endpoint DNS guidance). The endpoints live in the region stack (regions
may reference global, never the reverse).
"""

from __future__ import annotations

from constructs import Construct

from dualstack import naming, protection
from dualstack.framework import (
    PrivateDnsZone,
    PrivateDnsZoneVirtualNetworkLink,
    PrivateEndpoint,
    PrivateEndpointPrivateDnsZoneGroup,
    PrivateEndpointPrivateServiceConnection,
)
from dualstack.region.context import RegionContext
from dualstack.region.network import RegionNetwork

PRIVATE_LINK_ZONES = {"registry": "privatelink.azurecr.io", "vault": "privatelink.vaultcore.azure.net"}
"""The private DNS zone that resolves each sub-resource to its private endpoint."""


class RegionEndpoints(Construct):
    """Per kind (registry, vault): a privatelink zone linked to this VNet, and the endpoint."""

    def __init__(self, scope: Construct, id_: str, *, ctx: RegionContext, network: RegionNetwork) -> None:
        super().__init__(scope, id_)
        self.endpoints: dict[str, PrivateEndpoint] = {}
        project, region_name, tags = ctx.project, ctx.region_name, ctx.tags
        for kind, target in sorted(ctx.global_refs.private_link_targets.items()):
            zone = PrivateDnsZone(
                self,
                f"{kind}_zone",
                name=PRIVATE_LINK_ZONES[kind],
                resource_group_name=network.resource_group.name,
                tags=tags,
                lifecycle=protection.lifecycle(ctx.prevent_destroy),
            )
            PrivateDnsZoneVirtualNetworkLink(
                self,
                f"{kind}_zone_link",
                name=naming.private_link_dns_link(project, region_name, kind),
                resource_group_name=network.resource_group.name,
                private_dns_zone_name=zone.name,
                virtual_network_id=network.vnet.id,
                registration_enabled=False,
                tags=tags,
            )
            self.endpoints[kind] = PrivateEndpoint(
                self,
                f"{kind}_endpoint",
                name=naming.private_endpoint(project, region_name, kind),
                resource_group_name=network.resource_group.name,
                location=region_name,
                subnet_id=network.endpoint_subnet.id,
                private_service_connection=PrivateEndpointPrivateServiceConnection(
                    name=naming.private_endpoint(project, region_name, kind),
                    private_connection_resource_id=target,
                    subresource_names=[kind],
                    is_manual_connection=False,
                ),
                private_dns_zone_group=PrivateEndpointPrivateDnsZoneGroup(
                    name=kind, private_dns_zone_ids=[zone.id]
                ),
                tags=tags,
            )

"""Private endpoints of the global registry and Key Vault in one region.

Both have public network access off; the cluster pulls images and reads secrets through
these endpoints, resolved by the global privatelink zones linked to this region's VNet.
The endpoint lives in the region stack (regions may reference global, never the reverse).
"""

from __future__ import annotations

from cdktf_cdktf_provider_azurerm.private_dns_zone_virtual_network_link import (
    PrivateDnsZoneVirtualNetworkLink,
)
from cdktf_cdktf_provider_azurerm.private_endpoint import (
    PrivateEndpoint,
    PrivateEndpointPrivateDnsZoneGroup,
    PrivateEndpointPrivateServiceConnection,
)

from constructs import Construct
from dualstack import naming
from dualstack.global_services import GlobalRefs
from dualstack.network import RegionNetwork


class RegionEndpoints(Construct):
    """One private endpoint and one privatelink zone link per kind (registry, vault)."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        region_name: str,
        network: RegionNetwork,
        global_refs: GlobalRefs,
        tags: dict[str, str],
    ) -> None:
        super().__init__(scope, id_)
        self.endpoints: dict[str, PrivateEndpoint] = {}
        for kind, target in sorted(global_refs.private_link_zones.items()):
            PrivateDnsZoneVirtualNetworkLink(
                self,
                f"{kind}_zone_link",
                name=naming.private_link_dns_link(project, region_name, kind),
                resource_group_name=global_refs.resource_group_name,
                private_dns_zone_name=target.zone_name,
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
                    private_connection_resource_id=target.resource_id,
                    subresource_names=[kind],
                    is_manual_connection=False,
                ),
                private_dns_zone_group=PrivateEndpointPrivateDnsZoneGroup(
                    name=kind, private_dns_zone_ids=[target.zone_id]
                ),
                tags=tags,
            )

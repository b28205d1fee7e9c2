"""Peering of a region VNet with an existing hub VNet, in both directions.

The region-side peering lives in the region's resource group; the hub-side one in the
hub's resource group, created through a provider aliased to the hub's subscription (which
may differ from the deployment's). With both in place, a self-hosted deploy runner in the
hub reaches the region's private API server, whose public FQDN resolves to its private
address. No gateway transit and no forwarded traffic: the hub reaches the region VNet and
the region VNet the hub, nothing more.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from dualstack import naming, resource_providers
from dualstack.config import Hub
from dualstack.framework import (
    AzurermProvider,
    AzurermProviderFeatures,
    TerraformStack,
    VirtualNetwork,
    VirtualNetworkPeering,
)
from dualstack.region.context import RegionContext

HUB_PROVIDER_ALIAS = "hub"

PEERING_FLAGS: dict[str, Any] = {
    "allow_virtual_network_access": True,
    "allow_forwarded_traffic": False,
    "allow_gateway_transit": False,
    "use_remote_gateways": False,
}
"""Both directions: the two networks reach each other, and nothing is forwarded or transited."""


def hub_provider(stack: TerraformStack, hub: Hub) -> AzurermProvider:
    """An azurerm provider for the hub's subscription (credentials as the default provider's)."""
    return AzurermProvider(
        stack,
        "azurerm_hub",
        alias=HUB_PROVIDER_ALIAS,
        subscription_id=hub.subscription_id,
        features=[AzurermProviderFeatures()],
        resource_provider_registrations=resource_providers.REGISTRATIONS,
    )


class HubPeering(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        ctx: RegionContext,
        hub: Hub,
        vnet: VirtualNetwork,
        hub_provider: AzurermProvider,
    ) -> None:
        super().__init__(scope, id_)
        project, region_name = ctx.project, ctx.region_name
        self.to_hub = VirtualNetworkPeering(
            self,
            "to_hub",
            name=naming.hub_peering(project, region_name),
            resource_group_name=vnet.resource_group_name,
            virtual_network_name=vnet.name,
            remote_virtual_network_id=hub.virtual_network_id,
            **PEERING_FLAGS,
        )
        self.from_hub = VirtualNetworkPeering(
            self,
            "from_hub",
            provider=hub_provider,
            name=naming.hub_peering_back(project, region_name),
            resource_group_name=hub.resource_group_name,
            virtual_network_name=hub.name,
            remote_virtual_network_id=vnet.id,
            **PEERING_FLAGS,
        )

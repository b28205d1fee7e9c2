"""The region's network: VNet, cluster subnet, NSG and the ingresses' static public IPs.

NSG rules and inbound traffic through an AKS-managed load balancer: AKS creates load
balancing rules with Floating IP enabled, so the packet that reaches the node (and the
subnet's NSG) still carries the load balancer's *frontend* address, the public IP, as its
destination, on the Service port. The inbound rules therefore allow the internet (with
``edge.kind: front_door``: Front Door's backends only) to each ingress public IP on 80 and
443, per family that has an ingress (``families``), and nothing else from the internet. Both public IPs exist whatever the mode: with the translator off, its
address stays reserved (protected) and closed.
"""

from __future__ import annotations

from constructs import Construct

from dualstack import naming, protection
from dualstack.framework import (
    NetworkSecurityGroup,
    NetworkSecurityRule,
    PrivateDnsZoneVirtualNetworkLink,
    PublicIp,
    ResourceGroup,
    Subnet,
    SubnetNetworkSecurityGroupAssociation,
    VirtualNetwork,
)
from dualstack.naming import ALL_FAMILIES, IP_VERSION, IpFamily
from dualstack.region.context import RegionContext

PUBLIC_IP_ZONES = ("1", "2", "3")
"""Every allowed region has three zones (regions.py)."""

HTTP_PORTS = ["80", "443"]
"""Ports the ingresses serve: 80 for HTTP (redirects, Traffic Manager probes), 443 for HTTPS."""

_RULE_PRIORITY: dict[IpFamily, int] = {"ipv4": 100, "ipv6": 110}

FRONT_DOOR_SOURCE = "AzureFrontDoor.Backend"
"""The service tag of the addresses Front Door connects to origins from (both families)."""


class RegionNetwork(Construct):
    """Resource groups, dual-stack VNet and subnets, NSG, ingress public IPs, private DNS link."""

    def __init__(self, scope: Construct, id_: str, *, ctx: RegionContext) -> None:
        super().__init__(scope, id_)
        self.front_door = ctx.front_door is not None
        self.resource_group = ResourceGroup(
            self,
            "resource_group",
            name=naming.region_resource_group(ctx.project, ctx.region_name),
            location=ctx.region_name,
            tags=ctx.tags,
        )
        self._vnet_and_subnets(ctx)
        # The ingress public IPs get a resource group of their own: the cluster's identity
        # needs Network Contributor where they live, and nowhere near the VNet and NSG.
        self.ingress_resource_group = ResourceGroup(
            self,
            "ingress_resource_group",
            name=naming.ingress_resource_group(ctx.project, ctx.region_name),
            location=ctx.region_name,
            tags=ctx.tags,
        )
        # Both families always: a public IP is protected (clients, DNS caches and
        # allow-lists hold it), so switching the translator off keeps its address reserved
        # and only closes it; switching back on reuses the same address.
        self.public_ips: dict[IpFamily, PublicIp] = {
            family: self._public_ip(ctx, family) for family in ALL_FAMILIES
        }
        self._nsg(ctx)
        PrivateDnsZoneVirtualNetworkLink(
            self,
            "private_dns_link",
            name=naming.private_dns_link(ctx.project, ctx.region_name),
            resource_group_name=ctx.global_refs.resource_group_name,
            private_dns_zone_name=ctx.global_refs.private_dns_zone_name,
            virtual_network_id=self.vnet.id,
            registration_enabled=False,
            tags=ctx.tags,
        )

    def _vnet_and_subnets(self, ctx: RegionContext) -> None:
        region, rg = ctx.region, self.resource_group.name
        self.vnet = VirtualNetwork(
            self,
            "vnet",
            name=naming.vnet(ctx.project, ctx.region_name),
            resource_group_name=rg,
            location=ctx.region_name,
            address_space=[region.address_space.ipv4, region.address_space.ipv6],
            tags=ctx.tags,
        )
        self.cluster_subnet = Subnet(
            self,
            "cluster_subnet",
            name=naming.cluster_subnet(),
            resource_group_name=rg,
            virtual_network_name=self.vnet.name,
            address_prefixes=[region.cluster_subnet.ipv4, region.cluster_subnet.ipv6],
            default_outbound_access_enabled=False,
        )
        self.endpoint_subnet = Subnet(
            self,
            "endpoint_subnet",
            name=naming.endpoint_subnet(),
            resource_group_name=rg,
            virtual_network_name=self.vnet.name,
            address_prefixes=[region.endpoint_subnet],
            default_outbound_access_enabled=False,
            private_endpoint_network_policies="Enabled",
        )

    def _public_ip(self, ctx: RegionContext, family: IpFamily) -> PublicIp:
        return PublicIp(
            self,
            f"ingress_{family}_public_ip",
            name=naming.ingress_public_ip(ctx.project, ctx.region_name, family),
            resource_group_name=self.ingress_resource_group.name,
            location=ctx.region_name,
            sku="Standard",
            allocation_method="Static",
            ip_version=IP_VERSION[family],
            # Zone-redundant over all three zones, whatever the node pools use: Azure makes
            # a Standard IP given two zones zone-redundant anyway and reports all three,
            # which Terraform would then read as a change that forces a new address.
            zones=list(PUBLIC_IP_ZONES),
            tags=ctx.tags,
            lifecycle=protection.lifecycle(ctx.prevent_destroy),
        )

    def _nsg(self, ctx: RegionContext) -> None:
        """The NSG, its rules, and its association with both subnets."""
        self.nsg = NetworkSecurityGroup(
            self,
            "nsg",
            name=naming.cluster_nsg(ctx.project, ctx.region_name),
            resource_group_name=self.resource_group.name,
            location=ctx.region_name,
            tags=ctx.tags,
        )
        self._rules(ctx.public_families)
        self.nsg_association = SubnetNetworkSecurityGroupAssociation(
            self,
            "nsg_association",
            subnet_id=self.cluster_subnet.id,
            network_security_group_id=self.nsg.id,
        )
        SubnetNetworkSecurityGroupAssociation(
            self,
            "endpoint_nsg_association",
            subnet_id=self.endpoint_subnet.id,
            network_security_group_id=self.nsg.id,
        )

    def _rules(self, families: tuple[IpFamily, ...]) -> None:
        # Front Door edge: only Front Door's backends (the service tag holds both families'
        # ranges) reach the ingresses; everything else from the internet hits the deny rule.
        source, label = (FRONT_DOOR_SOURCE, "frontdoor") if self.front_door else ("Internet", "internet")
        for family in families:
            self._rule(
                f"allow_http_{family}",
                name=f"allow-{label}-http-ingress-{family}",
                description=f"{source} to the {family} ingress public IP, HTTP and HTTPS",
                priority=_RULE_PRIORITY[family],
                access="Allow",
                protocol="Tcp",
                source=source,
                destination=self.public_ips[family].ip_address,
                ports=HTTP_PORTS,
            )
        self._rule(
            "allow_lb_probes",
            name="allow-azure-load-balancer-probes",
            description="Azure load balancer health probes (both families) to the nodes",
            priority=200,
            access="Allow",
            protocol="*",
            source="AzureLoadBalancer",
            destination="*",
            ports=None,
        )
        self._rule(
            "deny_internet",
            name="deny-internet-inbound",
            description="Nothing else from the internet, either family",
            priority=4096,
            access="Deny",
            protocol="*",
            source="Internet",
            destination="*",
            ports=None,
        )

    def _rule(
        self,
        id_: str,
        *,
        name: str,
        description: str,
        priority: int,
        access: str,
        protocol: str,
        source: str,
        destination: str,
        ports: list[str] | None,
    ) -> None:
        """One inbound rule; ``ports=None`` means every port."""
        NetworkSecurityRule(
            self,
            id_,
            name=name,
            description=description,
            priority=priority,
            direction="Inbound",
            access=access,
            protocol=protocol,
            source_address_prefix=source,
            source_port_range="*",
            destination_address_prefix=destination,
            destination_port_ranges=ports,
            destination_port_range=None if ports else "*",
            network_security_group_name=self.nsg.name,
            resource_group_name=self.resource_group.name,
        )

"""The region stack's composer: ``RegionStack`` and ``region_context``, the one reader of
``Config`` in the stack ``<region>``.

``RegionInfrastructure`` is one region's Azure resources: VNet, NSG, public IPs, private
endpoints, AKS, monitoring, the region's part of the app's name (DNS records, or behind Front
Door its origins), hub peering and cert-manager's identity. The Helm-released ingresses and the
sample application are in the stack ``<region>-workloads`` (``dualstack.workloads``); the split
follows the Kubernetes provider's own rule: a provider must not be configured from a cluster
managed in the same stack (a replaced or not-yet-created cluster breaks plan and refresh of
everything inside it).

Dependencies are one-way: ``global`` <- ``<region>`` <- ``<region>-workloads``, so
``cdktf deploy '*'`` applies global, then the regions, then their workloads, and adding a
region changes no other region's stacks.

Construct ids are part of every Terraform address (renaming one replaces resources):
``region`` in the region stack, with ``network``, ``endpoints``, ``cluster``,
``monitoring``, ``hub_peering``, ``cert_manager_dns`` and ``dns`` (or, behind Front Door,
``origins``).
"""

from __future__ import annotations

from constructs import Construct

from dualstack import modes, naming
from dualstack.config import Config
from dualstack.framework import TerraformOutput, TerraformStack
from dualstack.naming import IpFamily
from dualstack.refs import GlobalRefs
from dualstack.region.cluster import RegionCluster
from dualstack.region.context import RegionContext
from dualstack.region.dns import RegionDns
from dualstack.region.dns_identity import DnsIdentity
from dualstack.region.endpoints import RegionEndpoints
from dualstack.region.monitoring import ContainerInsights
from dualstack.region.network import RegionNetwork
from dualstack.region.origins import RegionOrigins
from dualstack.region.peering import HubPeering, hub_provider
from dualstack.stackbase import azurerm_provider, base_tags, configure_backend


def region_context(config: Config, region_name: str, global_refs: GlobalRefs) -> RegionContext:
    """The props of every construct of one region stack, read from the config here and nowhere
    else in the region stack."""
    return RegionContext(
        project=config.project,
        region_name=region_name,
        region=config.regions[region_name],
        global_refs=global_refs,
        tags=base_tags(config.tags, config.project),
        prevent_destroy=config.prevent_destroy,
        public_families=modes.public_families(config.ingress),
        app_name=config.dns.app_name,
        app_host=config.dns.app_host,
        cluster=config.cluster,
        global_location=config.global_.location,
        hub=config.network.hub,
        tls_enabled=config.tls.enabled,
    )


class RegionStack(TerraformStack):
    """The region's Azure resources; reads the global stack's outputs."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, global_refs: GlobalRefs) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config.backend, config.project, id_)
        azurerm_provider(self)
        ctx = region_context(config, id_, global_refs)
        self.region = RegionInfrastructure(self, "region", ctx=ctx)
        TerraformOutput(self, "cluster_name", value=self.region.cluster_name, description="AKS cluster name")
        project, region = config.project, id_
        TerraformOutput(
            self,
            "credentials_command",
            value=(
                f"az aks get-credentials --resource-group {naming.region_resource_group(project, region)} "
                f"--name {naming.cluster(project, region)} && kubelogin convert-kubeconfig -l azurecli"
            ),
            description="How to get this cluster's credentials (Entra ID: kubelogin)",
        )
        TerraformOutput(
            self,
            "oidc_issuer_url",
            value=self.region.oidc_issuer_url,
            description="OIDC issuer for workload identity federation",
        )
        for family, address in self.region.ingress_addresses.items():
            TerraformOutput(
                self, f"ingress_{family}_address", value=address, description=f"{family} ingress address"
            )


class RegionInfrastructure(Construct):
    """Network, private endpoints, cluster, monitoring, the region's part of the app's name
    (DNS records or Front Door origins), hub peering and cert-manager's identity."""

    def __init__(self, scope: Construct, id_: str, *, ctx: RegionContext) -> None:
        super().__init__(scope, id_)
        self.network = RegionNetwork(self, "network", ctx=ctx)
        self.endpoints = RegionEndpoints(self, "endpoints", ctx=ctx, network=self.network)
        self.cluster = RegionCluster(self, "cluster", ctx=ctx, network=self.network)
        self.monitoring = ContainerInsights(
            self,
            "monitoring",
            name=naming.container_insights_rule(ctx.project, ctx.region_name),
            resource_group_name=self.network.resource_group.name,
            workspace_id=ctx.global_refs.log_analytics_id,
            workspace_location=ctx.global_location,
            cluster=self.cluster.cluster,
            tags=ctx.tags,
        )
        self.dns: RegionDns | None = None
        self.origins: RegionOrigins | None = None
        self._names(ctx)
        hub = ctx.hub
        if hub is not None:
            HubPeering(
                self,
                "hub_peering",
                ctx=ctx,
                hub=hub,
                vnet=self.network.vnet,
                hub_provider=hub_provider(TerraformStack.of(self), hub),
            )
        if ctx.tls_enabled:
            DnsIdentity(
                self,
                "cert_manager_dns",
                ctx=ctx,
                resource_group_name=self.network.resource_group.name,
                oidc_issuer_url=self.cluster.oidc_issuer_url,
            )

    def _names(self, ctx: RegionContext) -> None:
        """The region's part of the app's name: its Traffic Manager endpoints and records, or
        behind Front Door its origins (its addresses admit Front Door only, so it has no names
        of its own). A drained region has neither."""
        public_ips = {f: self.network.public_ips[f] for f in ctx.public_families}
        if ctx.front_door is None:
            self.dns = RegionDns(self, "dns", ctx=ctx, public_ips=public_ips)
        elif not ctx.region.drain:
            self.origins = RegionOrigins(self, "origins", ctx=ctx, public_ips=public_ips)

    @property
    def cluster_name(self) -> str:
        return self.cluster.name

    @property
    def oidc_issuer_url(self) -> str:
        return self.cluster.oidc_issuer_url

    @property
    def ingress_addresses(self) -> dict[IpFamily, str]:
        """Both ingress public IPs' addresses (both always exist), by family."""
        return {family: ip.ip_address for family, ip in self.network.public_ips.items()}

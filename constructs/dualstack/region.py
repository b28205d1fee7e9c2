"""The region construct: everything one region runs, built from the config, in two stacks.

``Region`` is one region of the topology: VNet, NSG, public IPs, AKS, monitoring and DNS
in the stack ``<region>``, and the Helm-released ingresses and the sample application in
the stack ``<region>-workloads``. The split follows the Kubernetes provider's own rule: a
provider must not be configured from a cluster managed in the same stack (a replaced or
not-yet-created cluster breaks plan and refresh of everything inside it). So the workloads
stack reads the cluster through a data source, by the name and resource group the config
decides, when its plan starts; the region stack has been applied by then.

Dependencies are one-way: ``global`` <- ``<region>`` <- ``<region>-workloads``, so
``cdktf deploy '*'`` applies global, then the regions, then their workloads, and adding a
region changes no other region's stacks.

Construct ids are part of every Terraform address (renaming one replaces resources):
``region`` in the region stack, with ``network``, ``endpoints``, ``cluster``,
``monitoring``, ``hub_peering`` and ``dns`` (or, behind Front Door, ``origins``); ``workloads`` in the workloads stack, with
``ingress`` and ``sample_app``.
"""

from __future__ import annotations

from cdktf import App, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_azurerm.data_azurerm_cdn_frontdoor_profile import DataAzurermCdnFrontdoorProfile
from cdktf_cdktf_provider_azurerm.data_azurerm_kubernetes_cluster import DataAzurermKubernetesCluster
from cdktf_cdktf_provider_helm.provider import HelmProvider
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider
from constructs import Construct

from dualstack import modes, naming
from dualstack.cluster import RegionCluster
from dualstack.config import Config, FrontDoorEdge, Origin
from dualstack.dns import RegionDns
from dualstack.edge import RegionOrigins
from dualstack.endpoints import RegionEndpoints
from dualstack.global_services import GlobalRefs
from dualstack.ingress import RegionIngress, controller_settings
from dualstack.monitoring import ContainerInsights
from dualstack.network import RegionNetwork
from dualstack.peering import HubPeering, hub_provider
from dualstack.providers import cluster_providers
from dualstack.sample_app import NAMESPACE as SAMPLE_NAMESPACE
from dualstack.sample_app import SampleApp
from dualstack.stacks import azurerm_provider, base_tags, configure_backend
from dualstack.tls import CertManager, DnsIdentity, secret_name


class Region:
    """One region of the topology: its infrastructure stack and its workloads stack.

    Not a construct: both stacks are created on the app itself. A stack nested in another
    construct is recorded in ``manifest.json`` with its dependencies named by construct path
    (``region-eastus2/eastus2``), while the cdktf CLI looks dependencies up by stack name,
    so ``cdktf deploy`` would never start the workloads stack.
    """

    def __init__(self, app: App, *, config: Config, region_name: str, global_refs: GlobalRefs) -> None:
        self.name = region_name
        self.stack = RegionStack(app, region_name, config=config, global_refs=global_refs)
        self.workloads_stack = WorkloadsStack(
            app, naming.workloads_stack(region_name), config=config, region_name=region_name
        )
        # Ordering without a cross-stack reference: everything the workloads need from the
        # region stack has a name the config decides.
        self.workloads_stack.add_dependency(self.stack)


class RegionStack(TerraformStack):
    """The region's Azure resources; reads the global stack's outputs."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, global_refs: GlobalRefs) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
        azurerm_provider(self)
        hub = config.network.hub
        self.region = RegionInfrastructure(
            self,
            "region",
            config=config,
            region_name=id_,
            global_refs=global_refs,
            tags=base_tags(config),
        )
        if hub is not None:
            HubPeering(
                self.region,
                "hub_peering",
                project=config.project,
                region_name=id_,
                hub=hub,
                vnet=self.region.network.vnet,
                hub_provider=hub_provider(self, hub),
            )
        cluster = self.region.cluster.cluster
        if config.tls.enabled:
            DnsIdentity(
                self.region,
                "cert_manager_dns",
                project=config.project,
                region_name=id_,
                resource_group_name=self.region.network.resource_group.name,
                zone_id=global_refs.dns_zone_id,
                oidc_issuer_url=cluster.oidc_issuer_url,
                tags=base_tags(config),
            )
        TerraformOutput(self, "cluster_name", value=cluster.name, description="AKS cluster name")
        TerraformOutput(
            self,
            "oidc_issuer_url",
            value=cluster.oidc_issuer_url,
            description="OIDC issuer for workload identity federation",
        )
        for family, ip in self.region.network.public_ips.items():
            TerraformOutput(
                self,
                f"ingress_{family}_address",
                value=ip.ip_address,
                description=f"{family} ingress address",
            )


class RegionInfrastructure(Construct):
    """Network, private endpoints, cluster, monitoring and DNS of one region."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: Config,
        region_name: str,
        global_refs: GlobalRefs,
        tags: dict[str, str],
    ) -> None:
        super().__init__(scope, id_)
        region = config.regions[region_name]
        self.network = RegionNetwork(
            self,
            "network",
            project=config.project,
            region_name=region_name,
            region=region,
            families=modes.public_families(config.ingress),
            global_refs=global_refs,
            tags=tags,
            prevent_destroy=config.prevent_destroy,
            front_door=global_refs.front_door is not None,
        )
        self.endpoints = RegionEndpoints(
            self,
            "endpoints",
            project=config.project,
            region_name=region_name,
            network=self.network,
            global_refs=global_refs,
            tags=tags,
            prevent_destroy=config.prevent_destroy,
        )
        self.cluster = RegionCluster(
            self,
            "cluster",
            project=config.project,
            region_name=region_name,
            region=region,
            settings=config.cluster,
            network=self.network,
            global_refs=global_refs,
            tags=tags,
        )
        self.monitoring = ContainerInsights(
            self,
            "monitoring",
            name=naming.container_insights_rule(config.project, region_name),
            resource_group_name=self.network.resource_group.name,
            workspace_id=global_refs.log_analytics_id,
            workspace_location=config.global_.location,
            cluster=self.cluster.cluster,
            tags=tags,
        )
        public_ips = {f: self.network.public_ips[f] for f in modes.public_families(config.ingress)}
        self.dns: RegionDns | None = None
        self.origins: RegionOrigins | None = None
        front_door = global_refs.front_door
        if front_door is None:
            self.dns = RegionDns(
                self,
                "dns",
                region_name=region_name,
                app_name=config.dns.app_name,
                public_ips=public_ips,
                global_refs=global_refs,
                tags=tags,
                drained=region.drain,
            )
        elif not region.drain:
            # Behind Front Door the region has no names of its own (its addresses admit Front
            # Door only): its origins are its part of the app's name. Drained: none.
            self.origins = RegionOrigins(
                self,
                "origins",
                region_name=region_name,
                app_host=f"{config.dns.app_name}.{config.dns.zone_name}",
                origin_group_id=front_door.origin_group_id,
                public_ips=public_ips,
                settings=region.origin or Origin(),
            )


class WorkloadsStack(TerraformStack):
    """The region's Kubernetes objects and Helm releases, on providers configured from a
    data source of the region's cluster (never from a resource of this stack)."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, region_name: str) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
        azurerm_provider(self)
        self.cluster = DataAzurermKubernetesCluster(
            self,
            "cluster",
            name=naming.cluster(config.project, region_name),
            resource_group_name=naming.region_resource_group(config.project, region_name),
        )
        self.kubernetes_provider, self.helm_provider = cluster_providers(
            self, self.cluster, config.cluster.login
        )
        front_door_id = None
        if isinstance(config.edge, FrontDoorEdge):
            # The profile's ID (X-Azure-FDID) for the controllers' lockdown, read by the name
            # the config decides: the global stack has been applied before this one.
            front_door_id = DataAzurermCdnFrontdoorProfile(
                self,
                "front_door",
                name=naming.front_door_profile(config.project),
                resource_group_name=naming.global_resource_group(config.project),
            ).resource_guid
        self.workloads = RegionWorkloads(
            self,
            "workloads",
            config=config,
            region_name=region_name,
            kubernetes_provider=self.kubernetes_provider,
            helm_provider=self.helm_provider,
            front_door_id=front_door_id,
        )


class RegionWorkloads(Construct):
    """The ingress controllers and the sample application of one region."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: Config,
        region_name: str,
        kubernetes_provider: KubernetesProvider,
        helm_provider: HelmProvider,
        front_door_id: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        project = config.project
        region = config.regions[region_name]
        # The cluster's own pod and service ranges: "outside the cluster" in egress policies.
        cluster_ranges = [*region.pod_cidrs, *region.service_cidrs]
        self.ingress = RegionIngress(
            self,
            "ingress",
            ingress=config.ingress,
            controller=controller_settings(config, front_door_id=front_door_id),
            pip_names={
                family: naming.ingress_public_ip(project, region_name, family)
                for family in modes.public_families(config.ingress)
            },
            pip_resource_group=naming.ingress_resource_group(project, region_name),
            cluster_ranges=cluster_ranges,
            kubernetes_provider=kubernetes_provider,
            helm_provider=helm_provider,
        )
        self.sample_app: SampleApp | None = None
        app = f"{config.dns.app_name}.{config.dns.zone_name}"
        hosts = [app, f"{region_name}.{app}"]
        tls_secret = secret_name(SAMPLE_NAMESPACE) if config.tls.enabled else None
        if config.ingress.sample_app_enabled:
            self.sample_app = SampleApp(
                self,
                "sample_app",
                config=config,
                zones=len(config.regions[region_name].zones),
                hosts=hosts,
                tls_secret=tls_secret,
                depends_on=[next(iter(self.ingress.releases.values()))],
                kubernetes_provider=kubernetes_provider,
            )
        self.cert_manager: CertManager | None = None
        if config.tls.enabled:
            # The region's own certificate: the app name and the region's name, so the name
            # set (and Let's Encrypt's duplicate-certificate limit) differs per region.
            certificates = (
                [
                    {
                        "name": tls_secret,
                        "namespace": SAMPLE_NAMESPACE,
                        "secretName": tls_secret,
                        "dnsNames": hosts,
                    }
                ]
                if self.sample_app is not None
                else []
            )
            self.cert_manager = CertManager(
                self,
                "cert_manager",
                config=config,
                region_name=region_name,
                certificates=certificates,
                depends_on=[self.sample_app.namespace] if self.sample_app is not None else [],
                cluster_ranges=cluster_ranges,
                kubernetes_provider=kubernetes_provider,
                helm_provider=helm_provider,
            )

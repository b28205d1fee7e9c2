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

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from dualstack import images, ingress_controller, modes, naming
from dualstack.cluster import RegionCluster
from dualstack.config import Config, Ingress
from dualstack.context import RegionContext
from dualstack.dns import RegionDns
from dualstack.edge import RegionOrigins
from dualstack.endpoints import RegionEndpoints
from dualstack.framework import (
    App,
    DataAzurermCdnFrontdoorProfile,
    DataAzurermKubernetesCluster,
    HelmProvider,
    KubernetesProvider,
    TerraformOutput,
    TerraformStack,
)
from dualstack.ingress import RegionIngress
from dualstack.ingress_controller import Controller
from dualstack.monitoring import ContainerInsights
from dualstack.naming import IpFamily
from dualstack.network import RegionNetwork
from dualstack.peering import HubPeering, hub_provider
from dualstack.providers import cluster_providers
from dualstack.refs import GlobalRefs
from dualstack.sample_app import IMAGE_KEY as SAMPLE_IMAGE_KEY
from dualstack.sample_app import NAMESPACE as SAMPLE_NAMESPACE
from dualstack.sample_app import SampleApp, SampleAppProps
from dualstack.stacks import azurerm_provider, base_tags, configure_backend
from dualstack.tls import CertManager, CertManagerProps, DnsIdentity, secret_name
from dualstack.tls import certificate_key as tls_certificate_key


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


def region_context(config: Config, region_name: str, global_refs: GlobalRefs) -> RegionContext:
    """The props of every construct of one region stack, read from the config here and nowhere
    else in the region stack."""
    return RegionContext(
        project=config.project,
        region_name=region_name,
        region=config.regions[region_name],
        global_refs=global_refs,
        tags=base_tags(config),
        prevent_destroy=config.prevent_destroy,
        public_families=modes.public_families(config.ingress),
        app_name=config.dns.app_name,
        app_host=config.dns.app_host,
        cluster=config.cluster,
        global_location=config.global_.location,
        hub=config.network.hub,
        tls_enabled=config.tls.enabled,
    )


def cert_manager_props(config: Config, region_name: str) -> CertManagerProps:
    """What cert-manager and the issuer of one region read of the config."""
    return CertManagerProps(
        project=config.project,
        region_name=region_name,
        tls=config.tls,
        zone_name=config.dns.zone_name,
        cilium=config.cluster.network_data_plane == "cilium",
        registry=images.login_server(config),
        images={c: images.image(config, f"cert-manager-{c}") for c in images.CERT_MANAGER_COMPONENTS},
    )


class RegionStack(TerraformStack):
    """The region's Azure resources; reads the global stack's outputs."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, global_refs: GlobalRefs) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
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
        if config.front_door is not None:
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
            props=workloads_props(config, region_name, front_door_id),
            kubernetes_provider=self.kubernetes_provider,
            helm_provider=self.helm_provider,
        )


def sample_certificates(hosts: list[str], *, front_door: bool) -> list[dict[str, Any]]:
    """The region's own certificate for the sample app: the app name and the region's name,
    so the name set (and Let's Encrypt's duplicate-certificate limit) differs per region. Its
    key: ``tls.certificate_key`` (RSA 2048 behind Front Door, ECDSA P-256 otherwise)."""
    secret = secret_name(SAMPLE_NAMESPACE)
    return [
        {
            "name": secret,
            "namespace": SAMPLE_NAMESPACE,
            "secretName": secret,
            "dnsNames": hosts,
            "privateKey": tls_certificate_key(front_door=front_door),
        }
    ]


@dataclass(frozen=True)
class WorkloadsProps:
    """What the workloads of one region read of the config (``workloads_props`` builds it, the
    workloads stack's one reader of ``Config``)."""

    ingress: Ingress
    controller: Controller
    pip_names: dict[IpFamily, str]
    pip_resource_group: str
    cluster_ranges: tuple[str, ...]
    """The cluster's own pod and service ranges: "outside the cluster" in egress policies."""
    cilium: bool
    sample_app: SampleAppProps | None
    cert_manager: CertManagerProps | None
    front_door: bool
    """Behind Front Door: the certificate's key suits its origin TLS."""


def controller_settings(config: Config, *, front_door_id: str | None = None) -> Controller:
    """The controller image from the project's registry, the config's HSTS policy and, behind
    Front Door, the profile ID every request must carry."""
    image = images.image(config, ingress_controller.IMAGE.key)
    return Controller(
        image_repository=f"{images.login_server(config)}/{image.repository}",
        image_tag=image.tag,
        image_digest=image.digest,
        hsts=config.tls.hsts,
        front_door_id=front_door_id,
        front_door_probe=(config.dns.app_host, config.probe.path) if front_door_id is not None else None,
    )


def workloads_props(config: Config, region_name: str, front_door_id: str | None) -> WorkloadsProps:
    """The props of one region's workloads, read from the config here and nowhere else."""
    project, region = config.project, config.regions[region_name]
    app = config.dns.app_host
    hosts = (app, f"{region_name}.{app}")
    sample_app = None
    if config.ingress.sample_app_enabled:
        sample_app = SampleAppProps(
            image=images.image(config, SAMPLE_IMAGE_KEY).reference(images.login_server(config)),
            health_path=config.probe.path,
            service_families=tuple(modes.of(config.ingress).services),
            zones=len(region.zones),
            hosts=hosts,
            tls_secret=secret_name(SAMPLE_NAMESPACE) if config.tls.enabled else None,
        )
    return WorkloadsProps(
        ingress=config.ingress,
        controller=controller_settings(config, front_door_id=front_door_id),
        pip_names={
            family: naming.ingress_public_ip(project, region_name, family)
            for family in modes.public_families(config.ingress)
        },
        pip_resource_group=naming.ingress_resource_group(project, region_name),
        cluster_ranges=(*region.pod_cidrs, *region.service_cidrs),
        cilium=config.cluster.network_data_plane == "cilium",
        sample_app=sample_app,
        cert_manager=cert_manager_props(config, region_name) if config.tls.enabled else None,
        front_door=config.front_door is not None,
    )


class RegionWorkloads(Construct):
    """The ingress controllers and the sample application of one region."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        props: WorkloadsProps,
        kubernetes_provider: KubernetesProvider,
        helm_provider: HelmProvider,
    ) -> None:
        super().__init__(scope, id_)
        cluster_ranges = list(props.cluster_ranges)
        self.ingress = RegionIngress(
            self,
            "ingress",
            ingress=props.ingress,
            controller=props.controller,
            pip_names=props.pip_names,
            pip_resource_group=props.pip_resource_group,
            cluster_ranges=cluster_ranges,
            cilium=props.cilium,
            kubernetes_provider=kubernetes_provider,
            helm_provider=helm_provider,
        )
        self.sample_app: SampleApp | None = None
        if props.sample_app is not None:
            self.sample_app = SampleApp(
                self,
                "sample_app",
                props=props.sample_app,
                depends_on=[self.ingress.primary_release],
                kubernetes_provider=kubernetes_provider,
            )
        self.cert_manager: CertManager | None = None
        if props.cert_manager is not None:
            self.cert_manager = CertManager(
                self,
                "cert_manager",
                props=props.cert_manager,
                certificates=sample_certificates(list(props.sample_app.hosts), front_door=props.front_door)
                if props.sample_app is not None
                else [],
                depends_on=[self.sample_app.namespace] if self.sample_app is not None else [],
                cluster_ranges=cluster_ranges,
                kubernetes_provider=kubernetes_provider,
                helm_provider=helm_provider,
            )

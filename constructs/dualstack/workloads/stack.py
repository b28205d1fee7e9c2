"""The workloads stack's composer: ``WorkloadsStack``, ``workloads_props`` and the props builders
it calls (``controller_settings``, ``cert_manager_props``), the one reader of ``Config`` in the
stack ``<region>-workloads``.

``RegionWorkloads`` is one region's Kubernetes objects and Helm releases: the ingress
controllers, the sample application and cert-manager, on providers configured from a data
source of the region's cluster, read by the name and resource group the config decides when
the plan starts (the region stack has been applied by then; ``dualstack.region`` says why the
two are separate stacks).

Construct ids are part of every Terraform address (renaming one replaces resources):
``workloads`` in the workloads stack, with ``ingress``, ``sample_app`` and ``cert_manager``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from dualstack import images, ingress_controller, modes, naming
from dualstack.config import Config, Ingress
from dualstack.framework import (
    DataAzurermCdnFrontdoorProfile,
    DataAzurermKubernetesCluster,
    HelmProvider,
    KubernetesProvider,
    TerraformStack,
)
from dualstack.ingress_controller import Controller
from dualstack.naming import IpFamily
from dualstack.stackbase import azurerm_provider, configure_backend
from dualstack.workloads.cert_manager import CertManager, CertManagerProps, secret_name
from dualstack.workloads.cert_manager import certificate_key as tls_certificate_key
from dualstack.workloads.ingress import RegionIngress
from dualstack.workloads.providers import cluster_providers
from dualstack.workloads.sample_app import IMAGE_KEY as SAMPLE_IMAGE_KEY
from dualstack.workloads.sample_app import NAMESPACE as SAMPLE_NAMESPACE
from dualstack.workloads.sample_app import SampleApp, SampleAppProps


def image_catalog(config: Config) -> images.Catalog:
    """The images this config runs and the registry they are pulled from."""
    return images.catalog(config.global_, config.ingress, config.tls)


def cert_manager_props(config: Config, region_name: str) -> CertManagerProps:
    """What cert-manager and the issuer of one region read of the config."""
    listed = image_catalog(config)
    return CertManagerProps(
        project=config.project,
        region_name=region_name,
        tls=config.tls,
        zone_name=config.dns.zone_name,
        cilium=config.cluster.network_data_plane == "cilium",
        registry=listed.login_server,
        images={c: listed.image(f"cert-manager-{c}") for c in images.CERT_MANAGER_COMPONENTS},
    )


class WorkloadsStack(TerraformStack):
    """The region's Kubernetes objects and Helm releases, on providers configured from a
    data source of the region's cluster (never from a resource of this stack)."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, region_name: str) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config.backend, config.project, id_)
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
    listed = image_catalog(config)
    image = listed.image(ingress_controller.IMAGE.key)
    return Controller(
        image_repository=f"{listed.login_server}/{image.repository}",
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
        listed = image_catalog(config)
        sample_app = SampleAppProps(
            image=listed.image(SAMPLE_IMAGE_KEY).reference(listed.login_server),
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

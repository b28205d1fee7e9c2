"""The region's ingresses: the ingress controller's releases, as the ingress mode says.

The mode table (``modes.py``) decides the releases; the controller's module
(``ingress_controller.py``) their chart, values, namespace and IngressClass. nat64 / nat46:
two releases, one single-stack Service per family, both serving the one IngressClass, which
Terraform owns; the native family's release reports Ingress status, the translating one
(the plug-in) does not and can be switched off. dualstack: one release whose Service is
RequireDualStack with both public IPs.
"""

from __future__ import annotations

from constructs import Construct

from dualstack import ingress_controller, kube, modes, network_policy
from dualstack.config import Ingress
from dualstack.framework import (
    HelmProvider,
    IngressClassV1,
    ITerraformDependable,
    KubernetesProvider,
    NamespaceV1,
    Release,
)
from dualstack.ingress_controller import Controller, ReleaseSpec
from dualstack.modes import ReleaseKind
from dualstack.naming import IpFamily


def release_specs(
    ingress: Ingress, pip_names: dict[str, str], pip_resource_group: str, controller: Controller
) -> list[ReleaseSpec]:
    """The releases of one region, primary first: the mode's, each with its family's settings."""
    return [
        ReleaseSpec(release, getattr(ingress, release.settings), pip_names, pip_resource_group, controller)
        for release in modes.releases(ingress)
    ]


class RegionIngress(Construct):
    """Namespace and controller releases; ``releases`` maps kind to the Helm release."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        ingress: Ingress,
        controller: Controller,
        pip_names: dict[IpFamily, str],
        pip_resource_group: str,
        cluster_ranges: list[str],
        cilium: bool,
        kubernetes_provider: KubernetesProvider,
        helm_provider: HelmProvider,
    ) -> None:
        super().__init__(scope, id_)
        self.namespace = namespace = NamespaceV1(
            self,
            "namespace",
            provider=kubernetes_provider,
            metadata={
                "name": ingress_controller.NAMESPACE,
                "labels": kube.pod_security_labels(ingress_controller.POD_SECURITY_LEVEL),
            },
        )
        self.ingress_class = self._ingress_class(kubernetes_provider)
        # The policies exist before any controller starts (deny by default from the first pod).
        policies = self._network_policies(cluster_ranges, cilium, kubernetes_provider)
        self.releases: dict[ReleaseKind, Release] = {}
        previous: list[ITerraformDependable] = []
        # The public IPs and the role that lets the cluster use them belong to the region
        # stack, applied before this one: the releases name the addresses, nothing more.
        names: dict[str, str] = {str(family): name for family, name in pip_names.items()}
        for spec in release_specs(ingress, names, pip_resource_group, controller):
            release = Release(
                self,
                f"release_{spec.kind}",
                provider=helm_provider,
                **ingress_controller.release_arguments(
                    spec, ingress.chart_version or ingress_controller.CHART_VERSION
                ),
                # Both releases serve the Terraform-owned IngressClass; the translator installs after the primary.
                depends_on=[namespace, *policies, self.ingress_class, *previous],
            )
            self.releases[spec.kind] = release
            previous = [release]

    def _network_policies(
        self, cluster_ranges: list[str], cilium: bool, provider: KubernetesProvider
    ) -> list[ITerraformDependable]:
        """The namespace's network policies, and on the Cilium data plane the API server entity
        rule (the controllers watch Ingresses, Services, EndpointSlices and Secrets)."""
        self.network_policies = network_policy.create(
            self,
            namespace=ingress_controller.NAMESPACE,
            policies=network_policy.controller_policies(
                ingress_controller.CONTROLLER_POD_LABELS,
                sorted(ingress_controller.SERVICE_PORTS.values()),
                cluster_ranges,
            ),
            depends_on=[self.namespace],
            provider=provider,
        )
        policies: list[ITerraformDependable] = [*self.network_policies]
        if cilium:
            policies.append(
                network_policy.create_api_server_entity_policy(
                    self,
                    namespace=ingress_controller.NAMESPACE,
                    pod_labels=ingress_controller.CONTROLLER_POD_LABELS,
                    depends_on=[self.namespace],
                    provider=provider,
                )
            )
        return policies

    def _ingress_class(self, provider: KubernetesProvider) -> IngressClassV1:
        """The one IngressClass every release serves, owned by Terraform (the cluster's default)."""
        return IngressClassV1(
            self,
            "ingress_class",
            provider=provider,
            metadata={
                "name": ingress_controller.INGRESS_CLASS,
                "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"},
            },
            spec={"controller": ingress_controller.INGRESS_CONTROLLER},
        )

    @property
    def primary_release(self) -> Release:
        """The release that reports Ingress status (installed first): what applications wait for."""
        return next(iter(self.releases.values()))

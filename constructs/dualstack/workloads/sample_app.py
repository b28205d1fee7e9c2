"""The sample application: an echo server that shows the client address and headers.

Its Service runs on the mode's families (``modes.py``: IPv4 in nat64, IPv6 in nat46, both
in dualstack), because the ingress controllers proxy to every address of the backend
Service: a single-stack Service is what makes the other family's ingress a real translator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from dualstack import ingress_controller, kube, network_policy
from dualstack.framework import (
    DeploymentV1,
    DeploymentV1SpecTemplateSpecContainer,
    DeploymentV1SpecTemplateSpecContainerEnv,
    DeploymentV1SpecTemplateSpecContainerPort,
    DeploymentV1SpecTemplateSpecContainerVolumeMount,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraint,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector,
    DeploymentV1SpecTemplateSpecVolume,
    DeploymentV1SpecTemplateSpecVolumeEmptyDir,
    IngressV1,
    IngressV1SpecRule,
    IngressV1SpecRuleHttp,
    IngressV1SpecRuleHttpPath,
    IngressV1SpecRuleHttpPathBackend,
    IngressV1SpecTls,
    ITerraformDependable,
    KubernetesProvider,
    NamespaceV1,
    ServiceV1,
    ServiceV1SpecPort,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
)
from dualstack.naming import IpFamily

NAMESPACE = "echo"
IMAGE_KEY = "echo"
"""Small public echo server (``mendhak/http-https-echo``, from the project's registry: see
``images.py``); answers with the request's headers and client address."""
PORT = 8080
RUN_AS = 10001
"""A high UID of no user in the image (its files are world-readable, its HTTPS key too)."""
LABELS = {"app.kubernetes.io/name": "echo", "app.kubernetes.io/part-of": "dualstack-sample"}


def _container(image: str, health_path: str) -> DeploymentV1SpecTemplateSpecContainer:
    """The echo server (it answers every path with 200, the health path included: the kubelet's
    readiness probe and the edge's probe ask the same endpoint)."""
    return DeploymentV1SpecTemplateSpecContainer(
        name="echo",
        image=image,
        image_pull_policy="Always",
        port=[DeploymentV1SpecTemplateSpecContainerPort(container_port=PORT, name="http")],
        env=[
            DeploymentV1SpecTemplateSpecContainerEnv(name="HTTP_PORT", value=str(PORT)),
            DeploymentV1SpecTemplateSpecContainerEnv(name="HTTPS_PORT", value="8443"),
        ],
        resources={
            "requests": {"cpu": "10m", "memory": "32Mi"},
            "limits": {"cpu": "250m", "memory": "128Mi"},
        },
        readiness_probe={"http_get": {"path": health_path, "port": str(PORT)}},
        liveness_probe={"http_get": {"path": "/", "port": str(PORT)}, "period_seconds": 20},
        security_context={
            "allow_privilege_escalation": False,
            "read_only_root_filesystem": True,
            "run_as_non_root": True,
            "run_as_user": str(RUN_AS),
            "run_as_group": str(RUN_AS),
            "capabilities": {"drop": ["ALL"]},
            "seccomp_profile": {"type": "RuntimeDefault"},
        },
        volume_mount=[DeploymentV1SpecTemplateSpecContainerVolumeMount(name="tmp", mount_path="/tmp")],
    )


def terraform_data(scope: Construct, id_: str, value: dict[str, Any]) -> TerraformResource:
    """Terraform's built-in ``terraform_data`` with ``input`` set to ``value``.

    Not cdktf's ``DataResource``: its synth-time validation runs ``terraform version``, so
    synthesis would need a Terraform binary (and spawn it once per resource) for a check that
    ``terraform init`` makes anyway. Synthesized the same, plus cdktf's note in the stack's
    ``//`` metadata that ``input`` is an override.
    """
    data = TerraformResource(
        scope,
        id_,
        terraform_resource_type="terraform_data",
        terraform_generator_metadata=TerraformProviderGeneratorMetadata(provider_name="terraform"),
    )
    data.add_override("input", value)
    return data


@dataclass(frozen=True)
class SampleAppProps:
    """What the sample app reads of the config (the workloads stack builds it)."""

    image: str
    """The echo image's reference in the project's registry."""
    health_path: str
    """``dns.health_probe.path``: the readiness probe asks what the edges ask."""
    service_families: tuple[IpFamily, ...]
    """The mode's Service families, primary first."""
    zones: int
    """One replica per zone of the region."""
    hosts: tuple[str, ...]
    tls_secret: str | None


class SampleApp(Construct):
    """Namespace, Deployment spread over zones, Service of the mode's families, one Ingress."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        props: SampleAppProps,
        depends_on: list[ITerraformDependable],
        kubernetes_provider: KubernetesProvider,
    ) -> None:
        super().__init__(scope, id_)
        provider = self._provider = kubernetes_provider
        self.namespace = namespace = NamespaceV1(
            self,
            "namespace",
            provider=provider,
            metadata={
                "name": NAMESPACE,
                # The controllers' egress policy admits this namespace's pods as backends.
                "labels": {**kube.pod_security_labels("restricted"), network_policy.BACKENDS_LABEL: "true"},
            },
            depends_on=depends_on,
        )
        self.network_policies = network_policy.create(
            self,
            namespace=NAMESPACE,
            policies=network_policy.backend_policies(
                LABELS, PORT, ingress_controller.NAMESPACE, ingress_controller.CONTROLLER_POD_LABELS
            ),
            depends_on=[namespace],
            provider=provider,
        )
        self._deployment(props, [*depends_on, *self.network_policies])
        self._service(props.service_families, depends_on)
        self._ingress(list(props.hosts), props.tls_secret, depends_on)

    def _deployment(self, props: SampleAppProps, depends_on: list[ITerraformDependable]) -> None:
        """The echo Deployment: one replica per zone, spread over them, on the user pool."""
        provider, namespace = self._provider, self.namespace
        spread = DeploymentV1SpecTemplateSpecTopologySpreadConstraint(
            max_skew=1,
            topology_key=kube.ZONE_KEY,
            when_unsatisfiable="DoNotSchedule",
            label_selector=[
                DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector(match_labels=LABELS)
            ],
        )
        DeploymentV1(
            self,
            "deployment",
            provider=provider,
            metadata={"name": "echo", "namespace": namespace.metadata.name, "labels": LABELS},
            spec={
                "replicas": str(props.zones),
                "selector": {"match_labels": LABELS},
                "template": {
                    "metadata": {"labels": LABELS},
                    "spec": {
                        "automount_service_account_token": False,
                        "node_selector": kube.USER_POOL_SELECTOR,
                        "topology_spread_constraint": [spread],
                        "security_context": {"seccomp_profile": {"type": "RuntimeDefault"}},
                        "container": [_container(props.image, props.health_path)],
                        "volume": [
                            DeploymentV1SpecTemplateSpecVolume(
                                name="tmp", empty_dir=DeploymentV1SpecTemplateSpecVolumeEmptyDir()
                            )
                        ],
                    },
                },
            },
            depends_on=depends_on,
        )

    def _service(self, services: tuple[IpFamily, ...], depends_on: list[ITerraformDependable]) -> None:
        """The Service of the mode's families, replaced (not patched) when its primary family changes."""
        provider, namespace = self._provider, self.namespace
        policy, families = kube.ip_families(services)
        # Kubernetes refuses to change a Service's primary IP family (spec.ipFamilies[0]) and
        # the provider would try it in place, failing a nat64 <-> nat46 switch halfway. The
        # primary family lives in a terraform_data whose change replaces the Service (destroy,
        # then create: seconds without the sample app in this region). nat64 <-> dualstack keeps
        # IPv4 first, which Kubernetes changes in place.
        primary = terraform_data(self, "service_primary_family", {"primary_ip_family": families[0]})
        self.service = ServiceV1(
            self,
            "service",
            provider=provider,
            metadata={"name": "echo", "namespace": namespace.metadata.name, "labels": LABELS},
            spec={
                "type": "ClusterIP",
                "ip_family_policy": policy,
                "ip_families": families,
                "selector": LABELS,
                "port": [ServiceV1SpecPort(name="http", port=80, target_port="http")],
            },
            depends_on=depends_on,
            # The address as a plain string: cdktf renders a resource object here as
            # "${terraform_data.x}", which Terraform's JSON syntax rejects ("Invalid character").
            lifecycle=TerraformResourceLifecycle(
                replace_triggered_by=[f"{primary.terraform_resource_type}.{primary.friendly_unique_id}"]
            ),
        )

    def _ingress(
        self, hosts: list[str], tls_secret: str | None, depends_on: list[ITerraformDependable]
    ) -> None:
        """One Ingress for the app's hosts, served by the controllers' IngressClass."""
        provider, namespace = self._provider, self.namespace
        IngressV1(
            self,
            "ingress",
            provider=provider,
            metadata={"name": "echo", "namespace": namespace.metadata.name, "labels": LABELS},
            spec={
                "ingress_class_name": ingress_controller.INGRESS_CLASS,
                # HTTPS with the region's certificate (cert-manager keeps the Secret current);
                # the controllers then redirect plain HTTP for these hosts (ssl-redirect).
                "tls": [IngressV1SpecTls(hosts=hosts, secret_name=tls_secret)] if tls_secret else None,
                "rule": [
                    IngressV1SpecRule(
                        host=host,
                        http=IngressV1SpecRuleHttp(
                            path=[
                                IngressV1SpecRuleHttpPath(
                                    path="/",
                                    path_type="Prefix",
                                    backend=IngressV1SpecRuleHttpPathBackend(
                                        service={"name": "echo", "port": {"number": 80}}
                                    ),
                                )
                            ]
                        ),
                    )
                    for host in hosts
                ],
            },
            depends_on=depends_on,
        )

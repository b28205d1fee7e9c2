"""HTTPS certificates: cert-manager and an ACME issuer on the global Azure DNS zone.

Region stack (``region.dns_identity.DnsIdentity``): a user-assigned identity with the custom
ACME role (TXT record sets only, ``roles.ACME_DNS_ACTIONS``) on the global public zone only, and
a federated credential that lets cert-manager's service account on the region's cluster act as
it. Workloads stack (``CertManager``, this module): the cert-manager release (CRDs included),
then a small local chart shipped as a cdktf asset with the ClusterIssuer and the region's
certificate.

Why a local chart for the issuer and certificate: a ``kubernetes_manifest`` needs its CRD
at *plan* time (terraform-provider-kubernetes 1367), which fails on an empty cluster. A
``helm_release`` plans from the chart alone (helm provider 3.1.1 without the ``manifest``
experiment) and installs at apply time, after the cert-manager release it depends on has
installed the CRDs and its webhook answers (``wait`` and the chart's startupapicheck job).
So the first deploy on an empty cluster succeeds in one run.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs import Construct

from dualstack import kube, naming, network_policy
from dualstack.config import Tls
from dualstack.framework import (
    AssetType,
    DataAzurermClientConfig,
    DataAzurermUserAssignedIdentity,
    HelmProvider,
    ITerraformDependable,
    KubernetesProvider,
    NamespaceV1,
    Release,
    TerraformAsset,
)
from dualstack.kube import Image
from dualstack.region.dns_identity import NAMESPACE as NAMESPACE
from dualstack.region.dns_identity import SERVICE_ACCOUNT as SERVICE_ACCOUNT

RUN_AS = 10001
"""A high UID for every cert-manager component (static binaries: no file in the image needs
a particular owner)."""
WEBHOOK_PORT = 10250
"""The webhook's HTTPS port (the chart's ``webhook.securePort``, its default, set explicitly
because the network policy names it)."""
RESOURCES = {
    "controller": {
        "requests": {"cpu": "50m", "memory": "128Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    },
    "webhook": {"requests": {"cpu": "20m", "memory": "32Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}},
    "cainjector": {
        "requests": {"cpu": "20m", "memory": "64Mi"},
        "limits": {"cpu": "200m", "memory": "256Mi"},
    },
    "startupapicheck": {
        "requests": {"cpu": "10m", "memory": "32Mi"},
        "limits": {"cpu": "100m", "memory": "64Mi"},
    },
}
"""Requests and limits per component; the controller's memory grows with the number of
certificates and secrets it watches."""


CONTAINER_SECURITY_CONTEXT = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
}
"""Every cert-manager container: no privilege escalation, no capability, a read-only root."""


RELEASE_POD_LABELS = {"app.kubernetes.io/instance": "cert-manager"}
"""The label the chart gives every pod of the release (controller, webhook, cainjector,
startupapicheck): each calls the Kubernetes API."""


def pod_labels(component: str) -> dict[str, str]:
    """Labels the chart gives a component's pods (network policies select them)."""
    return {"app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": component}


CHART_REPOSITORY = "oci://quay.io/jetstack/charts"
CLUSTER_ISSUER = "letsencrypt"
"""One name for staging and production, so Ingresses need no change when the server does."""
ACME_SERVERS = {
    "letsencrypt": "https://acme-v02.api.letsencrypt.org/directory",
    "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
}
LOCAL_CHART = Path(__file__).parent / "charts" / "dualstack-tls"


def secret_name(app_namespace: str) -> str:
    return f"{app_namespace}-tls"


ORIGIN_KEY = {"algorithm": "RSA", "size": 2048}
"""The key of a certificate Front Door sees (the ingresses' certificates behind the Front Door
edge): Front Door's documented TLS 1.2 cipher suites to origins are ECDHE-RSA ones only
(Microsoft Learn, "End-to-end TLS with Azure Front Door"), so an ECDSA-only origin could fail
its handshakes."""
CLIENT_KEY = {"algorithm": "ECDSA", "size": 256}
"""The key of a certificate clients see directly (the Traffic Manager edge): P-256, smaller and
faster to verify, supported by every TLS 1.2 and 1.3 client."""


def certificate_key(*, front_door: bool) -> dict[str, Any]:
    """The private key of the ingresses' certificates: ``ORIGIN_KEY`` behind Front Door,
    ``CLIENT_KEY`` otherwise."""
    return dict(ORIGIN_KEY if front_door else CLIENT_KEY)


@dataclass(frozen=True)
class CertManagerProps:
    """What cert-manager and the issuer read of the config (the workloads stack builds it:
    ``workloads.stack.cert_manager_props``)."""

    project: str
    region_name: str
    tls: Tls
    zone_name: str
    """``dns.zone_name``: the public zone the DNS-01 challenges write to."""
    cilium: bool
    """``cluster.network_data_plane`` is cilium: the API server policy is a CiliumNetworkPolicy."""
    registry: str
    """The project's registry's login server."""
    images: Mapping[str, Image]
    """cert-manager's images by component (``controller``, ``webhook``, ...)."""


def _component_values(props: CertManagerProps, key: str, *, replicas: int | None = None) -> dict[str, Any]:
    """One cert-manager component's values: its image from the registry, the user pool, its
    resources, restricted-level security contexts; with ``replicas``, a disruption budget and
    a spread over zones."""
    values: dict[str, Any] = {
        "image": _image_values(props, key),
        "nodeSelector": dict(kube.USER_POOL_SELECTOR),
        "resources": RESOURCES[key],
        # The chart's own restricted-level contexts, with a high UID and GID added, stated
        # here rather than left to the chart's defaults (tests/test_helm_values.py).
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containerSecurityContext": CONTAINER_SECURITY_CONTEXT,
    }
    if replicas is not None:
        values |= {
            "replicaCount": replicas,
            "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": kube.ZONE_KEY,
                    "whenUnsatisfiable": "ScheduleAnyway",
                    "labelSelector": {"matchLabels": pod_labels(key)},
                }
            ],
        }
    return values


def _image_values(props: CertManagerProps, key: str) -> dict[str, Any]:
    image = props.images[key]
    return {
        "repository": f"{props.registry}/{image.repository}",
        "tag": image.tag,
        "pullPolicy": "Always",
    }


def cert_manager_values(props: CertManagerProps, client_id: str) -> dict[str, Any]:
    """Values of the cert-manager chart: CRDs, images from the registry, user pool, spread,
    workload identity for the controller, restricted-level security contexts (the chart's)."""
    component = functools.partial(_component_values, props)
    values: dict[str, Any] = {
        "crds": {"enabled": True, "keep": True},
        "global": {"leaderElection": {"namespace": NAMESPACE}},
        **component("controller", replicas=2),
        # The controller's liveness probe (its /livez on the healthz port): on, as the chart's
        # default has it, stated so a chart change cannot turn it off unnoticed.
        "livenessProbe": {"enabled": True},
        "podLabels": {"azure.workload.identity/use": "true"},
        "serviceAccount": {
            "create": True,
            "name": SERVICE_ACCOUNT,
            "annotations": {"azure.workload.identity/client-id": client_id},
        },
        "webhook": component("webhook", replicas=2) | {"securePort": WEBHOOK_PORT},
        "cainjector": component("cainjector", replicas=2),
        "startupapicheck": component("startupapicheck"),
        # Used only for HTTP-01 challenges (this issuer solves DNS-01), pinned all the same.
        "acmesolver": {"image": _image_values(props, "acmesolver")},
        "prometheus": {"enabled": True},
    }
    return values


def issuer_chart_values(
    props: CertManagerProps, subscription_id: str, client_id: str, certificates: list[dict[str, Any]]
) -> dict[str, Any]:
    """Values of the local chart: the ACME ClusterIssuer (DNS-01 on the public zone, with
    cert-manager's identity) and the region's certificates."""
    tls = props.tls
    return {
        "issuer": {
            "name": CLUSTER_ISSUER,
            "server": ACME_SERVERS[tls.issuer],
            "email": tls.email or "",
            "accountKeySecret": f"{CLUSTER_ISSUER}-{tls.issuer}-account-key",
            "azureDNS": {
                "subscriptionID": subscription_id,
                "resourceGroupName": naming.global_resource_group(props.project),
                "hostedZoneName": props.zone_name,
                "clientID": client_id,
            },
        },
        "certificates": certificates,
    }


class CertManager(Construct):
    """cert-manager and the issuer and certificates of one region's cluster."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        props: CertManagerProps,
        certificates: list[dict[str, Any]],
        depends_on: list[ITerraformDependable],
        cluster_ranges: list[str],
        kubernetes_provider: KubernetesProvider,
        helm_provider: HelmProvider,
    ) -> None:
        super().__init__(scope, id_)
        tls = props.tls
        client = DataAzurermClientConfig(self, "client")
        identity = DataAzurermUserAssignedIdentity(
            self,
            "dns_identity",
            name=naming.cert_manager_identity(props.project, props.region_name),
            resource_group_name=naming.region_resource_group(props.project, props.region_name),
        )
        namespace = self._namespace(cluster_ranges, kubernetes_provider, cilium=props.cilium)
        self.release = Release(
            self,
            "release",
            provider=helm_provider,
            name="cert-manager",
            repository=CHART_REPOSITORY,
            chart="cert-manager",
            version=tls.chart_version,
            namespace=NAMESPACE,
            **kube.RELEASE_POLICY,
            timeout=900,
            values=[kube.to_yaml(cert_manager_values(props, identity.client_id))],
            depends_on=[namespace, *self.policies],
        )
        chart = TerraformAsset(self, "chart", path=str(LOCAL_CHART), type=AssetType.DIRECTORY)
        issuer_values = issuer_chart_values(props, client.subscription_id, identity.client_id, certificates)
        self.issuer_release = Release(
            self,
            "issuer",
            provider=helm_provider,
            name="dualstack-tls",
            chart=chart.path,
            namespace=NAMESPACE,
            **kube.RELEASE_POLICY,
            timeout=600,
            values=[kube.to_yaml(issuer_values)],
            # The CRDs and a webhook that answers come with the cert-manager release.
            depends_on=[self.release, *depends_on],
        )

    def _namespace(
        self, cluster_ranges: list[str], provider: KubernetesProvider, *, cilium: bool
    ) -> NamespaceV1:
        """The namespace (Pod Security restricted) and its network policies; on the Cilium data
        plane also the API server entity rule for every cert-manager pod (each calls the API)."""
        namespace = NamespaceV1(
            self,
            "namespace",
            provider=provider,
            metadata={"name": NAMESPACE, "labels": kube.pod_security_labels("restricted")},
        )
        self.network_policies = network_policy.create(
            self,
            namespace=NAMESPACE,
            policies=network_policy.cert_manager_policies(
                pod_labels("controller"), pod_labels("webhook"), WEBHOOK_PORT, cluster_ranges
            ),
            depends_on=[namespace],
            provider=provider,
        )
        self.policies: list[ITerraformDependable] = [*self.network_policies]
        if cilium:
            self.policies.append(
                network_policy.create_api_server_entity_policy(
                    self,
                    namespace=NAMESPACE,
                    pod_labels=RELEASE_POD_LABELS,
                    depends_on=[namespace],
                    provider=provider,
                )
            )
        return namespace

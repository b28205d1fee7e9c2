"""The region stack's Kubernetes and Helm providers, pointed at the region's cluster.

They authenticate through ``kubelogin`` (an exec credential plugin) with Entra ID; no
token, certificate or key is ever written into the synthesized JSON or the state. The
host and CA certificate come from the cluster's ``kube_config`` block, which with local
accounts disabled carries no credential.
"""

from __future__ import annotations

from cdktf import Fn, TerraformStack
from cdktf_cdktf_provider_azurerm.kubernetes_cluster import KubernetesCluster
from cdktf_cdktf_provider_helm.provider import (
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
)
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec

AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
"""Application ID of the Azure Kubernetes Service AAD server (the same in every tenant)."""

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


def kubelogin_args(login: str) -> list[str]:
    """``kubelogin get-token`` arguments for a login mode (azurecli, workloadidentity, spn).

    workloadidentity reads AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE;
    spn reads AZURE_CLIENT_ID, AZURE_CLIENT_SECRET (or a certificate) and AZURE_TENANT_ID;
    azurecli uses the ``az login`` session. All from the environment of ``cdktf deploy``.
    """
    return ["get-token", "--login", login, "--server-id", AKS_SERVER_ID, "--environment", "AzurePublicCloud"]


def cluster_providers(
    stack: TerraformStack, cluster: KubernetesCluster, login: str
) -> tuple[KubernetesProvider, HelmProvider]:
    host = cluster.kube_config.get(0).host
    ca = Fn.base64decode(cluster.kube_config.get(0).cluster_ca_certificate)
    args = kubelogin_args(login)
    kubernetes = KubernetesProvider(
        stack,
        "kubernetes",
        host=host,
        cluster_ca_certificate=ca,
        exec=[KubernetesProviderExec(api_version=EXEC_API_VERSION, command="kubelogin", args=args)],
    )
    helm = HelmProvider(
        stack,
        "helm",
        kubernetes=HelmProviderKubernetes(
            host=host,
            cluster_ca_certificate=ca,
            exec=HelmProviderKubernetesExec(api_version=EXEC_API_VERSION, command="kubelogin", args=args),
        ),
    )
    return kubernetes, helm

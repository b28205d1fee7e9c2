"""The workloads stack's Kubernetes and Helm providers, pointed at the region's cluster.

They are configured from an ``azurerm_kubernetes_cluster`` *data source*, read when the
workloads stack's plan starts (the region stack that manages the cluster has been applied
by then), never from a resource of their own stack.

- Host: ``https://<fqdn>:443``. ``fqdn`` is the API server's public name: on a public
  cluster it resolves to the public endpoint; on a private cluster it exists because the
  region stack sets ``private_cluster_public_fqdn_enabled``, and resolves anywhere to the
  *private* address, so a runner in a peered network (``network.hub``) reaches it. The
  ``kube_config`` host of a private cluster is the private FQDN, which resolves only
  inside the cluster's own VNet.
- CA certificate: the data source's ``kube_config`` block, which with local accounts
  disabled carries no credential.
- Authentication: ``kubelogin`` (an exec credential plugin) with Entra ID; no token,
  certificate or key is ever written into the synthesized JSON or the state.
"""

from __future__ import annotations

from dualstack.framework import (
    DataAzurermKubernetesCluster,
    Fn,
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
    KubernetesProvider,
    KubernetesProviderExec,
    TerraformStack,
)

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
    stack: TerraformStack, cluster: DataAzurermKubernetesCluster, login: str
) -> tuple[KubernetesProvider, HelmProvider]:
    host = f"https://{cluster.fqdn}:443"
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

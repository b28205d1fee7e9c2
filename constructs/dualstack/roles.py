"""Built-in Azure role names the product assigns, each with why it is needed."""

from __future__ import annotations

NETWORK_CONTRIBUTOR = "Network Contributor"
"""Control-plane identity on the ingress resource group (the cloud provider attaches the
ingress public IPs to the cluster's load balancer) and on the cluster subnet (joins it).
AKS's static-IP guide asks for the public IPs' resource group, hence a group of their own."""

ACR_PULL = "AcrPull"
"""Kubelet identity on the global registry: nodes pull images, nothing more."""

KEY_VAULT_SECRETS_USER = "Key Vault Secrets User"
"""Secrets-provider add-on identity on the global Key Vault: read secret values only."""

AKS_RBAC_CLUSTER_ADMIN = "Azure Kubernetes Service RBAC Cluster Admin"
"""The identity running ``cdktf deploy`` on the cluster: installs the ingresses in the same
deploy. Scoped to the one cluster."""

DNS_ZONE_CONTRIBUTOR = "DNS Zone Contributor"
"""Manage record sets in one DNS zone: cert-manager's DNS-01 TXT records."""

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

ACME_DNS_ACTIONS = (
    "Microsoft.Network/dnszones/read",
    "Microsoft.Network/dnszones/TXT/read",
    "Microsoft.Network/dnszones/TXT/write",
    "Microsoft.Network/dnszones/TXT/delete",
)
"""The custom role of cert-manager's identities (``acme_dns_role``), assigned on the public zone
only: read the zone, and read, write and delete TXT record sets in it (the ``_acme-challenge``
records of DNS-01). Nothing else: no A, AAAA or CNAME record (the app's names), no zone
change, no role. Azure DNS has no finer scope that survives cert-manager deleting its record
sets after each challenge, so TXT on the zone is the least that works; the one other TXT
record in the zone, Front Door's ``_dnsauth`` validation token, stays writable by it (a
stolen cert-manager token could stall a Front Door certificate renewal, not redirect traffic)."""
DNS_ROLES = frozenset({"DNS Zone Contributor", "Private DNS Zone Contributor", "Contributor", "Owner"})
"""Built-in roles meant for changing DNS records, or allowing everything: no identity the stacks
create holds one. (Network Contributor also includes ``Microsoft.Network/dnszones/*``: it is held
only on a region's own ingress resource group and cluster subnet, which hold no zone.)"""

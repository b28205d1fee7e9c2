"""Destroy protection for resources whose loss loses data or breaks clients.

Protected: DNS zones (public and private: delegations and records), the ingress public IPs
(DNS, allow-lists and clients hold the addresses), Traffic Manager profiles (their
``trafficmanager.net`` names), the Front Door profile, endpoint and custom domain (its ID,
``azurefd.net`` name and certificate), the Key Vault, the container registry and the Log
Analytics workspace. With ``prevent_destroy: true`` (the default) Terraform fails any plan that would
destroy one *whose block is still in the configuration*, including a replacement forced by a
changed attribute. It does nothing once the block is gone (a removed or renamed address):
Terraform then destroys the object. So no config change removes a protected block (both
public IPs and both Traffic Manager profiles exist in every mode), and the pull-request gate
(``review diff --fail-on-destroy``) catches any change that would, unless the config's
``acknowledge_destroy`` lists it.

This module is the one list of those types, for synthesis and for the review tooling alike;
it imports cdktf only when :func:`lifecycle` runs, so ``dualstack.review`` can read the list
without loading cdktf.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dualstack.framework import TerraformResourceLifecycle

DESTROY_CONSEQUENCES: dict[str, str] = {
    "azurerm_dns_zone": "the zone and every record in it are deleted; its name servers change, "
    "so the delegation from the parent zone breaks",
    "azurerm_private_dns_zone": "the zone and its records are deleted; names inside the VNets stop "
    "resolving until it is re-created",
    "azurerm_public_ip": "the ingress address changes; clients, DNS caches and allow-lists keep the old one",
    "azurerm_key_vault": "the vault and its secrets are deleted; it stays soft-deleted and cannot be "
    "purged (purge protection), so its name stays taken for 90 days: a vault re-created under the same "
    "name fails until then; set a new global.key_vault_name, or recover the old vault "
    "(az keyvault recover) and import it into the state instead",
    "azurerm_container_registry": "the registry and all its images are deleted; every cluster pulls "
    "only from it, so pods cannot start until it is re-created and make images has imported the images "
    "again (run it before the workloads stacks)",
    "azurerm_log_analytics_workspace": "the workspace and the logs it collected are deleted",
    "azurerm_kubernetes_cluster": "the cluster and every workload, volume and in-cluster object are "
    "deleted; its API server and OIDC issuer change",
    "azurerm_virtual_network": "the VNet is deleted, and with it everything attached to it",
    "azurerm_traffic_manager_profile": "the profile's DNS name stops answering, so the app name does "
    "not resolve until it is re-created",
    "azurerm_cdn_frontdoor_profile": "the app name stops answering until Front Door is re-created; the "
    "new profile has a new ID, which every ingress refuses until its workloads stack re-applies",
    "azurerm_cdn_frontdoor_endpoint": "the endpoint's azurefd.net name changes and the app's alias "
    "records lose their target until re-applied",
    "azurerm_cdn_frontdoor_custom_domain": "the app name is not served until Front Door re-validates "
    "the domain and issues a new managed certificate (minutes to hours)",
}
"""Resource types that hold data or that clients depend on, with what losing one means. The
change summary warns loudly when one is destroyed or replaced, and ``--fail-on-destroy``
gates on it unless ``acknowledge_destroy`` names it."""

REVIEW_ONLY_TYPES = frozenset({"azurerm_kubernetes_cluster", "azurerm_virtual_network"})
"""Types of :data:`DESTROY_CONSEQUENCES` that the review gates on but synthesis does not give
``lifecycle.prevent_destroy``."""

PROTECTED_TYPES = frozenset(DESTROY_CONSEQUENCES) - REVIEW_ONLY_TYPES
"""Terraform resource types created with ``lifecycle.prevent_destroy`` when protection is on."""


def lifecycle(prevent_destroy: bool) -> TerraformResourceLifecycle | None:
    """The lifecycle block of a protected resource (None when protection is off)."""
    if not prevent_destroy:
        return None
    from dualstack.framework import (
        TerraformResourceLifecycle,  # here, so the review tooling never loads cdktf
    )

    return TerraformResourceLifecycle(prevent_destroy=True)

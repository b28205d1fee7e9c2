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
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle

PROTECTED_TYPES = frozenset(
    {
        "azurerm_dns_zone",
        "azurerm_private_dns_zone",
        "azurerm_public_ip",
        "azurerm_traffic_manager_profile",
        "azurerm_key_vault",
        "azurerm_container_registry",
        "azurerm_log_analytics_workspace",
        "azurerm_cdn_frontdoor_profile",
        "azurerm_cdn_frontdoor_endpoint",
        "azurerm_cdn_frontdoor_custom_domain",
    }
)
"""Terraform resource types created with ``lifecycle.prevent_destroy`` when protection is on."""


def lifecycle(prevent_destroy: bool) -> TerraformResourceLifecycle | None:
    """The lifecycle block of a protected resource (None when protection is off)."""
    return TerraformResourceLifecycle(prevent_destroy=True) if prevent_destroy else None

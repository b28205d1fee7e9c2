"""Which Azure resource providers the stacks need registered, and who registers them.

The azurerm provider registers resource providers itself unless told not to: in 4.x its
default (``resource_provider_registrations = "legacy"``) registers a fixed list of several
dozen on first use, which needs ``*/register/action`` at subscription scope, and the next major
version changes the default to ``none``. The stacks say it explicitly: ``none`` (``REGISTRATIONS``).
The subscription must have the resource providers below registered before the first deploy;
docs/deploy.md lists them with the command, and
tests/test_resource_providers.py keeps this list, the resource types the stacks use and the
docs in step.
"""

from __future__ import annotations

REGISTRATIONS = "none"
"""The azurerm provider's ``resource_provider_registrations``: register nothing. Registration is
a one-time subscription-level step (``az provider register``), done before the first deploy by
someone who may; the deploying identity then needs no ``*/register/action``."""

BY_RESOURCE_TYPE: dict[str, str] = {
    "azurerm_cdn_frontdoor_custom_domain": "Microsoft.Cdn",
    "azurerm_cdn_frontdoor_custom_domain_association": "Microsoft.Cdn",
    "azurerm_cdn_frontdoor_endpoint": "Microsoft.Cdn",
    "azurerm_cdn_frontdoor_firewall_policy": "Microsoft.Network",
    "azurerm_cdn_frontdoor_origin": "Microsoft.Cdn",
    "azurerm_cdn_frontdoor_origin_group": "Microsoft.Cdn",
    "azurerm_cdn_frontdoor_profile": "Microsoft.Cdn",
    "azurerm_cdn_frontdoor_route": "Microsoft.Cdn",
    "azurerm_cdn_frontdoor_security_policy": "Microsoft.Cdn",
    "azurerm_container_registry": "Microsoft.ContainerRegistry",
    "azurerm_dns_a_record": "Microsoft.Network",
    "azurerm_dns_aaaa_record": "Microsoft.Network",
    "azurerm_dns_cname_record": "Microsoft.Network",
    "azurerm_dns_txt_record": "Microsoft.Network",
    "azurerm_dns_zone": "Microsoft.Network",
    "azurerm_federated_identity_credential": "Microsoft.ManagedIdentity",
    "azurerm_key_vault": "Microsoft.KeyVault",
    "azurerm_kubernetes_cluster": "Microsoft.ContainerService",
    "azurerm_kubernetes_cluster_node_pool": "Microsoft.ContainerService",
    "azurerm_log_analytics_workspace": "Microsoft.OperationalInsights",
    "azurerm_monitor_data_collection_rule": "Microsoft.Insights",
    "azurerm_monitor_data_collection_rule_association": "Microsoft.Insights",
    "azurerm_network_security_group": "Microsoft.Network",
    "azurerm_network_security_rule": "Microsoft.Network",
    "azurerm_private_dns_a_record": "Microsoft.Network",
    "azurerm_private_dns_aaaa_record": "Microsoft.Network",
    "azurerm_private_dns_zone": "Microsoft.Network",
    "azurerm_private_dns_zone_virtual_network_link": "Microsoft.Network",
    "azurerm_private_endpoint": "Microsoft.Network",
    "azurerm_public_ip": "Microsoft.Network",
    "azurerm_resource_group": "Microsoft.Resources",
    "azurerm_role_assignment": "Microsoft.Authorization",
    "azurerm_role_definition": "Microsoft.Authorization",
    "azurerm_subnet": "Microsoft.Network",
    "azurerm_subnet_network_security_group_association": "Microsoft.Network",
    "azurerm_traffic_manager_external_endpoint": "Microsoft.Network",
    "azurerm_traffic_manager_profile": "Microsoft.Network",
    "azurerm_user_assigned_identity": "Microsoft.ManagedIdentity",
    "azurerm_virtual_network": "Microsoft.Network",
    "azurerm_virtual_network_peering": "Microsoft.Network",
}
"""The resource provider (ARM namespace) behind each azurerm resource type the stacks create.
The Front Door WAF policy is ``Microsoft.Network/FrontDoorWebApplicationFirewallPolicies``."""

ALWAYS_REGISTERED = frozenset({"Microsoft.Resources", "Microsoft.Authorization"})
"""Registered in every subscription by Azure itself."""

ADD_ONS: dict[str, str] = {
    "Microsoft.OperationsManagement": "AKS's monitoring add-on (Container Insights) solution",
    "Microsoft.Compute": "the cluster's node virtual machine scale sets and disks",
    "Microsoft.Storage": "the azurerm state backend's storage account (docs/architecture.md)",
}
"""Resource providers no azurerm resource names but the deployment needs: AKS creates node VMs
(Microsoft.Compute) in its node resource group, Container Insights uses
Microsoft.OperationsManagement, the remote state lives in a storage account."""


def required() -> list[str]:
    """Every resource provider to register before the first deploy, sorted."""
    needed = set(BY_RESOURCE_TYPE.values()) | set(ADD_ONS)
    return sorted(needed - ALWAYS_REGISTERED)

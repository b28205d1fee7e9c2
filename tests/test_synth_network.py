"""Region stacks, network part: VNet, subnet, NSG rules for both families, public IPs."""

from __future__ import annotations

from typing import Any

import pytest
from synthhelp import CONFIGS, Stack, Synthesized

from dualstack import modes
from dualstack.config import Config


def test_resource_group_and_dual_stack_vnet(case: tuple[Config, str, Stack]) -> None:
    config, name, stack = case
    region = config.regions[name]
    group = stack.resource("azurerm_resource_group", "region/network/resource_group")
    assert group["name"] == f"rg-{config.project}-{name}"
    assert group["location"] == name
    vnet = stack.resource("azurerm_virtual_network", "region/network/vnet")
    assert vnet["address_space"] == [region.address_space.ipv4, region.address_space.ipv6]
    assert vnet["location"] == name


def test_cluster_subnet_has_one_prefix_per_family_ipv6_a_64(case: tuple[Config, str, Stack]) -> None:
    config, name, stack = case
    subnet = stack.resource("azurerm_subnet", "region/network/cluster_subnet")
    v4, v6 = subnet["address_prefixes"]
    assert v4 == config.regions[name].cluster_subnet.ipv4 and "." in v4
    assert v6 == config.regions[name].cluster_subnet.ipv6 and v6.endswith("/64")
    assert subnet["default_outbound_access_enabled"] is False


def test_public_ips_static_standard_zone_redundant_per_family(case: tuple[Config, str, Stack]) -> None:
    config, name, stack = case
    ips = stack.resources("azurerm_public_ip")
    families = modes.public_families(config.ingress)
    assert set(ips) == {f"region/network/ingress_{f}_public_ip" for f in families}
    for family in families:
        ip = ips[f"region/network/ingress_{family}_public_ip"]
        assert ip["name"] == f"pip-{config.project}-{name}-ingress-{family}"
        assert ip["sku"] == "Standard"
        assert ip["allocation_method"] == "Static"
        assert ip["ip_version"] == {"ipv4": "IPv4", "ipv6": "IPv6"}[family]
        assert ip["zones"] == ["1", "2", "3"]  # zone-redundant, whatever the pools use


def _rules(stack: Stack) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in stack.resources("azurerm_network_security_rule").values()}


def test_nsg_allows_http_from_internet_only_to_each_ingress_address(case: tuple[Config, str, Stack]) -> None:
    """From the internet, or behind Front Door from its backends' service tag only (both
    families: the tag holds IPv4 and IPv6 ranges)."""
    config, _name, stack = case
    rules = _rules(stack)
    front_door = config.front_door is not None
    source, label = ("AzureFrontDoor.Backend", "frontdoor") if front_door else ("Internet", "internet")
    allows = {
        n for n, r in rules.items() if r["access"] == "Allow" and n.startswith("allow-") and "-http-" in n
    }
    assert allows == {f"allow-{label}-http-ingress-{f}" for f in modes.public_families(config.ingress)}
    for family in modes.public_families(config.ingress):
        rule = rules[f"allow-{label}-http-ingress-{family}"]
        assert rule["access"] == "Allow" and rule["direction"] == "Inbound"
        assert rule["source_address_prefix"] == source
        assert rule["protocol"] == "Tcp"
        assert rule["destination_port_ranges"] == ["80", "443"]
        # Floating IP: the NSG sees the load balancer frontend (the public IP) as destination.
        assert rule["destination_address_prefix"].startswith("${azurerm_public_ip.")
        assert f"ingress_{family}_public_ip" in rule["destination_address_prefix"]


def test_nsg_allows_probes_and_denies_everything_else_from_internet(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    rules = _rules(stack)
    probes = rules["allow-azure-load-balancer-probes"]
    assert probes["source_address_prefix"] == "AzureLoadBalancer" and probes["access"] == "Allow"
    deny = rules["deny-internet-inbound"]
    assert deny["source_address_prefix"] == "Internet" and deny["access"] == "Deny"
    assert deny["destination_port_range"] == "*" and deny["protocol"] == "*"
    allows_from_internet = [
        r
        for r in rules.values()
        if r["access"] == "Allow" and r["source_address_prefix"] in ("Internet", "*")
    ]
    assert all(r["destination_port_ranges"] == ["80", "443"] for r in allows_from_internet)
    assert all(r["priority"] < deny["priority"] for r in allows_from_internet)
    priorities = [r["priority"] for r in rules.values()]
    assert len(priorities) == len(set(priorities))


def test_nsg_is_associated_with_the_cluster_subnet(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    assoc = stack.resource(
        "azurerm_subnet_network_security_group_association", "region/network/nsg_association"
    )
    assert "cluster_subnet" in assoc["subnet_id"] and "network_nsg" in assoc["network_security_group_id"]


def test_vnet_is_linked_to_the_global_private_zone(case: tuple[Config, str, Stack]) -> None:
    _config, _name, stack = case
    link = stack.resource("azurerm_private_dns_zone_virtual_network_link", "region/network/private_dns_link")
    assert link["registration_enabled"] is False
    assert "cross-stack-reference-input-global" in link["private_dns_zone_name"]
    assert link["virtual_network_id"].startswith("${azurerm_virtual_network.")


def test_endpoint_subnet_follows_the_cluster_subnet(case: tuple[Config, str, Stack]) -> None:
    config, name, stack = case
    subnet = stack.resource("azurerm_subnet", "region/network/endpoint_subnet")
    assert subnet["address_prefixes"] == [config.regions[name].endpoint_subnet]
    assert subnet["default_outbound_access_enabled"] is False
    associations = stack.resources("azurerm_subnet_network_security_group_association")
    assert any("endpoint_subnet" in a["subnet_id"] for a in associations.values())


@pytest.mark.parametrize("kind", ["registry", "vault"])
def test_private_endpoints_for_registry_and_vault(case: tuple[Config, str, Stack], kind: str) -> None:
    config, name, stack = case
    endpoint = stack.resource("azurerm_private_endpoint", f"region/endpoints/{kind}_endpoint")
    assert endpoint["name"] == f"pe-{config.project}-{name}-{kind}"
    assert endpoint["location"] == name
    assert "endpoint_subnet" in endpoint["subnet_id"]
    connection = endpoint["private_service_connection"]
    assert connection["subresource_names"] == [kind]
    assert connection["is_manual_connection"] is False
    target = {"registry": "azurerm_container_registry", "vault": "azurerm_key_vault"}[kind]
    assert target in connection["private_connection_resource_id"]
    zone_address = f"azurerm_private_dns_zone.region_endpoints_{kind}_zone_"
    assert endpoint["private_dns_zone_group"]["private_dns_zone_ids"][0].startswith("${" + zone_address)
    # One privatelink zone per region, linked to this VNet only: the region VNets are not
    # peered, so a shared zone would point every region at one region's endpoint.
    zone = stack.resource("azurerm_private_dns_zone", f"region/endpoints/{kind}_zone")
    assert (
        zone["name"]
        == {"registry": "privatelink.azurecr.io", "vault": "privatelink.vaultcore.azure.net"}[kind]
    )
    assert "region_network_resource_group" in zone["resource_group_name"]
    link = stack.resource(
        "azurerm_private_dns_zone_virtual_network_link", f"region/endpoints/{kind}_zone_link"
    )
    assert link["registration_enabled"] is False
    assert link["private_dns_zone_name"].startswith("${" + zone_address)
    assert link["virtual_network_id"].startswith("${azurerm_virtual_network.region_network_vnet")


def test_hub_peering_both_directions_when_configured(synthesized_configs: dict[str, Synthesized]) -> None:
    config = CONFIGS["dualstack"]
    hub = config.network.hub
    assert hub is not None, "the dualstack example peers with a hub"
    for stack in synthesized_configs["dualstack"].regions():
        peerings = stack.resources("azurerm_virtual_network_peering")
        assert set(peerings) == {"region/hub_peering/to_hub", "region/hub_peering/from_hub"}
        vnet = stack.address("azurerm_virtual_network", "network/vnet")
        to_hub, from_hub = peerings["region/hub_peering/to_hub"], peerings["region/hub_peering/from_hub"]
        assert to_hub["remote_virtual_network_id"] == hub.virtual_network_id
        assert to_hub["virtual_network_name"] == "${" + vnet + ".name}"
        assert "provider" not in to_hub
        # The hub side lives in the hub's group, through the provider of the hub's subscription.
        assert from_hub["remote_virtual_network_id"] == "${" + vnet + ".id}"
        assert (from_hub["resource_group_name"], from_hub["virtual_network_name"]) == (
            "rg-northwind-hub",
            "vnet-northwind-hub",
        )
        assert from_hub["provider"] == "azurerm.hub"
        (hub_provider,) = [p for p in stack.json["provider"]["azurerm"] if p.get("alias") == "hub"]
        assert hub_provider["subscription_id"] == "6f1d3c2a-8b4e-4d7f-9a05-3e2b1c0d9f84"
        for peering in (to_hub, from_hub):
            assert peering["allow_virtual_network_access"] is True
            assert peering["allow_forwarded_traffic"] is False
            assert peering["use_remote_gateways"] is False
            assert peering["allow_gateway_transit"] is False


@pytest.mark.parametrize("stem", ["default", "nat46"])
def test_no_peering_without_a_hub(stem: str, synthesized_configs: dict[str, Synthesized]) -> None:
    assert CONFIGS[stem].network.hub is None
    for stack in synthesized_configs[stem].regions():
        assert "azurerm_virtual_network_peering" not in stack.json["resource"]
        assert all("alias" not in p for p in stack.json["provider"]["azurerm"])

"""The global stack: shared services with the properties the foundation issue lists."""

from __future__ import annotations

import pytest
from synthhelp import CONFIGS, Synthesized


@pytest.fixture(params=sorted(CONFIGS))
def case(request: pytest.FixtureRequest, synthesized_configs: dict[str, Synthesized]):  # type: ignore[no-untyped-def]
    return CONFIGS[request.param], synthesized_configs[request.param]["global"]


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_stack_set_is_global_plus_two_per_region(
    stem: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config = CONFIGS[stem]
    regions = config.regions
    edge = ["edge"] if config.front_door is not None else []
    assert set(synthesized_configs[stem].stacks) == {
        "global",
        *regions,
        *(f"{r}-workloads" for r in regions),
        *edge,
    }


def test_global_never_references_a_region_stack(any_synth: Synthesized) -> None:
    assert "terraform_remote_state" not in any_synth["global"].json.get("data", {})


def test_region_stacks_read_only_the_global_state(any_synth: Synthesized) -> None:
    for stack in any_synth.regions():
        remote = stack.json.get("data", {}).get("terraform_remote_state", {})
        assert set(remote) == {"cross-stack-reference-input-global"}


def test_resource_groups_and_zones(case) -> None:  # type: ignore[no-untyped-def]
    config, stack = case
    (group,) = stack.resources("azurerm_resource_group").values()
    assert group["name"] == f"rg-{config.project}-global"
    assert group["location"] == config.global_.location
    (zone,) = stack.resources("azurerm_dns_zone").values()
    assert zone["name"] == config.dns.zone_name
    private = stack.resource("azurerm_private_dns_zone", "services/private_dns_zone")
    assert private["name"] == config.dns.private_zone_name


def test_registry_is_premium_private_admin_off_and_replicated_to_every_other_region(case) -> None:  # type: ignore[no-untyped-def]
    config, stack = case
    (acr,) = stack.resources("azurerm_container_registry").values()
    assert acr["name"] == config.global_.registry_name
    assert acr["sku"] == "Premium"
    assert acr["admin_enabled"] is False
    assert acr["anonymous_pull_enabled"] is False
    assert acr["zone_redundancy_enabled"] is True
    replicas = [r["location"] for r in acr["georeplications"]]
    assert replicas == sorted(set(config.regions) - {config.global_.location})
    assert all(r["zone_redundancy_enabled"] is True for r in acr["georeplications"])


def test_key_vault_uses_rbac_purge_protection_and_soft_delete(case) -> None:  # type: ignore[no-untyped-def]
    config, stack = case
    (vault,) = stack.resources("azurerm_key_vault").values()
    assert vault["name"] == config.global_.key_vault_name
    assert vault["rbac_authorization_enabled"] is True
    assert vault["purge_protection_enabled"] is True
    assert vault["soft_delete_retention_days"] == 90
    assert "access_policy" not in vault
    assert vault["tenant_id"].startswith("${data.azurerm_client_config.")


def test_log_analytics_workspace(case) -> None:  # type: ignore[no-untyped-def]
    config, stack = case
    (workspace,) = stack.resources("azurerm_log_analytics_workspace").values()
    assert workspace["retention_in_days"] == config.global_.log_retention_days
    assert workspace["sku"] == "PerGB2018"


def test_every_taggable_resource_carries_the_project_tags(case) -> None:  # type: ignore[no-untyped-def]
    config, stack = case
    for rtype, items in stack.json["resource"].items():
        for body in items.values():
            if "tags" in body:
                assert body["tags"]["project"] == config.project, rtype
                assert body["tags"]["managed-by"] == "dualstack-cdktf", rtype
                for key, value in config.tags.items():
                    assert body["tags"][key] == value


def test_registry_and_vault_are_private_only(case) -> None:  # type: ignore[no-untyped-def]
    _, stack = case
    (acr,) = stack.resources("azurerm_container_registry").values()
    assert acr["public_network_access_enabled"] is False
    assert acr["data_endpoint_enabled"] is True
    assert acr["retention_policy_in_days"] == 7
    assert acr["export_policy_enabled"] is False
    (vault,) = stack.resources("azurerm_key_vault").values()
    assert vault["public_network_access_enabled"] is False
    assert vault["network_acls"] == {"default_action": "Deny", "bypass": "AzureServices"}
    # The privatelink zones belong to the regions (one set per VNet), never to global.
    zones = {z["name"] for z in stack.resources("azurerm_private_dns_zone").values()}
    assert not any(z.startswith("privatelink.") for z in zones)


TAGGABLE = {
    "azurerm_resource_group",
    "azurerm_virtual_network",
    "azurerm_network_security_group",
    "azurerm_public_ip",
    "azurerm_dns_zone",
    "azurerm_private_dns_zone",
    "azurerm_private_dns_zone_virtual_network_link",
    "azurerm_container_registry",
    "azurerm_key_vault",
    "azurerm_log_analytics_workspace",
    "azurerm_user_assigned_identity",
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_cluster_node_pool",
    "azurerm_traffic_manager_profile",
    "azurerm_private_endpoint",
    "azurerm_dns_a_record",
    "azurerm_dns_aaaa_record",
    "azurerm_private_dns_a_record",
    "azurerm_private_dns_aaaa_record",
    "azurerm_monitor_data_collection_rule",
    "azurerm_cdn_frontdoor_profile",
    "azurerm_cdn_frontdoor_endpoint",
    "azurerm_cdn_frontdoor_firewall_policy",
    "azurerm_dns_txt_record",
}
"""Resource types the product creates that take tags (azurerm 4.55 schemas)."""
FRONT_DOOR_ONLY = {
    "azurerm_cdn_frontdoor_profile",
    "azurerm_cdn_frontdoor_endpoint",
    "azurerm_cdn_frontdoor_firewall_policy",
    "azurerm_dns_txt_record",
}
TRAFFIC_MANAGER_ONLY = {
    "azurerm_traffic_manager_profile",
    "azurerm_private_dns_a_record",
    "azurerm_private_dns_aaaa_record",
}


def test_every_taggable_resource_in_every_stack_is_tagged(any_synth: Synthesized) -> None:
    front_door = "edge" in any_synth.stacks
    expected = TAGGABLE - (TRAFFIC_MANAGER_ONLY if front_door else FRONT_DOOR_ONLY)
    seen = set()
    for stack in any_synth.stacks.values():
        for rtype, items in stack.json["resource"].items():
            if rtype not in TAGGABLE:
                continue
            seen.add(rtype)
            for name, body in items.items():
                tags = body.get("tags", {})
                assert tags.get("project") and tags.get("managed-by") == "dualstack-cdktf", (
                    f"{stack.name} {rtype}.{name}"
                )
    assert seen == expected, f"no resource of {expected - seen}: update TAGGABLE"

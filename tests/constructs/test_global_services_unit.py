"""``GlobalServices`` alone: zones, registry, vault, workspace and edge from the config, and the
``refs`` the region stacks receive, each naming the right resource."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from constructhelp import Synth, bare_stack, config, expose, synth

from dualstack.config import Config
from dualstack.global_.services import GlobalServices
from dualstack.global_.stack import global_props
from dualstack.protection import PROTECTED_TYPES
from dualstack.refs import GlobalRefs
from dualstack.stackbase import base_tags


@dataclass(frozen=True)
class Built:
    config: Config
    refs: GlobalRefs
    out: Synth

    def ref(self, rtype: str, id_: str, attribute: str) -> str:
        return self.out.ref(rtype, f"services/{id_}", attribute)

    def one(self, rtype: str, id_: str) -> dict[str, Any]:
        return self.out.resource(rtype, f"services/{id_}")


def build(cfg: Config) -> Built:
    stack = bare_stack("global")
    services = GlobalServices(stack, "services", props=global_props(cfg))
    refs = services.refs
    expose(
        stack,
        resource_group_name=refs.resource_group_name,
        dns_zone_name=refs.dns_zone_name,
        private_dns_zone_name=refs.private_dns_zone_name,
        registry_id=refs.registry_id,
        key_vault_id=refs.key_vault_id,
        log_analytics_id=refs.log_analytics_id,
        dns_zone_id=refs.dns_zone_id,
        traffic_manager_profile_ids=dict(refs.traffic_manager_profile_ids),
        private_link_targets=dict(refs.private_link_targets),
    )
    return Built(cfg, refs, synth(stack))


CASES: dict[str, Callable[[], Config]] = {
    "default": lambda: config("default"),
    "dualstack-unprotected": lambda: config("dualstack"),
    "frontdoor": lambda: config("frontdoor"),
    "nat46": lambda: config("nat46"),
}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: build(make()) for name, make in CASES.items()}


@pytest.fixture(params=sorted(CASES))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


def test_refs_name_the_global_resources(each: Built) -> None:
    out, named = each.out, each.ref
    assert out.output("resource_group_name") == named("azurerm_resource_group", "resource_group", "name")
    assert out.output("dns_zone_name") == named("azurerm_dns_zone", "dns_zone", "name")
    assert out.output("dns_zone_id") == named("azurerm_dns_zone", "dns_zone", "id")
    assert out.output("private_dns_zone_name") == named(
        "azurerm_private_dns_zone", "private_dns_zone", "name"
    )
    assert out.output("registry_id") == named("azurerm_container_registry", "registry", "id")
    assert out.output("key_vault_id") == named("azurerm_key_vault", "key_vault", "id")
    assert out.output("log_analytics_id") == named("azurerm_log_analytics_workspace", "log_analytics", "id")
    assert out.output("private_link_targets") == {
        "registry": named("azurerm_container_registry", "registry", "id"),
        "vault": named("azurerm_key_vault", "key_vault", "id"),
    }


def test_traffic_manager_edge_refs_name_one_profile_per_family(each: Built) -> None:
    profiles = each.out.output("traffic_manager_profile_ids")
    if each.refs.front_door is not None:
        assert profiles == {}
        return
    assert profiles == {
        f: each.ref("azurerm_traffic_manager_profile", f"traffic/{f}_profile", "id") for f in ("ipv4", "ipv6")
    }


def test_front_door_refs_only_with_the_front_door_edge(built: dict[str, Built]) -> None:
    assert {name for name, b in built.items() if b.refs.front_door is not None} == {"frontdoor"}
    assert built["frontdoor"].out.resources("azurerm_cdn_frontdoor_profile")
    assert not built["default"].out.resources("azurerm_cdn_frontdoor_profile")


def test_zones_come_from_the_config(each: Built) -> None:
    dns = each.config.dns
    assert each.one("azurerm_dns_zone", "dns_zone")["name"] == dns.zone_name
    assert each.one("azurerm_private_dns_zone", "private_dns_zone")["name"] == dns.private_zone_name
    group = each.one("azurerm_resource_group", "resource_group")
    assert (group["name"], group["location"]) == (
        f"rg-{each.config.project}-global",
        each.config.global_.location,
    )


def test_registry_is_private_and_replicated_to_every_other_region(each: Built) -> None:
    glob = each.config.global_
    registry = each.one("azurerm_container_registry", "registry")
    assert (registry["name"], registry["location"], registry["sku"]) == (
        glob.registry_name,
        glob.location,
        "Premium",
    )
    assert registry["public_network_access_enabled"] is False
    assert registry["admin_enabled"] is False
    replicas = [r["location"] for r in registry.get("georeplications", [])]
    assert replicas == sorted(r for r in each.config.regions if r != glob.location)


def test_vault_uses_the_clients_tenant_and_rbac(each: Built) -> None:
    vault = each.one("azurerm_key_vault", "key_vault")
    assert vault["name"] == each.config.global_.key_vault_name
    assert vault["tenant_id"] == each.out.data_ref("azurerm_client_config", "services/client", "tenant_id")
    assert vault["rbac_authorization_enabled"] is True
    assert vault["public_network_access_enabled"] is False
    assert vault["network_acls"]["default_action"] == "Deny"


def test_workspace_keeps_logs_as_long_as_the_config_says(each: Built) -> None:
    workspace = each.one("azurerm_log_analytics_workspace", "log_analytics")
    assert workspace["retention_in_days"] == each.config.global_.log_retention_days
    assert workspace["location"] == each.config.global_.location


def test_protected_types_are_protected_as_the_config_says(each: Built) -> None:
    expected = {"prevent_destroy": True} if each.config.prevent_destroy else None
    seen = set()
    for rtype in each.out.doc["resource"]:
        for path, body in each.out.resources(rtype).items():
            if rtype in PROTECTED_TYPES:
                seen.add(rtype)
                assert body.get("lifecycle") == expected, path
            else:
                assert "lifecycle" not in body, path
    assert {"azurerm_dns_zone", "azurerm_key_vault", "azurerm_container_registry"} <= seen


def test_both_protection_cases_are_covered(built: dict[str, Built]) -> None:
    assert {name for name, b in built.items() if not b.config.prevent_destroy} == {"dualstack-unprotected"}


def test_every_taggable_resource_carries_the_base_tags(each: Built) -> None:
    tagged = dict(each.out.tagged())
    assert len(tagged) >= 7
    assert all(b["tags"] == base_tags(each.config.tags, each.config.project) for b in tagged.values())

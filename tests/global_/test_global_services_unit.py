"""``GlobalServices`` alone: zones, registry, vault, workspace, the ACME DNS role and the edge
(with its probe and the app's records) from the config, and the ``refs`` the region stacks
receive, each naming the right resource."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from constructhelp import Synth, bare_stack, config, expose, monitor_part, probe_monitor, synth

from dualstack.config import Config
from dualstack.global_.services import GlobalServices
from dualstack.global_.stack import global_props
from dualstack.protection import PROTECTED_TYPES
from dualstack.refs import GlobalRefs
from dualstack.roles import ACME_DNS_ACTIONS
from dualstack.stackbase import base_tags


@dataclass(frozen=True)
class Built:
    config: Config
    refs: GlobalRefs
    out: Synth

    def ref(self, rtype: str, id_: str, attribute: str) -> str:
        return self.out.ref(rtype, f"services/{id_}", attribute)

    def one(self, rtype: str, id_: str) -> dict[str, Any]:
        """The resource at ``services/<id_>``, the only one of its type."""
        found = self.out.resources(rtype)
        assert list(found) == [f"services/{id_}"], rtype
        return found[f"services/{id_}"]


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
        acme_dns_role_id=refs.acme_dns_role_id,
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
CUSTOM_PROBE: dict[str, Callable[[], Config]] = {
    "traffic-manager-custom-probe": lambda: config(
        "default",
        **{
            "tls.issuer": "none",
            "dns.health_probe": {
                "protocol": "HTTP",
                "path": "/ready",
                "host": "probe.dualstack.contoso.com",
                "expected_status": "200-299",
            },
        },
    ),
    "frontdoor-custom-probe": lambda: config("frontdoor", **{"dns.health_probe.path": "/ready"}),
}
"""``dns.health_probe`` away from every default (no example config sets it), so that the edge
can only follow it by reading ``config.probe``."""


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: build(make()) for name, make in CASES.items()}


@pytest.fixture(params=sorted(CASES))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


@pytest.fixture(scope="module")
def custom_probe() -> dict[str, Built]:
    return {name: build(make()) for name, make in CUSTOM_PROBE.items()}


@pytest.fixture(params=[*sorted(CASES), *sorted(CUSTOM_PROBE)])
def probed(request: pytest.FixtureRequest, built: dict[str, Built], custom_probe: dict[str, Built]) -> Built:
    return {**built, **custom_probe}[request.param]


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
    assert out.output("acme_dns_role_id") == named(
        "azurerm_role_definition", "acme_dns_role", "role_definition_resource_id"
    )
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
    # The privatelink zones belong to the regions (one set per VNet), never to global.
    zones = each.out.resources("azurerm_private_dns_zone").values()
    assert not any(z["name"].startswith("privatelink.") for z in zones)


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
    assert registry["anonymous_pull_enabled"] is False
    assert registry["data_endpoint_enabled"] is True
    assert registry["retention_policy_in_days"] == 7
    assert registry["export_policy_enabled"] is False
    assert registry["zone_redundancy_enabled"] is True
    replicas = [r["location"] for r in registry.get("georeplications", [])]
    assert replicas == sorted(r for r in each.config.regions if r != glob.location)
    assert all(r["zone_redundancy_enabled"] is True for r in registry["georeplications"])


def test_vault_uses_the_clients_tenant_and_rbac(each: Built) -> None:
    vault = each.one("azurerm_key_vault", "key_vault")
    assert vault["name"] == each.config.global_.key_vault_name
    assert vault["tenant_id"] == each.out.data_ref("azurerm_client_config", "services/client", "tenant_id")
    assert vault["rbac_authorization_enabled"] is True
    assert "access_policy" not in vault
    assert vault["purge_protection_enabled"] is True
    assert vault["soft_delete_retention_days"] == 90
    assert vault["public_network_access_enabled"] is False
    assert vault["network_acls"] == {"default_action": "Deny", "bypass": "AzureServices"}


def test_workspace_keeps_logs_as_long_as_the_config_says(each: Built) -> None:
    workspace = each.one("azurerm_log_analytics_workspace", "log_analytics")
    assert workspace["retention_in_days"] == each.config.global_.log_retention_days
    assert workspace["location"] == each.config.global_.location
    assert workspace["sku"] == "PerGB2018"


def test_the_acme_role_allows_txt_records_and_nothing_else(each: Built) -> None:
    """Defined whatever ``tls.issuer`` says (global props carry no TLS setting): Azure refuses
    to delete a role that still has assignments, and global applies before the region stacks
    that hold them."""
    role = each.one("azurerm_role_definition", "acme_dns_role")
    assert role["permissions"] == [{"actions": list(ACME_DNS_ACTIONS)}]
    zone = "Microsoft.Network/dnszones"
    assert sorted(ACME_DNS_ACTIONS) == sorted(
        [f"{zone}/read", *(f"{zone}/TXT/{op}" for op in ("read", "write", "delete"))]
    )
    group_id = each.ref("azurerm_resource_group", "resource_group", "id")
    assert (role["scope"], role["assignable_scopes"]) == (group_id, [group_id])
    dns = each.config.dns
    assert role["name"] == f"{each.config.project} ACME DNS-01 TXT records ({dns.zone_name})"


def test_the_edge_probes_the_configs_probe(probed: Built) -> None:
    """Traffic Manager's monitor, or Front Door's origin group probe (the path only), is
    ``config.probe``: both edges ask the application the config names."""
    probe = probed.config.probe
    if probed.config.dns.health_probe.path is None:
        assert probe.path == "/healthz", "unset: the sample app's health endpoint"
    if probed.refs.front_door is not None:
        group = probed.one("azurerm_cdn_frontdoor_origin_group", "front_door/origin_group")
        assert group["health_probe"]["path"] == probe.path
        return
    profiles = probed.out.resources("azurerm_traffic_manager_profile")
    assert len(profiles) == 2
    for profile in profiles.values():
        assert monitor_part(profile["monitor_config"]) == probe_monitor(probe)


def test_the_apps_records_are_the_configs_app_name(each: Built) -> None:
    """Both edges declare the A, AAAA and CNAME records (``count: 0`` where unused), all named
    ``dns.app_name`` in the public zone."""
    zone = each.ref("azurerm_dns_zone", "dns_zone", "name")
    for rtype, id_ in (
        ("azurerm_dns_a_record", "traffic/ipv4_alias"),
        ("azurerm_dns_aaaa_record", "traffic/ipv6_alias"),
        ("azurerm_dns_cname_record", "traffic/app_cname"),
    ):
        record = each.one(rtype, id_)
        assert (record["name"], record["zone_name"]) == (each.config.dns.app_name, zone), rtype


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


def test_front_door_validates_the_apps_domain_in_this_stacks_zone(built: dict[str, Built]) -> None:
    """Behind Front Door, the custom domain and its ``_dnsauth`` record are in the public zone
    the global stack manages, and the app's CNAME names this profile's endpoint: so Front Door
    validates and renews the managed certificate by itself."""
    fd = built["frontdoor"]
    zone_id, zone_name = (fd.ref("azurerm_dns_zone", "dns_zone", a) for a in ("id", "name"))
    domain = fd.one("azurerm_cdn_frontdoor_custom_domain", "front_door/custom_domain")
    assert (domain["host_name"], domain["dns_zone_id"]) == (fd.config.dns.app_host, zone_id)
    txt = fd.one("azurerm_dns_txt_record", "front_door/custom_domain_validation")
    assert (txt["name"], txt["zone_name"]) == (f"_dnsauth.{fd.config.dns.app_name}", zone_name)
    cname = fd.one("azurerm_dns_cname_record", "traffic/app_cname")
    assert cname["record"] == fd.ref("azurerm_cdn_frontdoor_endpoint", "front_door/endpoint", "host_name")

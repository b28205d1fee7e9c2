"""``FrontDoor`` alone (the global stack's part of the edge): profile, endpoint, origin group,
custom domain, WAF and security policy, built from ``FrontDoorProps``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from constructhelp import (
    FRONT_DOOR_TUNED,
    Synth,
    bare_stack,
    config,
    expose,
    synth,
)

from dualstack.config import Config, FrontDoorEdge
from dualstack.framework import DnsZone, ResourceGroup
from dualstack.global_.front_door import FrontDoor, FrontDoorProps

PROFILE = "azurerm_cdn_frontdoor_profile"
ENDPOINT = "azurerm_cdn_frontdoor_endpoint"
GROUP = "azurerm_cdn_frontdoor_origin_group"
DOMAIN = "azurerm_cdn_frontdoor_custom_domain"
WAF = "azurerm_cdn_frontdoor_firewall_policy"


def edge_settings(cfg: Config) -> FrontDoorEdge:
    assert isinstance(cfg.edge, FrontDoorEdge)
    return cfg.edge


# --- FrontDoor -------------------------------------------------------------------------


@dataclass(frozen=True)
class Global:
    config: Config
    out: Synth

    def one(self, rtype: str) -> dict[str, Any]:
        (body,) = self.out.resources(rtype).values()
        return body

    def ref(self, rtype: str, id_: str, attribute: str) -> str:
        return self.out.ref(rtype, f"front_door/{id_}", attribute)


def build_front_door(cfg: Config) -> Global:
    stack = bare_stack()
    group = ResourceGroup(stack, "group", name="rg-given", location="westeurope")
    zone = DnsZone(stack, "zone", name=cfg.dns.zone_name, resource_group_name=group.name)
    front_door = FrontDoor(
        stack,
        "front_door",
        props=FrontDoorProps(
            project=cfg.project,
            app_name=cfg.dns.app_name,
            app_host=f"{cfg.dns.app_name}.{cfg.dns.zone_name}",
            settings=edge_settings(cfg),
            probe_path="/given-health",
            tags={"given": "tags"},
            prevent_destroy=cfg.prevent_destroy,
        ),
        group=group,
        zone=zone,
    )
    refs = front_door.refs
    expose(
        stack,
        origin_group_id=refs.origin_group_id,
        endpoint_id=refs.endpoint_id,
        custom_domain_id=refs.custom_domain_id,
    )
    return Global(cfg, synth(stack))


@pytest.fixture(scope="module", params=["example", "tuned"])
def front_door(request: pytest.FixtureRequest) -> Global:
    cfg = config("frontdoor") if request.param == "example" else config("frontdoor", **FRONT_DOOR_TUNED)
    return build_front_door(cfg)


def test_profile_and_endpoint_are_premium_named_for_the_project(front_door: Global) -> None:
    project = front_door.config.project
    profile, endpoint = front_door.one(PROFILE), front_door.one(ENDPOINT)
    assert (profile["name"], profile["sku_name"]) == (f"afd-{project}", "Premium_AzureFrontDoor")
    assert profile["resource_group_name"] == front_door.out.ref("azurerm_resource_group", "group", "name")
    assert endpoint["name"] == f"ep-{project}"
    assert endpoint["cdn_frontdoor_profile_id"] == front_door.ref(PROFILE, "profile", "id")


def test_profile_endpoint_and_domain_are_protected_as_the_config_says(front_door: Global) -> None:
    expected = {"prevent_destroy": True} if front_door.config.prevent_destroy else None
    for rtype in (PROFILE, ENDPOINT, DOMAIN):
        assert front_door.one(rtype).get("lifecycle") == expected, rtype


def test_origin_group_is_latency_based_with_https_get_probes_of_the_given_path(front_door: Global) -> None:
    group = front_door.one(GROUP)
    assert group["cdn_frontdoor_profile_id"] == front_door.ref(PROFILE, "profile", "id")
    latency = group["load_balancing"]["additional_latency_in_milliseconds"]
    assert latency == edge_settings(front_door.config).latency_sensitivity_ms
    assert group["session_affinity_enabled"] is False
    probe = group["health_probe"]
    assert (probe["protocol"], probe["request_type"], probe["path"]) == ("Https", "GET", "/given-health")


def test_custom_domain_is_the_apps_name_validated_through_the_zone(front_door: Global) -> None:
    dns = front_door.config.dns
    domain = front_door.one(DOMAIN)
    assert domain["name"] == dns.app_name
    assert domain["host_name"] == f"{dns.app_name}.{dns.zone_name}"
    assert domain["dns_zone_id"] == front_door.out.ref("azurerm_dns_zone", "zone", "id")
    assert domain["tls"] == {"certificate_type": "ManagedCertificate"}
    txt = front_door.one("azurerm_dns_txt_record")
    assert txt["name"] == f"_dnsauth.{dns.app_name}"
    assert txt["zone_name"] == front_door.out.ref("azurerm_dns_zone", "zone", "name")
    assert txt["record"] == [{"value": front_door.ref(DOMAIN, "custom_domain", "validation_token")}]


def test_waf_policy_follows_the_config(front_door: Global) -> None:
    waf = edge_settings(front_door.config).waf
    policy = front_door.one(WAF)
    assert policy["name"] == f"waf{front_door.config.project}"
    assert policy["mode"] == waf.mode
    assert policy["sku_name"] == "Premium_AzureFrontDoor"
    assert policy["enabled"] is True and policy["request_body_check_enabled"] is True
    (rule,) = policy["custom_rule"]
    assert rule["type"] == "RateLimitRule" and rule["action"] == "Block"
    assert rule["rate_limit_threshold"] == waf.rate_limit.threshold
    assert rule["rate_limit_duration_in_minutes"] == waf.rate_limit.duration_minutes
    (condition,) = rule["match_condition"]
    # Counted per client address, for both families.
    assert condition["match_variable"] == "RemoteAddr" and condition["operator"] == "IPMatch"
    assert condition["match_values"] == ["0.0.0.0/0", "::/0"]
    default, bots = policy["managed_rule"]
    assert (default["type"], default["version"], default["action"]) == (
        "Microsoft_DefaultRuleSet",
        waf.default_rule_set_version,
        "Block",
    )
    assert (bots["type"], bots["version"]) == (
        "Microsoft_BotManagerRuleSet",
        waf.bot_manager_rule_set_version,
    )
    overrides = {o["rule_group_name"]: o["exclusion"] for o in default.get("override", [])}
    assert overrides == {
        group: [
            {"match_variable": e.match_variable, "operator": e.operator, "selector": e.selector} for e in excl
        ]
        for group, excl in waf.exclusions.items()
    }


def test_security_policy_binds_the_waf_to_the_domain_and_the_endpoint(front_door: Global) -> None:
    policy = front_door.one("azurerm_cdn_frontdoor_security_policy")["security_policies"]["firewall"]
    assert policy["cdn_frontdoor_firewall_policy_id"] == front_door.ref(WAF, "waf_policy", "id")
    assert policy["association"]["patterns_to_match"] == ["/*"]
    domains = [d["cdn_frontdoor_domain_id"] for d in policy["association"]["domain"]]
    assert domains == [
        front_door.ref(DOMAIN, "custom_domain", "id"),
        front_door.ref(ENDPOINT, "endpoint", "id"),
    ]


def test_refs_name_the_origin_group_endpoint_and_domain(front_door: Global) -> None:
    out = front_door.out
    assert out.output("origin_group_id") == front_door.ref(GROUP, "origin_group", "id")
    assert out.output("endpoint_id") == front_door.ref(ENDPOINT, "endpoint", "id")
    assert out.output("custom_domain_id") == front_door.ref(DOMAIN, "custom_domain", "id")


def test_tags_are_the_given_ones(front_door: Global) -> None:
    tagged = dict(front_door.out.tagged())
    assert {p for p in tagged if p.startswith("front_door/")} == {
        "front_door/profile",
        "front_door/endpoint",
        "front_door/custom_domain_validation",
        "front_door/waf_policy",
    }
    assert all(b["tags"] == {"given": "tags"} for p, b in tagged.items() if p.startswith("front_door/"))

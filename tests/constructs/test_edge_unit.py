"""The Front Door constructs alone: ``FrontDoor`` (global), ``RegionOrigins`` (a region's
origins, on a ``RegionNetwork``) and ``FrontDoorRoute`` (the edge stack's route)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from constructhelp import (
    FRONT_DOOR,
    FRONT_DOOR_REFS,
    Synth,
    bare_stack,
    config,
    expose,
    region_context,
    synth,
)

from dualstack.config import Config, FrontDoorEdge
from dualstack.edge.route import FrontDoorRoute
from dualstack.framework import DnsZone, ResourceGroup
from dualstack.global_.front_door import FrontDoor, FrontDoorProps
from dualstack.region.context import RegionContext
from dualstack.region.network import RegionNetwork
from dualstack.region.origins import RegionOrigins

PROFILE = "azurerm_cdn_frontdoor_profile"
ENDPOINT = "azurerm_cdn_frontdoor_endpoint"
GROUP = "azurerm_cdn_frontdoor_origin_group"
DOMAIN = "azurerm_cdn_frontdoor_custom_domain"
WAF = "azurerm_cdn_frontdoor_firewall_policy"
ORIGIN = "azurerm_cdn_frontdoor_origin"

TUNED = {
    "edge.latency_sensitivity_ms": 120,
    "edge.waf.mode": "Detection",
    "edge.waf.default_rule_set_version": "2.0",
    "edge.waf.rate_limit": {"threshold": 300, "duration_minutes": 5},
    "edge.waf.exclusions": {},
    "dns.app_name": "shop",
    "prevent_destroy": False,
    "regions.westeurope.origin": {"priority": 3, "weight": 250},
}
"""Every setting the Front Door constructs read, away from the example's values."""


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
    cfg = config("frontdoor") if request.param == "example" else config("frontdoor", **TUNED)
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
    (rule,) = policy["custom_rule"]
    assert rule["rate_limit_threshold"] == waf.rate_limit.threshold
    assert rule["rate_limit_duration_in_minutes"] == waf.rate_limit.duration_minutes
    assert rule["match_condition"][0]["match_values"] == ["0.0.0.0/0", "::/0"]
    default, bots = policy["managed_rule"]
    assert (default["type"], default["version"]) == ("Microsoft_DefaultRuleSet", waf.default_rule_set_version)
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


# --- RegionOrigins ---------------------------------------------------------------------


@dataclass(frozen=True)
class Origins:
    ctx: RegionContext
    out: Synth


def build_origins(ctx: RegionContext) -> Origins:
    stack = bare_stack()
    network = RegionNetwork(stack, "network", ctx=ctx)
    public_ips = {f: network.public_ips[f] for f in ctx.public_families}
    RegionOrigins(stack, "origins", ctx=ctx, public_ips=public_ips)
    return Origins(ctx, synth(stack))


ORIGIN_CASES: dict[str, Callable[[], RegionContext]] = {
    "westeurope": lambda: region_context(config("frontdoor"), "westeurope", refs=FRONT_DOOR_REFS),
    "northeurope-standby": lambda: region_context(config("frontdoor"), "northeurope", refs=FRONT_DOOR_REFS),
    "westeurope-tuned": lambda: region_context(
        config("frontdoor", **TUNED), "westeurope", refs=FRONT_DOOR_REFS
    ),
    "translator-off": lambda: region_context(
        config("frontdoor", **{"ingress.translator_enabled": False}), "westeurope", refs=FRONT_DOOR_REFS
    ),
}


@pytest.fixture(scope="module")
def all_origins() -> dict[str, Origins]:
    return {name: build_origins(make()) for name, make in ORIGIN_CASES.items()}


@pytest.fixture(params=sorted(ORIGIN_CASES))
def origins(request: pytest.FixtureRequest, all_origins: dict[str, Origins]) -> Origins:
    return all_origins[request.param]


def test_one_origin_per_public_family(origins: Origins) -> None:
    assert set(origins.out.under("origins/")) == {f"origins/{f}_origin" for f in origins.ctx.public_families}


def test_origin_is_the_ingress_address_with_the_apps_host_name(origins: Origins) -> None:
    ctx, out = origins.ctx, origins.out
    for family in ctx.public_families:
        origin = out.resource(ORIGIN, f"origins/{family}_origin")
        assert origin["name"] == f"{ctx.region_name}-{family}"
        assert origin["cdn_frontdoor_origin_group_id"] == FRONT_DOOR.origin_group_id
        assert origin["host_name"] == out.ref(
            "azurerm_public_ip", f"network/ingress_{family}_public_ip", "ip_address"
        )
        assert origin["origin_host_header"] == ctx.app_host
        assert origin["certificate_name_check_enabled"] is True
        assert (origin["http_port"], origin["https_port"]) == (80, 443)


def test_origin_priority_and_weight_come_from_the_region(origins: Origins) -> None:
    for origin in origins.out.resources(ORIGIN).values():
        assert (origin["priority"], origin["weight"]) == (
            origins.ctx.origin.priority,
            origins.ctx.origin.weight,
        )


def test_origin_settings_differ_between_the_cases(all_origins: dict[str, Origins]) -> None:
    """The cases above see the default, the example's standby and a tuned region."""
    settings = {name: (o.ctx.origin.priority, o.ctx.origin.weight) for name, o in all_origins.items()}
    assert settings["westeurope"] == (1, 1000)
    assert settings["northeurope-standby"] == (2, 1000)
    assert settings["westeurope-tuned"] == (3, 250)


def test_translator_off_has_origins_of_the_native_family_only(all_origins: dict[str, Origins]) -> None:
    assert set(all_origins["translator-off"].out.resources(ORIGIN)) == {"origins/ipv4_origin"}


# --- FrontDoorRoute --------------------------------------------------------------------


@pytest.fixture(scope="module")
def route() -> Synth:
    stack = bare_stack("edge")
    FrontDoorRoute(stack, "front_door", refs=FRONT_DOOR)
    return synth(stack)


def test_route_serves_the_custom_domain_from_the_origin_group(route: Synth) -> None:
    body = route.resource("azurerm_cdn_frontdoor_route", "front_door/route")
    assert body["cdn_frontdoor_endpoint_id"] == FRONT_DOOR.endpoint_id
    assert body["cdn_frontdoor_origin_group_id"] == FRONT_DOOR.origin_group_id
    assert body["cdn_frontdoor_custom_domain_ids"] == [FRONT_DOOR.custom_domain_id]
    assert body["link_to_default_domain"] is False
    assert (body["forwarding_protocol"], body["https_redirect_enabled"]) == ("HttpsOnly", True)
    assert body["supported_protocols"] == ["Http", "Https"]


def test_custom_domain_is_associated_with_the_route(route: Synth) -> None:
    association = route.resource(
        "azurerm_cdn_frontdoor_custom_domain_association", "front_door/custom_domain_association"
    )
    assert association["cdn_frontdoor_custom_domain_id"] == FRONT_DOOR.custom_domain_id
    assert association["cdn_frontdoor_route_ids"] == [
        route.ref("azurerm_cdn_frontdoor_route", "front_door/route", "id")
    ]


def test_route_stack_holds_nothing_else(route: Synth) -> None:
    assert sorted(route.under("")) == ["front_door/custom_domain_association", "front_door/route"]
    assert json.dumps(route.doc).count("${") == 1, "the route's id is the one reference"

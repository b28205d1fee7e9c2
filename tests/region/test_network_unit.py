"""``RegionNetwork`` alone: groups, VNet and subnets from the region, both public IPs, the NSG."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from constructhelp import FRONT_DOOR_REFS, REFS, Synth, bare_stack, config, region_context, synth

from dualstack.naming import ALL_FAMILIES
from dualstack.region.context import RegionContext
from dualstack.region.network import FRONT_DOOR_SOURCE, RegionNetwork

RULE = "azurerm_network_security_rule"
PIP = "azurerm_public_ip"


@dataclass(frozen=True)
class Built:
    ctx: RegionContext
    out: Synth

    def rules(self) -> dict[str, dict[str, Any]]:
        return self.out.resources(RULE)

    def ip_ref(self, family: str, attribute: str) -> str:
        return self.out.ref(PIP, f"network/ingress_{family}_public_ip", attribute)


def build(ctx: RegionContext) -> Built:
    stack = bare_stack()
    RegionNetwork(stack, "network", ctx=ctx)
    return Built(ctx, synth(stack))


VARIANTS: dict[str, Callable[[], RegionContext]] = {
    # nat64, both families public, protected, Traffic Manager edge
    "default": lambda: region_context(config("default")),
    # a second region of another config: its own ranges and its own derived subnets
    "dualstack-australiaeast": lambda: region_context(config("dualstack"), "australiaeast"),
    # two zones: the public IPs stay zone-redundant over three all the same
    "nat46-southeastasia": lambda: region_context(config("nat46"), "southeastasia"),
    # the translator (IPv6 in nat64) off: IPv4 public only, both addresses kept
    "translator-off": lambda: region_context(config("default", **{"ingress.translator_enabled": False})),
    "front-door": lambda: region_context(config("frontdoor"), "northeurope", refs=FRONT_DOOR_REFS),
}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: build(make()) for name, make in VARIANTS.items()}


@pytest.fixture(params=sorted(VARIANTS))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


def test_resource_groups_are_named_for_the_region(each: Built) -> None:
    ctx, groups = each.ctx, each.out.resources("azurerm_resource_group")
    assert set(groups) == {"network/resource_group", "network/ingress_resource_group"}
    assert groups["network/resource_group"]["name"] == f"rg-{ctx.project}-{ctx.region_name}"
    assert groups["network/ingress_resource_group"]["name"] == f"rg-{ctx.project}-{ctx.region_name}-ingress"
    assert {g["location"] for g in groups.values()} == {ctx.region_name}


def test_vnet_and_subnets_come_from_the_region(each: Built) -> None:
    region, out = each.ctx.region, each.out
    vnet = out.resource("azurerm_virtual_network", "network/vnet")
    assert vnet["address_space"] == [region.address_space.ipv4, region.address_space.ipv6]
    assert vnet["location"] == each.ctx.region_name
    assert vnet["resource_group_name"] == out.ref("azurerm_resource_group", "network/resource_group", "name")
    subnets = out.resources("azurerm_subnet")
    assert subnets["network/cluster_subnet"]["address_prefixes"] == [
        region.cluster_subnet.ipv4,
        region.cluster_subnet.ipv6,
    ]
    assert subnets["network/endpoint_subnet"]["address_prefixes"] == [region.endpoint_subnet]
    for subnet in subnets.values():
        assert subnet["virtual_network_name"] == out.ref("azurerm_virtual_network", "network/vnet", "name")
        assert subnet["default_outbound_access_enabled"] is False


def test_both_public_ips_exist_in_every_mode_zone_redundant_in_the_ingress_group(each: Built) -> None:
    ctx, out = each.ctx, each.out
    ips = out.resources(PIP)
    assert set(ips) == {f"network/ingress_{f}_public_ip" for f in ALL_FAMILIES}
    for family in ALL_FAMILIES:
        ip = ips[f"network/ingress_{family}_public_ip"]
        assert ip["name"] == f"pip-{ctx.project}-{ctx.region_name}-ingress-{family}"
        assert ip["ip_version"] == {"ipv4": "IPv4", "ipv6": "IPv6"}[family]
        assert (ip["sku"], ip["allocation_method"]) == ("Standard", "Static")
        assert ip["zones"] == ["1", "2", "3"], "zone-redundant whatever the region's zones"
        assert ip["resource_group_name"] == out.ref(
            "azurerm_resource_group", "network/ingress_resource_group", "name"
        )


def test_public_ips_are_protected_as_the_config_says(each: Built) -> None:
    expected = {"prevent_destroy": True} if each.ctx.prevent_destroy else None
    for ip in each.out.resources(PIP).values():
        assert ip.get("lifecycle") == expected


def test_dualstack_example_is_unprotected(built: dict[str, Built]) -> None:
    """The one variant with ``prevent_destroy: false`` (so the test above sees both cases)."""
    assert not built["dualstack-australiaeast"].ctx.prevent_destroy
    assert built["default"].ctx.prevent_destroy


def test_http_is_allowed_to_each_public_familys_address_only(each: Built) -> None:
    ctx, rules = each.ctx, each.rules()
    allowed = {p: r for p, r in rules.items() if p.startswith("network/allow_http_")}
    assert set(allowed) == {f"network/allow_http_{f}" for f in ctx.public_families}
    source, label = (
        (FRONT_DOOR_SOURCE, "frontdoor") if ctx.front_door is not None else ("Internet", "internet")
    )
    for family in ctx.public_families:
        rule = allowed[f"network/allow_http_{family}"]
        assert rule["name"] == f"allow-{label}-http-ingress-{family}"
        assert rule["source_address_prefix"] == source
        assert rule["destination_address_prefix"] == each.ip_ref(family, "ip_address")
        assert rule["destination_port_ranges"] == ["80", "443"]
        assert "destination_port_range" not in rule
        assert (rule["direction"], rule["access"], rule["protocol"]) == ("Inbound", "Allow", "Tcp")


def test_translator_off_closes_its_address(built: dict[str, Built]) -> None:
    off = built["translator-off"]
    assert off.ctx.public_families == ("ipv4",)
    destinations = {r["destination_address_prefix"] for r in off.rules().values()}
    assert off.ip_ref("ipv6", "ip_address") not in destinations
    assert off.ip_ref("ipv4", "ip_address") in destinations


def test_front_door_edge_admits_only_front_doors_backends(built: dict[str, Built]) -> None:
    rules = built["front-door"].rules()
    sources = {r["source_address_prefix"] for p, r in rules.items() if r["access"] == "Allow"}
    assert "Internet" not in sources
    assert FRONT_DOOR_SOURCE in sources
    assert all("frontdoor" in r["name"] for p, r in rules.items() if p.startswith("network/allow_http_"))


def test_deny_from_the_internet_comes_last(each: Built) -> None:
    rules = each.rules()
    deny = rules["network/deny_internet"]
    assert (deny["access"], deny["source_address_prefix"], deny["destination_address_prefix"]) == (
        "Deny",
        "Internet",
        "*",
    )
    assert deny["destination_port_range"] == "*" and deny["protocol"] == "*"
    # Nothing else is open to the internet: every other rule from it (or from anywhere) is 80/443.
    from_anywhere = [
        r
        for r in rules.values()
        if r["access"] == "Allow" and r["source_address_prefix"] in ("Internet", "*")
    ]
    assert all(r["destination_port_ranges"] == ["80", "443"] for r in from_anywhere)
    others = [r["priority"] for p, r in rules.items() if p != "network/deny_internet"]
    assert others and max(others) < deny["priority"]
    assert len({r["priority"] for r in rules.values()}) == len(rules), "two rules share a priority"


def test_load_balancer_probes_are_allowed(each: Built) -> None:
    probes = each.rules()["network/allow_lb_probes"]
    assert (probes["source_address_prefix"], probes["access"]) == ("AzureLoadBalancer", "Allow")


def test_every_rule_belongs_to_the_nsg(each: Built) -> None:
    out = each.out
    nsg_name = out.ref("azurerm_network_security_group", "network/nsg", "name")
    group = out.ref("azurerm_resource_group", "network/resource_group", "name")
    for rule in each.rules().values():
        assert (rule["network_security_group_name"], rule["resource_group_name"]) == (nsg_name, group)


def test_nsg_is_associated_with_both_subnets(each: Built) -> None:
    out = each.out
    associations = out.resources("azurerm_subnet_network_security_group_association")
    nsg_id = out.ref("azurerm_network_security_group", "network/nsg", "id")
    assert {a["network_security_group_id"] for a in associations.values()} == {nsg_id}
    assert sorted(a["subnet_id"] for a in associations.values()) == sorted(
        out.ref("azurerm_subnet", f"network/{s}", "id") for s in ("cluster_subnet", "endpoint_subnet")
    )


def test_vnet_is_linked_to_the_global_private_zone(each: Built) -> None:
    out = each.out
    link = out.resource("azurerm_private_dns_zone_virtual_network_link", "network/private_dns_link")
    assert link["private_dns_zone_name"] == REFS.private_dns_zone_name
    assert link["resource_group_name"] == REFS.resource_group_name
    assert link["virtual_network_id"] == out.ref("azurerm_virtual_network", "network/vnet", "id")
    assert link["registration_enabled"] is False


def test_every_taggable_resource_carries_the_contexts_tags(each: Built) -> None:
    tagged = dict(each.out.tagged())
    assert len(tagged) >= 6
    assert all(body["tags"] == each.ctx.tags for body in tagged.values())

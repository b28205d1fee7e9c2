"""``RegionDns`` alone (given a ``RegionNetwork``'s public IPs): per public family a Traffic
Manager endpoint, a public and a private record; nothing for a drained region."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from constructhelp import REFS, Synth, bare_stack, config, region_context, synth

from dualstack.global_.traffic import DNS_TTL
from dualstack.region.context import RegionContext
from dualstack.region.dns import RegionDns, region_record_name
from dualstack.region.network import RegionNetwork

ENDPOINT = "azurerm_traffic_manager_external_endpoint"
PUBLIC = {"ipv4": "azurerm_dns_a_record", "ipv6": "azurerm_dns_aaaa_record"}
PRIVATE = {"ipv4": "azurerm_private_dns_a_record", "ipv6": "azurerm_private_dns_aaaa_record"}


@dataclass(frozen=True)
class Built:
    ctx: RegionContext
    out: Synth

    def ip_ref(self, family: str, attribute: str) -> str:
        return self.out.ref("azurerm_public_ip", f"network/ingress_{family}_public_ip", attribute)


def build(ctx: RegionContext) -> Built:
    stack = bare_stack()
    network = RegionNetwork(stack, "network", ctx=ctx)
    public_ips = {f: network.public_ips[f] for f in ctx.public_families}
    RegionDns(stack, "dns", ctx=ctx, public_ips=public_ips)
    return Built(ctx, synth(stack))


VARIANTS: dict[str, Callable[[], RegionContext]] = {
    "default": lambda: region_context(config("default")),
    # app name "www", the second region
    "nat46-southeastasia": lambda: region_context(config("nat46"), "southeastasia"),
    # nat46's translator is the IPv4 ingress: IPv6 alone is public
    "nat46-translator-off": lambda: region_context(config("nat46", **{"ingress.translator_enabled": False})),
}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: build(make()) for name, make in VARIANTS.items()}


@pytest.fixture(params=sorted(VARIANTS))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


@pytest.fixture(scope="module")
def drained() -> Built:
    return build(region_context(config("default", **{"regions.eastus2.drain": True}), "eastus2"))


def test_record_name_is_the_region_below_the_app() -> None:
    assert region_record_name("eastus2", "app") == "eastus2.app"


def test_one_endpoint_and_two_records_per_public_family(each: Built) -> None:
    families = each.ctx.public_families
    assert set(each.out.under("dns/")) == {
        f"dns/{f}_{kind}" for f in families for kind in ("endpoint", "record", "private_record")
    }
    assert set(each.out.under("dns/").values()) == {
        ENDPOINT,
        *(PUBLIC[f] for f in families),
        *(PRIVATE[f] for f in families),
    }


def test_translator_off_leaves_only_the_native_family(built: dict[str, Built]) -> None:
    off = built["nat46-translator-off"]
    assert off.ctx.public_families == ("ipv6",)
    assert not off.out.resources(PUBLIC["ipv4"]) and not off.out.resources(PRIVATE["ipv4"])


def test_endpoint_joins_its_familys_global_profile_with_its_address(each: Built) -> None:
    for family in each.ctx.public_families:
        endpoint = each.out.resource(ENDPOINT, f"dns/{family}_endpoint")
        assert endpoint["profile_id"] == REFS.traffic_manager_profile_ids[family]
        assert endpoint["target"] == each.ip_ref(family, "ip_address")
        assert endpoint["name"] == endpoint["endpoint_location"] == each.ctx.region_name
        assert endpoint["enabled"] is True


def test_public_record_aliases_the_public_ip_in_the_global_zone(each: Built) -> None:
    name = f"{each.ctx.region_name}.{each.ctx.app_name}"
    for family in each.ctx.public_families:
        record = each.out.resource(PUBLIC[family], f"dns/{family}_record")
        assert record["name"] == name
        assert (record["zone_name"], record["resource_group_name"]) == (
            REFS.dns_zone_name,
            REFS.resource_group_name,
        )
        assert record["target_resource_id"] == each.ip_ref(family, "id")
        assert record["ttl"] == DNS_TTL
        assert record["tags"] == each.ctx.tags


def test_private_record_holds_the_address_in_the_private_zone(each: Built) -> None:
    name = f"{each.ctx.region_name}.{each.ctx.app_name}"
    for family in each.ctx.public_families:
        record = each.out.resource(PRIVATE[family], f"dns/{family}_private_record")
        assert record["name"] == name
        assert record["zone_name"] == REFS.private_dns_zone_name
        assert record["records"] == [each.ip_ref(family, "ip_address")]


def test_a_drained_region_has_no_names_and_keeps_its_addresses(drained: Built) -> None:
    assert drained.ctx.region.drain
    assert drained.out.under("dns/") == {}
    assert set(drained.out.resources("azurerm_public_ip")) == {
        "network/ingress_ipv4_public_ip",
        "network/ingress_ipv6_public_ip",
    }

"""``RegionEndpoints`` alone (on a ``RegionNetwork``): a privatelink zone, link and endpoint
per private-link target the global stack names."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest
from constructhelp import REFS, Synth, bare_stack, config, region_context, synth

from dualstack.region.context import RegionContext
from dualstack.region.endpoints import PRIVATE_LINK_ZONES, RegionEndpoints
from dualstack.region.network import RegionNetwork

ZONE = "azurerm_private_dns_zone"
LINK = "azurerm_private_dns_zone_virtual_network_link"
ENDPOINT = "azurerm_private_endpoint"


@dataclass(frozen=True)
class Built:
    ctx: RegionContext
    out: Synth
    kinds: set[str]


def build(ctx: RegionContext) -> Built:
    stack = bare_stack()
    network = RegionNetwork(stack, "network", ctx=ctx)
    endpoints = RegionEndpoints(stack, "endpoints", ctx=ctx, network=network)
    return Built(ctx, synth(stack), set(endpoints.endpoints))


@pytest.fixture(scope="module")
def default() -> Built:
    return build(region_context(config("default")))


@pytest.fixture(scope="module")
def registry_only() -> Built:
    """Global references that name the registry only: the endpoints follow the references."""
    targets = {"registry": REFS.private_link_targets["registry"]}
    refs = dataclasses.replace(REFS, private_link_targets=targets)
    return build(region_context(config("dualstack"), "uksouth", refs=refs))


def test_one_zone_link_and_endpoint_per_target(default: Built) -> None:
    out = default.out
    assert default.kinds == set(REFS.private_link_targets) == {"registry", "vault"}
    assert set(out.under("endpoints/").values()) == {ZONE, LINK, ENDPOINT}
    assert set(out.resources(ENDPOINT)) == {f"endpoints/{k}_endpoint" for k in default.kinds}


@pytest.mark.parametrize("kind", ["registry", "vault"])
def test_zone_is_the_kinds_privatelink_zone_in_the_region_group(default: Built, kind: str) -> None:
    out = default.out
    zone = out.resource(ZONE, f"endpoints/{kind}_zone")
    assert zone["name"] == PRIVATE_LINK_ZONES[kind]
    assert zone["resource_group_name"] == out.ref("azurerm_resource_group", "network/resource_group", "name")
    link = out.resource(LINK, f"endpoints/{kind}_zone_link")
    assert link["private_dns_zone_name"] == out.ref(ZONE, f"endpoints/{kind}_zone", "name")
    assert link["virtual_network_id"] == out.ref("azurerm_virtual_network", "network/vnet", "id")
    assert link["registration_enabled"] is False
    ctx = default.ctx
    assert link["name"] == f"link-{ctx.project}-{ctx.region_name}-{kind}"


@pytest.mark.parametrize("kind", ["registry", "vault"])
def test_endpoint_connects_the_global_resource_in_the_endpoint_subnet(default: Built, kind: str) -> None:
    out, ctx = default.out, default.ctx
    endpoint = out.resource(ENDPOINT, f"endpoints/{kind}_endpoint")
    assert endpoint["name"] == f"pe-{ctx.project}-{ctx.region_name}-{kind}"
    assert endpoint["location"] == ctx.region_name
    assert endpoint["subnet_id"] == out.ref("azurerm_subnet", "network/endpoint_subnet", "id")
    connection = endpoint["private_service_connection"]
    assert connection["private_connection_resource_id"] == REFS.private_link_targets[kind]
    assert connection["subresource_names"] == [kind]
    assert connection["is_manual_connection"] is False
    assert endpoint["private_dns_zone_group"]["private_dns_zone_ids"] == [
        out.ref(ZONE, f"endpoints/{kind}_zone", "id")
    ]


def test_privatelink_zones_are_protected_as_the_config_says(default: Built, registry_only: Built) -> None:
    assert default.ctx.prevent_destroy and not registry_only.ctx.prevent_destroy
    for zone in default.out.resources(ZONE).values():
        assert zone["lifecycle"] == {"prevent_destroy": True}
    for zone in registry_only.out.resources(ZONE).values():
        assert "lifecycle" not in zone


def test_only_the_targets_the_global_stack_names_get_an_endpoint(registry_only: Built) -> None:
    out = registry_only.out
    assert registry_only.kinds == {"registry"}
    assert set(out.resources(ENDPOINT)) == {"endpoints/registry_endpoint"}
    assert [z["name"] for z in out.resources(ZONE).values()] == [PRIVATE_LINK_ZONES["registry"]]


def test_tags_are_the_contexts(default: Built) -> None:
    tagged = {p: b for p, b in default.out.tagged() if p.startswith("endpoints/")}
    assert len(tagged) == 6
    assert all(b["tags"] == default.ctx.tags for b in tagged.values())

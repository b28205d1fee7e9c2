"""``HubPeering`` and ``hub_provider`` alone: the region VNet and the hub peered in both
directions, the hub side through a provider aliased to the hub's subscription."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from constructhelp import Synth, bare_stack, config, region_context, synth

from dualstack.config import Config, Hub
from dualstack.framework import VirtualNetwork
from dualstack.region.context import RegionContext
from dualstack.region.peering import HUB_PROVIDER_ALIAS, HubPeering, hub_provider

PEERING = "azurerm_virtual_network_peering"
SUBSCRIPTION = "1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516"
"""A hub in another subscription than the example's."""


@dataclass(frozen=True)
class Built:
    ctx: RegionContext
    hub: Hub
    out: Synth

    def peering(self, id_: str) -> dict[str, Any]:
        return self.out.resource(PEERING, f"hub_peering/{id_}")


def hub_id(subscription: str, group: str, name: str) -> str:
    return (
        f"/subscriptions/{subscription}/resourceGroups/{group}"
        f"/providers/Microsoft.Network/virtualNetworks/{name}"
    )


CASES: dict[str, Callable[[], Config]] = {
    "dualstack-example": lambda: config("dualstack"),
    "other-subscription": lambda: config(
        "dualstack", **{"network.hub.virtual_network_id": hub_id(SUBSCRIPTION, "rg-other-hub", "vnet-other")}
    ),
}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    out = {}
    for name, make in CASES.items():
        ctx = region_context(make(), "uksouth")
        hub = ctx.hub
        assert hub is not None
        stack = bare_stack()
        vnet = VirtualNetwork(
            stack,
            "vnet",
            name="vnet-given",
            resource_group_name="rg-given",
            location="uksouth",
            address_space=["10.0.0.0/16"],
        )
        HubPeering(stack, "hub_peering", ctx=ctx, hub=hub, vnet=vnet, hub_provider=hub_provider(stack, hub))
        out[name] = Built(ctx, hub, synth(stack))
    return out


@pytest.fixture(params=sorted(CASES))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


def test_hub_provider_is_aliased_to_the_hubs_subscription(each: Built) -> None:
    providers = each.out.doc["provider"]["azurerm"]
    default = [p for p in providers if "alias" not in p]
    (hub,) = [p for p in providers if p.get("alias") == HUB_PROVIDER_ALIAS]
    assert hub["subscription_id"] == each.hub.subscription_id
    assert default and all("subscription_id" not in p for p in default), (
        "the default provider stays as it was"
    )


def test_other_subscription_case_is_parsed_from_the_id(built: dict[str, Built]) -> None:
    hub = built["other-subscription"].hub
    assert (hub.subscription_id, hub.resource_group_name, hub.name) == (
        SUBSCRIPTION,
        "rg-other-hub",
        "vnet-other",
    )


def test_region_side_peering_is_in_the_vnets_group_with_the_default_provider(each: Built) -> None:
    to_hub, out = each.peering("to_hub"), each.out
    assert to_hub["name"] == f"peer-{each.ctx.project}-{each.ctx.region_name}-to-hub"
    assert to_hub["resource_group_name"] == out.ref("azurerm_virtual_network", "vnet", "resource_group_name")
    assert to_hub["virtual_network_name"] == out.ref("azurerm_virtual_network", "vnet", "name")
    assert to_hub["remote_virtual_network_id"] == each.hub.virtual_network_id
    assert "provider" not in to_hub


def test_hub_side_peering_is_in_the_hubs_group_through_the_hub_provider(each: Built) -> None:
    from_hub, out = each.peering("from_hub"), each.out
    assert from_hub["name"] == f"peer-hub-to-{each.ctx.project}-{each.ctx.region_name}"
    assert from_hub["provider"] == f"azurerm.{HUB_PROVIDER_ALIAS}"
    assert (from_hub["resource_group_name"], from_hub["virtual_network_name"]) == (
        each.hub.resource_group_name,
        each.hub.name,
    )
    assert from_hub["remote_virtual_network_id"] == out.ref("azurerm_virtual_network", "vnet", "id")


@pytest.mark.parametrize("id_", ["to_hub", "from_hub"])
def test_both_directions_reach_each_other_and_forward_nothing(each: Built, id_: str) -> None:
    peering = each.peering(id_)
    assert peering["allow_virtual_network_access"] is True
    assert peering["allow_forwarded_traffic"] is False
    assert peering["allow_gateway_transit"] is False
    assert peering["use_remote_gateways"] is False

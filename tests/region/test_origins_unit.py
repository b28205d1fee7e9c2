"""``RegionOrigins`` alone (the region stack's part of the edge): one origin per public ingress
address, on a ``RegionNetwork``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from constructhelp import (
    FRONT_DOOR,
    FRONT_DOOR_REFS,
    FRONT_DOOR_TUNED,
    Synth,
    bare_stack,
    config,
    region_context,
    synth,
)

from dualstack.region.context import RegionContext
from dualstack.region.network import RegionNetwork
from dualstack.region.origins import RegionOrigins

ORIGIN = "azurerm_cdn_frontdoor_origin"


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
        config("frontdoor", **FRONT_DOOR_TUNED), "westeurope", refs=FRONT_DOOR_REFS
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

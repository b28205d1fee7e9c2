"""``RegionContext``: what it derives from the config and the global references."""

from __future__ import annotations

import pytest
from constructhelp import FRONT_DOOR, FRONT_DOOR_REFS, REFS, config, region_context

from dualstack.config import Origin
from dualstack.stackbase import base_tags


def test_project_region_and_protection_come_from_the_config() -> None:
    cfg = config("dualstack")
    ctx = region_context(cfg, "australiaeast")
    assert ctx.project == cfg.project == "northwind"
    assert ctx.region is cfg.regions["australiaeast"]
    assert ctx.region.cluster_subnet.ipv4 == "10.70.16.0/20"
    assert ctx.prevent_destroy is cfg.prevent_destroy is False
    assert region_context(config("default")).prevent_destroy is True
    assert ctx.tags == base_tags(cfg.tags, cfg.project)


@pytest.mark.parametrize(
    ("stem", "translator", "families"),
    [
        ("default", True, ("ipv4", "ipv6")),  # nat64
        ("default", False, ("ipv4",)),  # nat64 without its IPv6 translator
        ("nat46", True, ("ipv4", "ipv6")),
        ("nat46", False, ("ipv6",)),  # nat46 without its IPv4 translator
        ("dualstack", True, ("ipv4", "ipv6")),  # nothing translates (translator_enabled refused)
    ],
)
def test_public_families_follow_the_mode_and_the_translator(
    stem: str, translator: bool, families: tuple[str, ...]
) -> None:
    ctx = region_context(config(stem, **{"ingress.translator_enabled": translator}))
    assert ctx.public_families == families


@pytest.mark.parametrize(
    ("stem", "host"), [("default", "app.dualstack.contoso.com"), ("nat46", "www.shop.fabrikam.com")]
)
def test_app_host_is_the_app_name_in_the_zone(stem: str, host: str) -> None:
    assert region_context(config(stem)).app_host == host


def test_front_door_is_the_global_refs() -> None:
    assert region_context(config("default")).front_door is None
    assert region_context(config("frontdoor"), refs=FRONT_DOOR_REFS).front_door == FRONT_DOOR
    assert region_context(config("default"), refs=REFS).global_refs is REFS


def test_origin_defaults_when_the_region_sets_none() -> None:
    cfg = config("frontdoor")
    assert region_context(cfg, "westeurope").origin == Origin() == Origin(priority=1, weight=1000)
    assert region_context(cfg, "northeurope").origin == Origin(priority=2, weight=1000)
    tuned = config("frontdoor", **{"regions.westeurope.origin": {"weight": 10}})
    assert region_context(tuned, "westeurope").origin == Origin(priority=1, weight=10)


def test_context_is_immutable() -> None:
    ctx = region_context(config("default"))
    with pytest.raises(AttributeError):
        ctx.region_name = "other"  # type: ignore[misc]


def test_the_rest_of_the_props_come_from_their_sections() -> None:
    cfg = config("dualstack")
    ctx = region_context(cfg, "australiaeast")
    assert ctx.cluster is cfg.cluster
    assert ctx.app_name == cfg.dns.app_name and ctx.app_host == cfg.dns.app_host
    assert ctx.global_location == cfg.global_.location
    assert ctx.hub is cfg.network.hub
    assert ctx.tls_enabled is cfg.tls.enabled
    assert not hasattr(ctx, "config"), "the constructs get props, not the config"

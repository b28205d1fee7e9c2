"""``FrontDoorRoute`` alone (the edge stack's construct)."""

from __future__ import annotations

import json

import pytest
from constructhelp import (
    FRONT_DOOR,
    Synth,
    bare_stack,
    synth,
)

from dualstack.edge.route import FrontDoorRoute


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
    assert body["patterns_to_match"] == ["/*"]
    # Only orders creation within one stack: the origins are in the region stacks.
    assert body["cdn_frontdoor_origin_ids"] == []


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

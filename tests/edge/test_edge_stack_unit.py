"""``EdgeStack``, the edge stack's composer, on a test app."""

from __future__ import annotations

from constructhelp import FRONT_DOOR, bare_app, config, synth

from dualstack.edge.stack import EdgeStack


def test_edge_stack_holds_the_route_only() -> None:
    cfg = config("frontdoor")
    out = synth(EdgeStack(bare_app(), "edge", config=cfg, refs=FRONT_DOOR))
    assert out.doc["terraform"]["backend"] == {"local": {"path": "../../../terraform.woodgrove.edge.tfstate"}}
    assert set(out.under("").values()) == {
        "azurerm_cdn_frontdoor_route",
        "azurerm_cdn_frontdoor_custom_domain_association",
    }
    route = out.resource("azurerm_cdn_frontdoor_route", "front_door/route")
    assert route["cdn_frontdoor_origin_group_id"] == FRONT_DOOR.origin_group_id

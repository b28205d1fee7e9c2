"""The change summary's first lines: the change in words and what it does to clients and
application teams (``review/headline.py``, from the ``topology.json`` synthesis writes), and
the cost delta under them, for the day-2 changes of ``config/default.yaml``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from synthhelp import CONFIGS, Synthesized, set_key

from dualstack.review import headline
from dualstack.review.diff import diff_outdirs
from dualstack.review.markdown import render

Variant = Callable[..., Synthesized]
X = "\N{MULTIPLICATION SIGN}"
ARROW = "\N{RIGHTWARDS ARROW}"


def _summary(base: Synthesized, head: Synthesized) -> list[str]:
    return render(diff_outdirs(base.outdir, head.outdir)).splitlines()


def _first(lines: list[str]) -> str:
    """The first line after the summary's title and its one-line introduction."""
    assert lines[0] == "## Infrastructure change summary"
    return lines[4]


def test_synthesis_writes_the_topology(synthesized_configs: dict[str, Synthesized]) -> None:
    for stem, out in synthesized_configs.items():
        config = CONFIGS[stem]
        doc = json.loads((out.outdir / headline.FILE).read_text())
        assert doc["mode"] == config.ingress.mode and doc["edge"] == config.edge.kind
        assert doc["regions"] == {r: region.drain for r, region in config.regions.items()}
        # The families the name answers: both behind Front Door; else the mode's public families
        # (the translating one only with its translator on). Services: the mode's, primary first.
        if config.edge.kind == "front_door" or config.ingress.mode == "dualstack":
            assert doc["families"] == ["ipv4", "ipv6"], stem
        elif not config.ingress.translator_enabled:
            assert doc["families"] == [doc["services"][0]], stem
        expected = {"nat64": ["ipv4"], "nat46": ["ipv6"], "dualstack": ["ipv4", "ipv6"]}
        assert doc["services"] == expected[config.ingress.mode], stem


def test_a_region_added_is_named_with_its_cost(default_synth: Synthesized, synth_variant: Variant) -> None:
    def add(raw: dict[str, Any]) -> None:
        raw["regions"]["francecentral"] = {
            "address_space": {"ipv4": "10.30.0.0/16", "ipv6": "fd8e:4a1f:2c00:300::/56"}
        }

    lines = _summary(default_synth, synth_variant("default", add, "default-plus-francecentral"))
    assert _first(lines) == "**What changes:** region francecentral added."
    assert any(
        line.startswith(
            "- **region francecentral added**: it serves clients once its region and workloads stacks "
            "are applied (its names and Traffic Manager endpoints)"
        )
        for line in lines
    )
    assert f"- +6 to +17 {X} vm Standard_D4ds_v5 in francecentral (was 0, now 6-17)" in lines


def test_a_mode_switch_says_every_team_recreates_its_services(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    lines = _summary(
        default_synth, synth_variant("default", set_key("ingress.mode", "nat46"), "default-nat46")
    )
    assert _first(lines) == f"**What changes:** ingress mode nat64 {ARROW} nat46."
    (impact,) = [line for line in lines if line.startswith(f"- **ingress mode nat64 {ARROW} nat46**")]
    assert "each application team must re-create its Services" in impact and "kubectl get svc -A" in impact
    assert "**Cost:** the bill of materials does not change." in lines


def test_switching_to_front_door_says_404_until_the_edge_stack_and_the_order(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    def to_front_door(raw: dict[str, Any]) -> None:
        raw["edge"] = {"kind": "front_door"}
        raw["tls"]["issuer"] = "letsencrypt"

    lines = _summary(default_synth, synth_variant("default", to_front_door, "default-front-door"))
    assert _first(lines) == f"**What changes:** edge traffic_manager {ARROW} front_door."
    caution = lines[lines.index("> [!CAUTION]") + 1]
    assert caution.startswith(f"> - **edge traffic_manager {ARROW} front_door**")
    assert "Front Door answers 404 for it until the `edge` stack's route exists" in caution
    assert "apply `global`, every region, every workloads stack" in caution and "then `edge`" in caution
    assert f"- -2 {X} traffic-manager-profile in global (was 2, now 0)" in lines
    assert f"- +1 {X} front-door-profile Premium_AzureFrontDoor in global (was 0, now 1)" in lines


def test_translator_off_is_loud_it_cuts_every_ipv6_only_client(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    lines = _summary(
        default_synth,
        synth_variant("default", set_key("ingress.translator_enabled", False), "default-no-translator"),
    )
    assert _first(lines) == "**What changes:** IPv6 translator off in all regions."
    caution = lines[lines.index("> [!CAUTION]") + 1]
    assert caution == (
        "> - **IPv6 translator off in all regions**: the app's AAAA answer is removed: every IPv6-only "
        "client is cut off; dual-stack clients move to the other family."
    )
    assert f"- -2 {X} traffic-manager-endpoint External in global (was 4, now 2)" in lines


def test_a_drain_is_named_and_keeps_the_cluster(default_synth: Synthesized, synth_variant: Variant) -> None:
    lines = _summary(
        default_synth,
        synth_variant("default", set_key("regions.swedencentral.drain", True), "default-drained"),
    )
    assert _first(lines) == "**What changes:** region swedencentral drained."
    assert any("- **region swedencentral drained**: it leaves the app's names" in line for line in lines)
    assert not [line for line in lines if f"{X} vm " in line], "its cluster stays: no node changes"


def _full(doc: dict[str, Any]) -> dict[str, Any]:
    defaults = headline.topology(
        "nat64", "traffic_manager", True, "ipv6", {"a": False, "b": False}, ["ipv4", "ipv6"], ["ipv4"]
    )
    return defaults | doc


@pytest.mark.parametrize(
    ("base", "head", "expected"),
    [
        ({}, {}, []),
        ({}, {"mode": "dualstack", "translating": None}, [f"ingress mode nat64 {ARROW} dualstack"]),
        ({}, {"regions": {"a": False}}, ["region b removed"]),
        ({"regions": {"a": True, "b": False}}, {}, ["region a back in service"]),
        ({"translator": False, "families": ["ipv4"]}, {}, ["IPv6 translator on in all regions"]),
    ],
)
def test_the_headline_rules(base: dict[str, Any], head: dict[str, Any], expected: list[str]) -> None:
    assert [h.change for h in headline.headlines(_full(base), _full(head))] == expected
    assert headline.headlines(None, _full(head)) == []


def test_translator_off_behind_front_door_is_named_but_cuts_no_one() -> None:
    """Front Door answers both families whatever the origins use: no answer is removed."""
    base = _full({"edge": "front_door"})
    (only,) = headline.headlines(base, base | {"translator": False})
    assert only.change == "IPv6 translator off in all regions" and not only.loud
    assert "Front Door still answers IPv6 clients" in only.impact


def test_a_mode_switch_with_the_translator_off_cuts_the_family_it_loses() -> None:
    """nat64 without its translator answers A only, nat46 without its translator AAAA only."""
    base = _full({"translator": False, "families": ["ipv4"]})
    head = _full(
        {
            "mode": "nat46",
            "translating": "ipv4",
            "translator": False,
            "families": ["ipv6"],
            "services": ["ipv6"],
        }
    )
    mode, lost = headline.headlines(base, head)
    assert mode.change == f"ingress mode nat64 {ARROW} nat46" and "must re-create its Services" in mode.impact
    assert lost.change == "the app's A answer removed" and lost.loud
    assert "every IPv4-only client is cut off" in lost.impact


def test_front_door_back_to_traffic_manager_with_the_translator_off_loses_aaaa() -> None:
    """Behind Front Door both families answered; Traffic Manager with the IPv6 translator off
    answers A only: the edge line does not say that, the lost answer does."""
    base = _full({"edge": "front_door", "translator": False})
    head = _full({"translator": False, "families": ["ipv4"]})
    edge, lost = headline.headlines(base, head)
    assert edge.change == f"edge front_door {ARROW} traffic_manager" and edge.loud
    assert lost.change == "the app's AAAA answer removed" and lost.loud


def test_translator_off_names_the_lost_answer_once() -> None:
    base = _full({})
    (only,) = headline.headlines(base, base | {"translator": False, "families": ["ipv4"]})
    assert only.change == "IPv6 translator off in all regions" and only.loud
    (back,) = headline.headlines(base | {"translator": False, "families": ["ipv4"]}, base)
    assert "ingress again once" in back.impact


@pytest.mark.parametrize(
    ("services", "recreate"),
    [(["ipv4", "ipv6"], False), (["ipv6", "ipv4"], True)],
)
def test_a_mode_switch_asks_for_new_services_only_when_the_primary_family_changes(
    services: list[str], recreate: bool
) -> None:
    base = _full({})
    head = _full({"mode": "dualstack", "translating": None, "services": services})
    (mode,) = headline.headlines(base, head)
    assert ("must re-create its Services" in mode.impact) is recreate
    assert ("none must be re-created" in mode.impact) is not recreate


def test_a_region_added_drained_serves_no_one_and_front_door_regions_move_origins() -> None:
    base = _full({})
    (added,) = headline.headlines(base, base | {"regions": {"a": False, "b": False, "c": True}})
    assert added.change == "region c added, drained" and "serves no client" in added.impact
    fd = _full({"edge": "front_door"})
    (drained,) = headline.headlines(fd, fd | {"regions": {"a": True, "b": False}})
    assert "Front Door origins go" in drained.impact and "60 s" not in drained.impact


def test_losing_both_answers_names_the_a_answer_besides_the_translator() -> None:
    """The translator line covers AAAA only; "A answer" is not read out of "AAAA answer"."""
    base = _full({})
    named = headline.headlines(base, base | {"translator": False, "families": []})
    assert [h.change for h in named] == ["IPv6 translator off in all regions", "the app's A answer removed"]


def test_a_mode_switch_from_an_output_without_services_does_not_claim_a_family_change() -> None:
    base = _full({"services": []})
    (mode,) = headline.headlines(base, _full({"mode": "nat46", "translating": "ipv4", "services": ["ipv6"]}))
    assert "does not say which families its Services use" in mode.impact
    assert "nat64 translates IPv6 clients, nat46 translates IPv4 clients" in mode.impact
    (to_dual,) = headline.headlines(
        _full({"mode": "nat46", "translating": "ipv4", "services": ["ipv6"]}),
        _full({"mode": "dualstack", "translating": None, "services": ["ipv4", "ipv6"]}),
    )
    assert "must re-create its Services" in to_dual.impact
    assert (
        "changes: nat46 translates IPv4 clients" in to_dual.impact
        and "dualstack translates" not in to_dual.impact
    )

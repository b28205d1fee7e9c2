"""Changes that must leave the rest of the plan alone.

- the plug-in switch removes the translating ingress and what exists only for it;
- adding or removing a region leaves every other region stack byte-identical;
- switching the ingress mode leaves the cluster's network profile and public IPs alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from synthhelp import Synthesized, set_key

Variant = Callable[..., Synthesized]


def _path(body: Any, address: str) -> str:
    if isinstance(body, dict) and "//" in body:
        return str(body["//"]["metadata"]["path"])
    return address


@pytest.mark.parametrize(("base", "translator"), [("default", "ipv6"), ("nat46", "ipv4")])
def test_translator_switch_removes_only_what_exists_for_the_translating_ingress(
    base: str, translator: str, synthesized_configs: dict[str, Synthesized], synth_variant: Variant
) -> None:
    on = synthesized_configs[base]
    off = synth_variant(base, set_key("ingress.translator_enabled", False), f"{base}-no-translator")
    assert on.stacks.keys() == off.stacks.keys()
    removed_total = 0
    for name in on.stacks:
        with_it, without = on[name].bodies(), off[name].bodies()
        assert set(without) <= set(with_it), f"{name}: switching off added {set(without) - set(with_it)}"
        removed = set(with_it) - set(without)
        removed_total += len(removed)
        for address in removed:
            assert translator in _path(with_it[address], address), (
                f"{name}: {address} removed but not {translator}"
            )
        for address in without:
            assert without[address] == with_it[address], f"{name}: {address} changed"
    # What goes: the NSG rule that opens the address, the TM endpoint, the public and private
    # AAAA (or A) records (per region stack); the release (per workloads stack); the alias
    # record and the cross-stack output of the profile's ID (global). What stays: the public
    # IP (reserved, so switching back reuses the address) and the TM profile, both protected.
    regions = len(on.regions())
    assert removed_total == regions * (4 + 1) + 2
    for stack in off.regions():
        assert {ip["ip_version"] for ip in stack.resources("azurerm_public_ip").values()} == {"IPv4", "IPv6"}
    assert len(off["global"].resources("azurerm_traffic_manager_profile")) == 2


def test_adding_a_region_leaves_the_other_region_stacks_byte_identical(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    def add(raw: dict[str, Any]) -> None:
        raw["regions"]["westus3"] = {
            "address_space": {"ipv4": "10.30.0.0/16", "ipv6": "fd8e:4a1f:2c00:300::/56"}
        }

    more = synth_variant("default", add, "default-plus-westus3")
    assert set(more.stacks) == set(default_synth.stacks) | {"westus3", "westus3-workloads"}
    for name in ("eastus2", "eastus2-workloads", "swedencentral", "swedencentral-workloads"):
        assert more[name].text == default_synth[name].text, f"{name} changed when westus3 was added"


def test_removing_a_region_leaves_the_other_region_stack_byte_identical(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    def remove(raw: dict[str, Any]) -> None:
        del raw["regions"]["swedencentral"]

    fewer = synth_variant("default", remove, "default-minus-swedencentral")
    assert set(fewer.stacks) == {"global", "eastus2", "eastus2-workloads"}
    assert fewer["eastus2"].text == default_synth["eastus2"].text
    assert fewer["eastus2-workloads"].text == default_synth["eastus2-workloads"].text


@pytest.mark.parametrize("mode", ["nat46", "dualstack"])
def test_switching_the_mode_keeps_network_profile_and_public_ips(
    mode: str, default_synth: Synthesized, synth_variant: Variant
) -> None:
    switched = synth_variant("default", set_key("ingress.mode", mode), f"default-{mode}")
    for name in ("eastus2", "swedencentral"):
        before, after = default_synth[name], switched[name]
        assert before.resource("azurerm_kubernetes_cluster", "region/cluster/Resource") == after.resource(
            "azurerm_kubernetes_cluster", "region/cluster/Resource"
        )
        assert before.resources("azurerm_public_ip") == after.resources("azurerm_public_ip")
        assert before.resources("azurerm_virtual_network") == after.resources("azurerm_virtual_network")
        assert before.resources("azurerm_subnet") == after.resources("azurerm_subnet")


def test_sample_app_switch_removes_only_the_sample_app(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    def no_sample(raw: dict[str, Any]) -> None:
        raw["ingress"]["sample_app_enabled"] = False
        # Without the sample app the probe's path is the application team's to name; the same
        # path as before, so nothing the edge probes changes.
        raw["dns"]["health_probe"] = {"path": "/healthz"}

    off = synth_variant("default", no_sample, "default-no-sample")
    for name in ("eastus2", "swedencentral"):
        assert off[name].text == default_synth[name].text
    for name in ("eastus2-workloads", "swedencentral-workloads"):
        with_it, without = default_synth[name].bodies(), off[name].bodies()
        removed = set(with_it) - set(without)
        assert removed and all("/sample_app/" in _path(with_it[a], a) for a in removed)
        changed = {a for a in without if without[a] != with_it[a]}
        # The issuer release stays (for application teams) but requests no sample certificate.
        (issuer,) = changed
        assert _path(without[issuer], issuer).endswith("/cert_manager/issuer")
        assert yaml.safe_load(without[issuer]["values"][0])["certificates"] == []
        assert yaml.safe_load(with_it[issuer]["values"][0])["certificates"]
        assert not [d for d in without[issuer]["depends_on"] if "sample_app" in d]
    assert off["global"].text == default_synth["global"].text

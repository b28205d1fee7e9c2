"""Resource providers: the stacks register none themselves, and the list the docs ask users to
register is exactly what the stacks' resource types need (``dualstack.resource_providers``)."""

from __future__ import annotations

import re

from synthhelp import REPO, Synthesized

from dualstack import resource_providers


def test_every_azurerm_provider_block_registers_nothing(any_synth: Synthesized) -> None:
    for name, stack in any_synth.stacks.items():
        blocks = stack.json.get("provider", {}).get("azurerm", [])
        assert blocks, f"{name}: no azurerm provider"
        for block in blocks:
            assert block["resource_provider_registrations"] == "none", f"{name}: {block}"


def test_every_resource_type_has_its_resource_provider(any_synth: Synthesized) -> None:
    used = {
        rtype
        for stack in any_synth.stacks.values()
        for rtype in stack.json.get("resource", {})
        if rtype.startswith("azurerm_")
    }
    assert sorted(used - set(resource_providers.BY_RESOURCE_TYPE)) == [], "map these in resource_providers.py"


def test_the_map_has_no_type_no_config_uses(synthesized_configs: dict[str, Synthesized]) -> None:
    used = {
        rtype
        for synth in synthesized_configs.values()
        for stack in synth.stacks.values()
        for rtype in stack.json.get("resource", {})
    }
    # The hub peering's types appear only with network.hub (the dualstack example's hub; tests/region/test_peering_unit.py).
    assert sorted(set(resource_providers.BY_RESOURCE_TYPE) - used - {"azurerm_virtual_network_peering"}) == []


def test_the_docs_list_exactly_the_providers_to_register() -> None:
    text = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    loop = text.split("for rp in ", 1)[1].split("; do", 1)[0]
    listed = re.findall(r"Microsoft\.[A-Za-z]+", loop)
    assert listed == resource_providers.required()
    assert resource_providers.REGISTRATIONS in text

"""Destroy protection and the checked-in list of Terraform addresses.

A Terraform address (``type.name``) is the identity of a resource in the state. When one
disappears or changes, the next deploy destroys the old resource and creates a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from synthhelp import CONFIGS, REPO, Stack, Synthesized, set_key

from dualstack.protection import PROTECTED_TYPES

ADDRESS_DIR = REPO / "tests" / "addresses"

MOVED_HELP = """\
A changed or removed Terraform address means DESTROY-AND-CREATE on the next deploy:
a new public IP address, an empty Key Vault or registry, a new cluster.
If the resource only moved (a construct renamed or re-parented), keep it in place instead:
  - add a `moved` block to the stack (cdktf: `resource.move_to(...)` / `move_from_id(...)`), or
  - run `terraform state mv '<old address>' '<new address>'` in cdktf.out/stacks/<stack>
    before deploying.
If the removal is intended, regenerate the list with
  .venv/bin/python -m pytest tests/test_protection.py --update-addresses
and let the reviewers see the diff of tests/addresses/."""


def address_changes(listed: list[str], current: list[str]) -> tuple[list[str], list[str]]:
    """(addresses that disappeared or changed, addresses that are new), each sorted."""
    return sorted(set(listed) - set(current)), sorted(set(current) - set(listed))


def _current(out: Synthesized) -> list[str]:
    return sorted(f"{stack} {address}" for stack, s in out.stacks.items() for address in s.addresses())


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_addresses_match_the_checked_in_list(
    stem: str, synthesized_configs: dict[str, Synthesized], request: pytest.FixtureRequest
) -> None:
    path = ADDRESS_DIR / f"{stem}.txt"
    current = _current(synthesized_configs[stem])
    if request.config.getoption("--update-addresses"):
        ADDRESS_DIR.mkdir(exist_ok=True)
        path.write_text("\n".join(current) + "\n")
    assert path.exists(), f"{path} is missing; create it with --update-addresses"
    listed = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    gone, new = address_changes(listed, current)
    assert not gone, (
        f"{len(gone)} address(es) disappeared or changed in {stem}:\n  "
        + "\n  ".join(gone)
        + "\n\n"
        + MOVED_HELP
    )
    assert not new, f"new addresses in {stem} (add them with --update-addresses):\n  " + "\n  ".join(new)


FRONT_DOOR_TYPES = frozenset(
    {"azurerm_cdn_frontdoor_profile", "azurerm_cdn_frontdoor_endpoint", "azurerm_cdn_frontdoor_custom_domain"}
)
TRAFFIC_MANAGER_TYPES = frozenset({"azurerm_traffic_manager_profile"})


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_protected_resources_have_prevent_destroy(
    stem: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config = CONFIGS[stem]
    seen = set()
    for stack in synthesized_configs[stem].stacks.values():
        for rtype, items in stack.json.get("resource", {}).items():
            for name, body in items.items():
                protected = body.get("lifecycle", {}).get("prevent_destroy") is True
                if rtype in PROTECTED_TYPES:
                    seen.add(rtype)
                    assert protected is config.prevent_destroy, f"{stack.name} {rtype}.{name}"
                else:
                    assert not protected, f"{stack.name} {rtype}.{name} is protected but not listed"
    # Each edge creates its own protected types only: the Traffic Manager profiles, or the
    # Front Door profile, endpoint and custom domain.
    other_edge = TRAFFIC_MANAGER_TYPES if config.front_door is not None else FRONT_DOOR_TYPES
    expected = PROTECTED_TYPES - other_edge
    assert seen == expected, f"no resource of {expected - seen} in {stem}"


def test_default_config_protects() -> None:
    assert CONFIGS["default"].prevent_destroy is True


def test_the_list_check_catches_a_renamed_construct() -> None:
    listed = ["eastus2 azurerm_public_ip.region_network_ingress_ipv4_public_ip_8FAAB222"]
    current = ["eastus2 azurerm_public_ip.region_net_ingress_ipv4_public_ip_0000AAAA"]
    gone, new = address_changes(listed, current)
    assert gone == listed and new == current
    assert address_changes(listed, listed) == ([], [])


def test_an_acknowledged_destroy_lifts_prevent_destroy_on_exactly_that_address(
    default_synth: Synthesized, synth_variant: Callable[..., Synthesized]
) -> None:
    """Acknowledging means deployable: the acknowledged address loses ``prevent_destroy`` (so
    Terraform applies the reviewed plan), every other resource keeps its lifecycle."""
    address = default_synth["eastus2"].address("azurerm_public_ip", "network/ingress_ipv6_public_ip")
    out = synth_variant("default", set_key("acknowledge_destroy", [f"eastus2 {address}"]), "default-ack-one")
    for name, stack in default_synth.stacks.items():
        before, after = stack.bodies(), out[name].bodies()
        assert set(before) == set(after), name
        changed = {a for a in before if before[a] != after[a]}
        if name != "eastus2":
            assert changed == set(), name
            continue
        assert changed == {address}
        assert before[address]["lifecycle"] == {"prevent_destroy": True}
        assert after[address]["lifecycle"] == {"prevent_destroy": False}
        assert {k: v for k, v in after[address].items() if k != "lifecycle"} == {
            k: v for k, v in before[address].items() if k != "lifecycle"
        }


def test_acknowledging_a_whole_stack_lifts_protection_only_for_a_drained_region(
    default_synth: Synthesized, synth_variant: Callable[..., Synthesized]
) -> None:
    """``"<stack> *"`` unprotects every protected resource of a drained region's stacks (on their
    way out) and nothing on a live stack, where every zone, address and vault would go at once."""

    def protected(stack: Stack) -> set[str]:
        return {a for a, b in stack.bodies().items() if b.get("lifecycle", {}).get("prevent_destroy") is True}

    live = synth_variant("default", set_key("acknowledge_destroy", ["swedencentral *"]), "default-ack-live")
    for name, stack in default_synth.stacks.items():
        assert protected(live[name]) == protected(stack), name

    def drained_and_acknowledged(raw: dict[str, Any]) -> None:
        raw["regions"]["swedencentral"]["drain"] = True
        raw["acknowledge_destroy"] = ["swedencentral *"]

    out = synth_variant("default", drained_and_acknowledged, "default-ack-drained")
    assert protected(default_synth["swedencentral"]), "the stack had something to lift"
    assert protected(out["swedencentral"]) == set()
    for name in ("global", "eastus2", "eastus2-workloads"):
        assert protected(out[name]) == protected(default_synth[name]), name
